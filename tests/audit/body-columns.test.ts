/**
 * Verification reads what a record's content says about its derived columns from the canonical
 * text (audit/bodyColumns.ts `scanBodyColumns`) instead of parsing the whole record. It must
 * read exactly what the parse reads, and hand every body it cannot read exactly to the parse; and
 * a column changed by hand is reported whether its record is sealed by a checkpoint (read from the
 * text) or after the last one (parsed) — on PGlite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditWriter, canonicalJson, generateAuditKeys, groupCaseAccesses, migrateAudit, verifyChain, type AuditContent, type AuditKeys } from '../../audit/index.js';
import { contentColumnsOf, scanBodyColumns } from '../../audit/bodyColumns.js';
import { recordGenerator, type Mix } from '../../bench/audit/content.js';
import type { Db } from '../../store/index.js';
import { testStores } from '../harness/stores.js';
import { TAMPERING, type Column } from './tampering.js';

function record(overrides: Record<string, unknown> = {}): AuditContent {
  return {
    v: 2,
    id: '00000000-0000-4000-8000-000000000001',
    kind: 'ACCESS',
    time: '2026-01-01T00:00:01.000Z',
    requestId: 'request-1',
    caller: { issuer: 'https://idp.be-return.continuum.test', organisation: 'EU/GOV/BE-RETURN', country: 'BE', officialId: 'be-counsellor-001', roles: ['MS_COUNSELLOR'] },
    purpose: 'RETURN_COUNSELLING',
    operation: { type: 'query', name: 'OneCase', hash: 'a'.repeat(64) },
    outcome: 'OK',
    subgraphs: ['central'],
    ...groupCaseAccesses([{ ref: 'EU-2024-000001', released: [{ category: 'CASE_ADMIN', basis: 'LEGAL_OBLIGATION', rule: 'ms-officer.case-work', paths: ['case.status'] }], denied: [] }]),
    incidents: [],
    requestHash: 'b'.repeat(64),
    responseHash: 'c'.repeat(64),
    ...overrides,
  } as AuditContent;
}

const parsed = (body: string) => contentColumnsOf(JSON.parse(body) as AuditContent);

describe('reading the derived columns from a canonical body', () => {
  it.each(['typical', 'gateway'] as Mix[])('reads what the parse reads on every record of the %s mix', (mix) => {
    const next = recordGenerator(11, mix);
    for (let i = 0; i < 500; i++) {
      const body = canonicalJson({ ...next(new Date(Date.UTC(2026, 0, 1, 0, 0, i))), id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` });
      expect(scanBodyColumns(body)).toEqual(parsed(body));
    }
  });

  it('reads a record without caller, purpose, id or cases, and a statistics question', () => {
    const statistics = { table: 'returns', rows: 'country', columns: null, filters: [], question: 'q'.repeat(64), asOf: '2026-01-01', cells: 4, suppressedCells: 1, budget: { period: '2026', spent: 1, limit: 10, repeated: false } };
    for (const content of [
      record({ caller: null, purpose: null, id: undefined, cases: [], accesses: [], paths: [] }),
      record({ kind: 'STATISTICS', statistics }),
      record({ kind: 'STATISTICS', statistics: { ...statistics, question: null } }),
      record({ statistics: null }),
      record({ caller: { issuer: 'x', country: 'BE', roles: [] } }),
    ]) {
      const body = canonicalJson(content);
      expect(scanBodyColumns(body), body).toEqual(parsed(body));
      expect(scanBodyColumns(body), body).not.toBeNull();
    }
  });

  it('decodes escaped values exactly, quotes, backslashes, controls and non-ASCII included', () => {
    const odd = 'a "quoted" \\ back\\slash, tab\t, nul\u0000, é, 😀, \u2028';
    const content = record({ requestId: odd, purpose: odd, outcome: odd, caller: { organisation: odd, officialId: odd }, ...groupCaseAccesses([{ ref: odd, released: [], denied: [] }, { ref: 'plain', released: [], denied: [] }]) });
    const body = canonicalJson(content);
    expect(scanBodyColumns(body)).toEqual(parsed(body));
    expect(scanBodyColumns(body)?.organisation).toBe(odd);
  });

  it('reads only the record’s own members, not members of the same name nested in its values', () => {
    const body = canonicalJson(record({ accesses: [{ kind: 'REGISTRY', time: 'never', cases: [{ ref: 'EU-1999-000001' }], caller: { organisation: 'EU/GOV/DE-RETURN' } }], operation: { outcome: 'DENIED', purpose: 'X', type: 'query', name: '"kind":"REGISTRY"', hash: 'h' } }));
    expect(scanBodyColumns(body)).toEqual(parsed(body));
    expect(scanBodyColumns(body)).toMatchObject({ kind: 'ACCESS', outcome: 'OK', organisation: 'EU/GOV/BE-RETURN', casesJson: '["EU-2024-000001"]' });
  });

  it('leaves to the parse what is not the writer’s canonical form: a repeated member, members out of order, blanks, text after the end', () => {
    const body = canonicalJson(record());
    const forms = [
      // JSON.parse keeps the last of two members of the same name.
      body.replace('"kind":"ACCESS"', '"kind":"ACCESS","kind":"REGISTRY"'),
      body.replace(/"caller":\{[^}]*\}/, (caller) => caller.replace('"organisation":"EU/GOV/BE-RETURN"', '"organisation":"EU/GOV/BE-RETURN","organisation":"EU/GOV/DE-RETURN"')),
      `{"time":"2026-01-01T00:00:00.000Z",${body.slice(1)}`,
      body.replace('"kind":"ACCESS"', '"kind": "ACCESS"'),
      body.replace('"kind":"ACCESS"', '"\\u006bind":"ACCESS"'),
      ` ${body}`,
      `${body} `,
      `${body}{}`,
    ];
    for (const form of forms) expect(scanBodyColumns(form), form).toBeNull();
  });

  it('leaves to the parse a value of another type than the writer writes, or a value the columns need that is missing', () => {
    const forms = [
      record({ kind: 7 }),
      record({ time: null }),
      record({ purpose: undefined }),
      record({ caller: 'EU/GOV/BE-RETURN' }),
      record({ caller: { organisation: ['EU/GOV/BE-RETURN'] } }),
      record({ cases: [{ access: 0 }] }),
      record({ cases: ['EU-2024-000001'] }),
      record({ cases: undefined }),
      record({ id: null }),
      record({ statistics: { question: 1 } }),
    ];
    for (const content of forms) expect(scanBodyColumns(canonicalJson(content)), canonicalJson(content)).toBeNull();
  });
});


describe.each(testStores)('verifying derived columns on $name', (store) => {
  let db: Db;
  let drop: () => Promise<void>;
  let keys: AuditKeys;
  let writer: AuditWriter;
  /** Records 1..SEALED are sealed by a checkpoint; the ones after it are not. */
  const SEALED = 20;
  const UNSEALED = SEALED + 2;

  beforeAll(async () => {
    ({ db, drop } = await store.open());
    await migrateAudit(db);
    keys = await generateAuditKeys();
    writer = new AuditWriter(db, keys, { checkpointEvery: 1_000_000, checkpointIntervalMs: 3_600_000 });
    for (let i = 1; i <= SEALED; i++) await writer.append(record({ time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), requestId: `request-${i}` }));
    await writer.checkpointIfDue(true);
    for (let i = SEALED + 1; i <= SEALED + 3; i++) await writer.append(record({ time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), requestId: `request-${i}` }));
    await writer.flush();
  });
  afterAll(async () => {
    await writer.close();
    await drop();
  });

  /** Verifies with `column` of record `seq` set to `value`, then puts the row back as it was. */
  const tampered = async (seq: number, column: string, value: string) => {
    const [saved] = await db.query<{ row: unknown }>('SELECT to_jsonb(r) AS row FROM audit.record r WHERE seq = $1', [seq]);
    await db.query(`UPDATE audit.record SET ${column} = ${value} WHERE seq = $1`, [seq]);
    try {
      return await verifyChain(db, keys.publicKey);
    } finally {
      await db.query(
        `UPDATE audit.record r SET ${column} = s.${column} FROM jsonb_populate_record(NULL::audit.record, $2::jsonb) s WHERE r.seq = $1`,
        [seq, JSON.stringify(saved!.row)],
      );
    }
  };
  const mismatch = (seq: number, column: string) => [{ seq, kind: 'COLUMN_MISMATCH', message: `record ${seq}'s ${column} column does not say what its content says` }];

  it('verifies the untouched log, sealed up to the checkpoint', async () => {
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, records: SEALED + 3, sealedUpTo: SEALED, problems: [] });
  });

  it.each(Object.keys(TAMPERING) as Column[])('names a sealed record whose %s column was changed', async (column) => {
    expect((await tampered(5, column, TAMPERING[column])).problems).toEqual(mismatch(5, column));
  });

  it.each(Object.keys(TAMPERING) as Column[])('names a record after the last checkpoint whose %s column was changed', async (column) => {
    expect((await tampered(UNSEALED, column, TAMPERING[column])).problems).toEqual(mismatch(UNSEALED, column));
  });

  it('names a time moved by less than a millisecond', async () => {
    expect((await tampered(5, 'recorded_at', "recorded_at + interval '1 microsecond'")).problems).toEqual(mismatch(5, 'recorded_at'));
  });

  it('names a cases column that differs from the content by a repeated ref, no ref, or a ref joined to another', async () => {
    for (const value of ["ARRAY['EU-2024-000001', 'EU-2024-000001']", "'{}'", "ARRAY['EU-2024-000001,EU-2024-000002']", "ARRAY['\"EU-2024-000001\"']"]) {
      expect((await tampered(5, 'cases', value)).problems, value).toEqual(mismatch(5, 'cases'));
    }
  });
});
