/**
 * The columns beside a record's content (organisation, cases, kind, time, …) decide what auditors
 * find and what the Art. 15 report lists, but only the content is hashed. Tampering with any of
 * them, on records the running federation wrote (an access, a consent change, a registry
 * action), is reported by verification with the record's seq — on PGlite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../audit/index.js';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';
import { TAMPERING, type Column } from './tampering.js';

const CASES = 40;
const ONE_CASE = 'query OneCase($ref: CaseRef!) { case(ref: $ref) { status memberStateFile { person { familyName } } } }';
const RECORD_CONSENT = 'mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id caseRef } }';
const REPORT = 'query Report($ref: CaseRef!) { accessReport(caseRef: $ref) { accessCount accesses { recipient { id } } } }';
const CHAIN = 'query { auditChainStatus { ok firstBadSeq problems { seq kind message } } }';
const OPERATOR = { issuer: 'continuum-hub', organisation: 'EU/GOV/CONTINUUM-HUB', country: 'EU', officialId: 'hub-operator-001', roles: ['HUB_OPERATOR'] };

const belgian = [...syntheticCases(CASES)].find((c) => c.owningMemberState === 'BE')!;

const COLUMNS = Object.keys(TAMPERING) as Column[];

const mismatch = (seq: number, column: string) => ({ seq, kind: 'COLUMN_MISMATCH', message: `record ${seq}'s ${column} column does not say what its content says` });

describe.each(testStores)('audit record columns on $name', (store) => {
  let federation: TestFederation;
  const seqs = { ACCESS: 0, CONSENT_CHANGE: 0, REGISTRY: 0 };

  /** Runs `check` with `column` of record `seq` tampered with, then puts the row back as it was. */
  const tampered = async <T>(seq: number, column: string, value: string, check: () => Promise<T>): Promise<T> => {
    const [saved] = await federation.db.query<{ row: unknown }>('SELECT to_jsonb(r) AS row FROM audit.record r WHERE seq = $1', [seq]);
    await federation.db.query(`UPDATE audit.record SET ${column} = ${value} WHERE seq = $1`, [seq]);
    try {
      return await check();
    } finally {
      await federation.db.query(
        `UPDATE audit.record r SET (${COLUMNS.join(', ')}) = (SELECT ${COLUMNS.map((c) => `s.${c}`).join(', ')} FROM jsonb_populate_record(NULL::audit.record, $2::jsonb) s) WHERE r.seq = $1`,
        [seq, JSON.stringify(saved!.row)],
      );
    }
  };
  const verify = () => verifyChain(federation.db, federation.auditKeys.publicKey);

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
    await federation.query('be-counsellor', 'RETURN_COUNSELLING', ONE_CASE, { ref: belgian.ref });
    await federation.query('be-counsellor', 'RETURN_COUNSELLING', RECORD_CONSENT, {
      input: { caseRef: belgian.ref, recipient: 'IQ/NGO/IQ-REINTEGRATION-PARTNER', categories: ['HEALTH'], purposes: ['CONTINUITY_OF_CARE'], validFrom: '2026-01-01T00:00:00.000Z', evidenceHash: 'a'.repeat(64) },
    });
    await federation.registry.addParticipant(OPERATOR, {
      id: 'NG/GOV/NG-COLUMN-TEST/referrals',
      name: 'Column test participant',
      publicJwk: federation.auditKeys.publicJwk,
      allowedCategories: ['REFERRAL'],
      allowedContributions: ['Case.referrals'],
    });
    await federation.audit.flush();
    for (const kind of Object.keys(seqs) as (keyof typeof seqs)[]) {
      const [row] = await federation.db.query<{ seq: number }>(
        `SELECT max(seq) AS seq FROM audit.record WHERE kind = $1 AND (kind = 'REGISTRY' OR cases @> ARRAY[$2]::text[])`,
        [kind, belgian.ref],
      );
      seqs[kind] = Number(row!.seq);
    }
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it('verifies the untouched log, records of every kind included', async () => {
    expect(Object.values(seqs).every((seq) => seq > 0)).toBe(true);
    expect(await verify()).toMatchObject({ ok: true, problems: [] });
  });

  it.each(COLUMNS)('names the access record whose %s column was changed', async (column) => {
    const report = await tampered(seqs.ACCESS, column, TAMPERING[column], verify);
    expect(report).toMatchObject({ ok: false, firstBadSeq: seqs.ACCESS });
    expect(report.problems).toEqual([mismatch(seqs.ACCESS, column)]);
  });

  it.each(['CONSENT_CHANGE', 'REGISTRY'] as const)('names a %s record whose columns were changed, column by column', async (kind) => {
    for (const column of COLUMNS) {
      const report = await tampered(seqs[kind], column, TAMPERING[column], verify);
      expect(report.problems, column).toEqual([mismatch(seqs[kind], column)]);
    }
  });

  it('reports a case taken out of a record’s cases column, which would drop an access from the data subject’s report', async () => {
    const before = await federation.query('dpo', 'AUDIT', REPORT, { ref: belgian.ref });
    const { report, status } = await tampered(seqs.ACCESS, 'cases', `array_remove(cases, '${belgian.ref}')`, async () => ({
      report: await federation.query('dpo', 'AUDIT', REPORT, { ref: belgian.ref }),
      status: await federation.query('auditor', 'AUDIT', CHAIN),
    }));

    expect(before.data?.accessReport.accessCount).toBeGreaterThan(0);
    expect(report.data?.accessReport.accessCount).toBe(before.data?.accessReport.accessCount - 1);
    expect(status.data?.auditChainStatus).toEqual({ ok: false, firstBadSeq: seqs.ACCESS, problems: [mismatch(seqs.ACCESS, 'cases')] });
  });

  it('reports a record moved to another organisation, which would show it to that organisation’s auditor', async () => {
    const status = await tampered(seqs.ACCESS, 'organisation', "'EU/GOV/DE-RETURN'", () => federation.query('auditor', 'AUDIT', CHAIN));
    expect(status.data?.auditChainStatus).toEqual({ ok: false, firstBadSeq: seqs.ACCESS, problems: [mismatch(seqs.ACCESS, 'organisation')] });
  });

  it('serves every value of a record from its hashed content, whatever its columns say', async () => {
    const RECORD = `query($filter: AuditFilter) { auditRecords(filter: $filter, first: 5) { edges { node { seq id time kind requestId outcome } } } }`;
    const [row] = await federation.db.query<{ content: { id: string; time: string; requestId: string; outcome: string } }>('SELECT body::jsonb AS content FROM audit.record WHERE seq = $1', [seqs.ACCESS]);
    const answer = await tampered(seqs.ACCESS, 'request_id', "'forged-request'", () =>
      tampered(seqs.ACCESS, 'outcome', "'DENIED'", () => federation.query('dpo', 'AUDIT', RECORD, { filter: { caseRef: belgian.ref, kind: 'ACCESS' } })),
    );
    const node = answer.data?.auditRecords.edges.find((e: { node: { seq: number } }) => e.node.seq === seqs.ACCESS)?.node;
    expect(node).toEqual({ seq: seqs.ACCESS, id: row!.content.id, time: row!.content.time, kind: 'ACCESS', requestId: row!.content.requestId, outcome: row!.content.outcome });
  });
});
