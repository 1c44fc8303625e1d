/**
 * Counts from the hourly rollup (audit/query.ts auditCountsSql, used by auditTimeline and
 * totalCount) are the counts of the records themselves: whole hours from `audit.hourly`, the
 * partial hours at the ends of a range from `audit.record`, purged records in neither — on PGlite
 * and on PostgreSQL, with records written by the real writer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention, auditCountsSql, auditWhere, AuditWriter, generateAuditKeys, groupCaseAccesses, migrateAudit, SqlParams, type AuditContent, type AuditFilter, type AuditVisibility } from '../../audit/index.js';
import { parse, type OperationDefinitionNode } from 'graphql';
import type { Db } from '../../store/index.js';
import { auditResolvers } from '../../subgraphs/central/audit-resolvers.js';
import type { KitContext } from '../../subgraphs/kit/index.js';
import { testStores } from '../harness/stores.js';

const ORGANISATIONS = ['EU/GOV/BE-RETURN', 'EU/GOV/DE-RETURN'];
const PURPOSES = ['RETURN_COUNSELLING', 'REINTEGRATION_PLANNING'];
const OUTCOMES = ['OK', 'PARTIAL', 'DENIED'] as const;

/** Record i: every 7 minutes from 2026-01-01 00:00 UTC, organisations, purposes and outcomes in turn. */
function record(i: number): AuditContent {
  const outcome = OUTCOMES[i % 3]!;
  return {
    v: 2,
    kind: i % 10 === 0 ? 'CONSENT_CHANGE' : 'ACCESS',
    time: new Date(Date.UTC(2026, 0, 1) + i * 7 * 60_000 + (i % 5) * 1234).toISOString(),
    requestId: `count-${i}`,
    caller: { issuer: 'https://idp.test', organisation: ORGANISATIONS[i % 2]!, country: i % 2 ? 'DE' : 'BE', officialId: `official-${i % 4}`, roles: ['MS_COUNSELLOR'] },
    purpose: PURPOSES[Math.floor(i / 2) % 2]!,
    operation: { type: 'query', name: 'OneCase', hash: 'a'.repeat(64) },
    outcome,
    ...(outcome === 'OK' ? {} : { code: 'FORBIDDEN_FIELD' }),
    subgraphs: ['central'],
    ...groupCaseAccesses([{ ref: `EU-2024-${String(i % 9).padStart(6, '0')}`, released: [], denied: [] }]),
    incidents: [],
    requestHash: 'b'.repeat(64),
    responseHash: 'c'.repeat(64),
  };
}

describe.each(testStores)('counts from the hourly rollup on $name', (store) => {
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, drop } = await store.open());
    await migrateAudit(db);
    const writer = new AuditWriter(db, await generateAuditKeys());
    await Promise.all(Array.from({ length: 120 }, (_, i) => writer.append(record(i))));
    await writer.close();
  });
  afterAll(() => drop());

  /** The same counts straight from the records, as the API counted before the rollup. */
  const fromRecords = async (visibility: AuditVisibility, filter: AuditFilter, unit: string | null) => {
    const params = new SqlParams();
    const bucket = unit === null ? 'NULL::timestamptz' : `date_trunc(${params.add(unit)}, r.recorded_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;
    const where = auditWhere(visibility, filter, params);
    return shape(await db.query(`SELECT ${bucket} AS start, r.purpose, r.outcome, count(*) AS n FROM audit.record r WHERE ${where} GROUP BY 1, 2, 3`, params.values));
  };
  const fromRollup = async (visibility: AuditVisibility, filter: AuditFilter, unit: string | null) => {
    const params = new SqlParams();
    return shape(await db.query(auditCountsSql(visibility, filter, unit, params), params.values));
  };
  const shape = (rows: Record<string, unknown>[]) =>
    rows
      .map((r) => `${r.start === null ? '-' : new Date(r.start as string).toISOString()} ${String(r.purpose)} ${String(r.outcome)} ${Number(r.n)}`)
      .sort();

  const ranges: AuditFilter[] = [
    {},
    { from: '2026-01-01T02:00:00.000Z' },
    { to: '2026-01-01T05:00:00.000Z' },
    { from: '2026-01-01T01:17:00.000Z', to: '2026-01-01T09:42:30.500Z' },
    { from: '2026-01-01T03:10:00.000Z', to: '2026-01-01T03:50:00.000Z' },
    { from: '2026-01-01T04:00:00.000Z', to: '2026-01-01T06:59:59.999Z' },
    { organisation: 'EU/GOV/DE-RETURN', purpose: 'RETURN_COUNSELLING', from: '2026-01-01T00:30:00.000Z' },
    { outcome: 'PARTIAL', to: '2026-01-01T11:11:11.111Z' },
    { kind: 'CONSENT_CHANGE' },
    { officialId: 'official-1', from: '2026-01-01T02:30:00.000Z' },
  ];

  it.each(ranges)('counts per hour, day and in total what the records say, for %j', async (filter) => {
    expect(await fromRecords({ scope: 'ALL' }, filter, 'hour')).not.toHaveLength(0);
    for (const unit of ['hour', 'day', null]) {
      expect(await fromRollup({ scope: 'ALL' }, filter, unit)).toEqual(await fromRecords({ scope: 'ALL' }, filter, unit));
      expect(await fromRollup({ scope: 'ORGANISATION', organisation: 'EU/GOV/BE-RETURN' }, filter, unit)).toEqual(await fromRecords({ scope: 'ORGANISATION', organisation: 'EU/GOV/BE-RETURN' }, filter, unit));
    }
  });

  it('counts the records of a page only when the query selects totalCount (fragments included)', async () => {
    type Page = { totalCount: number | null; edges: unknown[] };
    const auditRecords = (auditResolvers(db).Query as unknown as Record<string, unknown>).auditRecords as (root: unknown, args: object, context: KitContext, info: object) => Promise<Page>;
    const dpo = { requestId: 'counts-dpo', caller: { officialId: 'dpo-1', organisation: 'EU/GOV/EU-DATA-PROTECTION-SUPERVISOR', country: 'EU', roles: ['DPO'], purpose: 'AUDIT', requestId: 'counts-dpo' } } as unknown as KitContext;
    const page = async (query: string) => {
      const document = parse(query);
      const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
      const fragments = Object.fromEntries(document.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [[d.name.value, d]] : [])));
      const before = db.stats.statements;
      const answer = await auditRecords(undefined, { first: 5 }, dpo, { fieldNodes: operation.selectionSet.selections, fragments });
      return { answer, statements: db.stats.statements - before };
    };
    const plain = await page('{ auditRecords { edges { cursor } } }');
    const counted = await page('{ auditRecords { ...Counted edges { cursor } } } fragment Counted on AuditRecordConnection { totalCount }');
    expect(plain).toMatchObject({ answer: { totalCount: null }, statements: 1 });
    expect(counted).toMatchObject({ answer: { totalCount: 120 }, statements: 2 });
  });

  it('still counts what the records say after retention purged some of them', async () => {
    await applyRetention(db, { CONSENT_CHANGE: 1 }, new Date(Date.UTC(2026, 0, 3)));
    for (const filter of ranges) {
      expect(await fromRollup({ scope: 'ALL' }, filter, 'hour'), JSON.stringify(filter)).toEqual(await fromRecords({ scope: 'ALL' }, filter, 'hour'));
    }
    expect(await fromRollup({ scope: 'ALL' }, { kind: 'CONSENT_CHANGE' }, null)).toEqual([]);
  });
});
