/**
 * Auditor query latency: the auditor API's own resolvers (subgraphs/central/audit-resolvers.ts),
 * called directly with a DPO's or an auditor's signed context, so every statement is the one the
 * API runs — the count for totalCount, the keyset page, the timeline's GROUP BY, the access
 * report's case lookup and JSON extraction. A recording view of the store times each statement;
 * EXPLAIN shows which indexes each uses, and EXPLAIN ANALYZE the two slowest query types'.
 */
import { parse, type OperationDefinitionNode } from 'graphql';
import { migrateCentral } from '../../subgraphs/central/backend.js';
import { auditResolvers } from '../../subgraphs/central/audit-resolvers.js';
import type { KitContext } from '../../subgraphs/kit/index.js';
import { SYNTHETIC_ORGANISATIONS } from '../../subgraphs/kit/synthetic.js';
import type { Db } from '../../store/index.js';
import { generateQueryRecords, QUERY_YEAR_START, rebuildHourly, replicateQueryRecords, unloggedForBulkLoad, withoutSecondaryIndexes } from './bulk.js';
import { prng } from './content.js';
import { percentile } from './throughput.js';

export interface QueryDataOptions {
  records: number;
  /** Records generated; the rest are copies of them further in time (see replicateQueryRecords). */
  generatedBase: number;
  caseRefs: number;
}

export interface QueryDataInfo {
  records: number;
  generated: number;
  copied: number;
  loadMs: number;
  indexRebuildMs: number;
  vacuumMs: number;
  tableMb: number;
  totalMb: number;
}

export interface Statement {
  sql: string;
  params: unknown[];
  ms: number;
}

export interface QueryTypeResult {
  id: QueryTypeId;
  title: string;
  runs: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  maxMs: number;
  /** What the answer held (rows on the page, total, points, accesses), from the last run. */
  answer: string;
  /** Per statement of one call: median ms over the runs, and the indexes its plan uses. */
  statements: { sql: string; p50Ms: number; plan: PlanSummary }[];
}

export interface PlanSummary {
  indexes: string[];
  seqScans: string[];
  /** The top plan node, e.g. "Limit", "Aggregate". */
  top: string;
}

export interface QuerySetResult {
  store: string;
  data: QueryDataInfo;
  types: QueryTypeResult[];
  /** EXPLAIN (ANALYZE, BUFFERS) of the two slowest query types' statements on this data set. */
  explain?: { type: QueryTypeId; statements: { sql: string; plan: string }[] }[];
}

export const QUERY_TYPES = {
  'by-case': 'records of one case (DPO; GIN on cases), first page of 50 + totalCount',
  'org-month-first': "records of one organisation in one month (auditor, own organisation), first page of 50 + totalCount",
  'org-month-deep': 'same, a deep page (keyset cursor 5,000 records in, or half-way when fewer)',
  'timeline-org-month': "timeline of one organisation's month by DAY (auditor)",
  'timeline-year': 'timeline of the whole year by WEEK (DPO, no filter)',
  'access-report': 'Art. 15 access report for one case (DPO)',
} as const;
export type QueryTypeId = keyof typeof QUERY_TYPES;
export const QUERY_TYPE_IDS = Object.keys(QUERY_TYPES) as QueryTypeId[];

export interface QueryRunOptions {
  /** Runs per query type at most (after one warm-up call)… */
  maxRuns: number;
  /** …and at least, even past the time budget. */
  minRuns: number;
  /** Time budget per query type, ms. */
  budgetMs: number;
  explainAnalyze: boolean;
}

const AUDITED_ORGANISATION = 'EU/GOV/BE-RETURN';
const DAY = 86_400_000;

function context(role: 'DPO' | 'AUDITOR', organisation: string, country: string): KitContext {
  return {
    requestId: `bench-${role.toLowerCase()}`,
    caller: { officialId: `${role.toLowerCase()}-bench`, organisation, country, roles: [role], purpose: 'AUDIT', requestId: `bench-${role.toLowerCase()}` },
  } as KitContext;
}
const DPO = context('DPO', 'EU/GOV/EU-DATA-PROTECTION-SUPERVISOR', 'EU');
const AUDITOR = context('AUDITOR', AUDITED_ORGANISATION, 'BE');

/** Loads `options.records` query records into an empty audit store, with the central tables the access report reads. */
export async function prepareQueryData(db: Db, options: QueryDataOptions, log: (line: string) => void = () => {}): Promise<QueryDataInfo> {
  const started = performance.now();
  const generated = Math.min(options.records, options.generatedBase);
  const chunk = 250_000;
  await unloggedForBulkLoad(db);
  const { rebuildMs } = await withoutSecondaryIndexes(db, async () => {
    for (let from = 1; from <= generated; from += chunk) {
      await generateQueryRecords(db, from, Math.min(generated, from + chunk - 1), options.records, options.caseRefs);
      if (generated > chunk) log(`  … ${Math.min(generated, from + chunk - 1).toLocaleString('en')} / ${generated.toLocaleString('en')} rows generated`);
    }
    if (options.records > generated) await replicateQueryRecords(db, generated, options.records, log);
  });
  await rebuildHourly(db);
  await migrateCentral(db);
  await db.query(
    'INSERT INTO central.organisation (id, name, country, kind) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])',
    [SYNTHETIC_ORGANISATIONS.map((o) => o.id), SYNTHETIC_ORGANISATIONS.map((o) => o.name), SYNTHETIC_ORGANISATIONS.map((o) => o.country), SYNTHETIC_ORGANISATIONS.map((o) => o.kind)],
  );
  await db.query(
    `INSERT INTO central.case_index (ref, owning_member_state, country_of_origin, status, return_type, opened_on, participating_systems, updated_at)
     SELECT 'EU-2025-' || lpad(i::text, 6, '0'), CASE WHEN i % 2 = 0 THEN 'BE' ELSE 'DE' END, 'IQ', 'RETURNED', 'VOLUNTARY', DATE '2024-06-01',
            ARRAY['central', 'be-cases'], now()
     FROM generate_series(1, $1::int) i`,
    [options.caseRefs],
  );
  const loadMs = performance.now() - started;
  const vacuumStarted = performance.now();
  await db.exec('VACUUM ANALYZE audit.record');
  await db.exec('ANALYZE central.case_index');
  const vacuumMs = performance.now() - vacuumStarted;
  const [size] = await db.query<{ table: number; total: number }>(
    "SELECT pg_relation_size('audit.record')::float8 AS table, pg_total_relation_size('audit.record')::float8 AS total",
  );
  return {
    records: options.records,
    generated,
    copied: options.records - generated,
    loadMs: Math.round(loadMs),
    indexRebuildMs: Math.round(rebuildMs),
    vacuumMs: Math.round(vacuumMs),
    tableMb: Math.round(Number(size?.table ?? 0) / 1048576),
    totalMb: Math.round(Number(size?.total ?? 0) / 1048576),
  };
}

/** A view of `db` that records every statement with its time. */
function recording(db: Db, sink: Statement[]): Db {
  return {
    ...db,
    async query<R>(sql: string, params?: readonly unknown[]) {
      const started = performance.now();
      const rows = await db.query<R>(sql, params);
      sink.push({ sql, params: [...(params ?? [])], ms: performance.now() - started });
      return rows;
    },
  };
}

export function summarisePlan(plan: string): PlanSummary {
  const indexes = new Set<string>();
  const seqScans = new Set<string>();
  for (const match of plan.matchAll(/(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)/g)) indexes.add(match[1] as string);
  for (const match of plan.matchAll(/Seq Scan on (\S+)/g)) seqScans.add(match[1] as string);
  const top = (plan.split('\n')[0] ?? '').trim().replace(/\s+\(.*$/, '');
  return { indexes: [...indexes].sort(), seqScans: [...seqScans].sort(), top };
}

async function explain(db: Db, statement: Statement, analyze: boolean): Promise<string> {
  const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${analyze ? '(ANALYZE, BUFFERS) ' : ''}${statement.sql}`, statement.params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

const compact = (sql: string) => sql.replace(/\s+/g, ' ').trim();
const round2 = (n: number) => Math.round(n * 100) / 100;

type Resolver = (root: unknown, args: Record<string, unknown>, context: KitContext, info: unknown) => Promise<unknown>;

/** Measures every query type on the loaded store. */
export async function measureQueries(db: Db, records: number, options: QueryRunOptions, log: (line: string) => void = () => {}): Promise<{ types: QueryTypeResult[]; explain?: QuerySetResult['explain'] }> {
  const sink: Statement[] = [];
  const query = auditResolvers(recording(db, sink)).Query as unknown as Record<string, Resolver>;
  // The resolvers see what the console asks for (gateway/console/console.js): a page with its totalCount.
  const info = { fieldNodes: (parse('{ auditRecords { totalCount pageInfo { hasNextPage endCursor } edges { cursor } } }').definitions[0] as OperationDefinitionNode).selectionSet.selections, fragments: {} };
  const call = (name: string, args: Record<string, unknown>, ctx: KitContext) => (query[name] as Resolver)(undefined, args, ctx, info);

  // Parameters, chosen before measuring (untimed): case references that occur, months of the year.
  const random = prng(records);
  const seqs = Array.from({ length: options.maxRuns * 4 }, () => 1 + Math.floor(random() * records));
  const refs = (await db.query<{ ref: string }>('SELECT cases[1] AS ref FROM audit.record WHERE seq = ANY($1::bigint[]) AND cardinality(cases) > 0', [seqs])).map((r) => r.ref);
  const start = Date.parse(QUERY_YEAR_START);
  const months = Array.from({ length: 10 }, (_, i) => {
    const from = start + (1 + i) * 30 * DAY;
    return { from: new Date(from).toISOString(), to: new Date(from + 30 * DAY - 1).toISOString() };
  });
  const cursors = new Map<number, string>();
  const deepCursor = async (m: number) => {
    const month = months[m % months.length]!;
    const key = m % months.length;
    if (!cursors.has(key)) {
      const [total] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit.record WHERE organisation = $1 AND recorded_at BETWEEN $2 AND $3', [AUDITED_ORGANISATION, month.from, month.to]);
      const depth = Math.min(5000, Math.floor(Number(total?.n ?? 0) / 2));
      const [row] = await db.query<{ seq: number; at_us: string }>(
        `SELECT seq, (extract(epoch FROM recorded_at) * 1000000)::bigint AS at_us FROM audit.record
         WHERE organisation = $1 AND recorded_at BETWEEN $2 AND $3 ORDER BY recorded_at DESC, seq DESC OFFSET $4 LIMIT 1`,
        [AUDITED_ORGANISATION, month.from, month.to, Math.max(0, depth - 1)],
      );
      cursors.set(key, Buffer.from(`at:${row?.at_us ?? 0}:seq:${row?.seq ?? 1}`, 'utf8').toString('base64url'));
    }
    return cursors.get(key) as string;
  };
  const ref = (i: number) => refs[i % Math.max(1, refs.length)] ?? 'EU-2025-000001';

  type Answer = Record<string, unknown> | unknown[] | null;
  const pageAnswer = (a: Answer) => {
    const page = a as { edges: unknown[]; totalCount: number; pageInfo: { hasNextPage: boolean } };
    return `${page.edges.length} rows of ${page.totalCount}`;
  };
  const runners: Record<QueryTypeId, { prepare?: (i: number) => Promise<void>; run: (i: number) => Promise<Answer>; answer: (a: Answer) => string }> = {
    'by-case': { run: (i) => call('auditRecords', { filter: { caseRef: ref(i) }, first: 50 }, DPO) as Promise<Answer>, answer: pageAnswer },
    'org-month-first': { run: (i) => call('auditRecords', { filter: months[i % months.length], first: 50 }, AUDITOR) as Promise<Answer>, answer: pageAnswer },
    'org-month-deep': {
      prepare: async (i) => void (await deepCursor(i)),
      run: async (i) => call('auditRecords', { filter: months[i % months.length], first: 50, after: await deepCursor(i) }, AUDITOR) as Promise<Answer>,
      answer: pageAnswer,
    },
    'timeline-org-month': { run: (i) => call('auditTimeline', { filter: months[i % months.length], bucket: 'DAY' }, AUDITOR) as Promise<Answer>, answer: (a) => `${(a as unknown[]).length} points` },
    'timeline-year': { run: () => call('auditTimeline', { filter: {}, bucket: 'WEEK' }, DPO) as Promise<Answer>, answer: (a) => `${(a as unknown[]).length} points` },
    'access-report': {
      run: (i) => call('accessReport', { caseRef: ref(i) }, DPO) as Promise<Answer>,
      answer: (a) => {
        const report = a as { accessCount: number; recipientCount: number } | null;
        return report ? `${report.accessCount} accesses, ${report.recipientCount} recipients` : 'no such case';
      },
    },
  };

  const types: QueryTypeResult[] = [];
  const lastStatements = new Map<QueryTypeId, Statement[]>();
  for (const id of QUERY_TYPE_IDS) {
    const runner = runners[id];
    await runner.run(0); // warm-up (and the deep cursor for month 0)
    const times: number[] = [];
    const perStatement: number[][] = [];
    let answer: Answer = null;
    const started = performance.now();
    for (let i = 0; i < options.maxRuns; i++) {
      if (i >= options.minRuns && performance.now() - started > options.budgetMs) break;
      await runner.prepare?.(i);
      sink.length = 0;
      const t = performance.now();
      answer = await runner.run(i);
      times.push(performance.now() - t);
      sink.forEach((s, k) => (perStatement[k] ??= []).push(s.ms));
      lastStatements.set(id, sink.map((s) => ({ ...s })));
    }
    const sorted = [...times].sort((a, b) => a - b);
    const statements = [];
    for (const [k, s] of (lastStatements.get(id) ?? []).entries()) {
      statements.push({ sql: compact(s.sql), p50Ms: round2(percentile([...(perStatement[k] ?? [])].sort((a, b) => a - b), 50)), plan: summarisePlan(await explain(db, s, false)) });
    }
    const result: QueryTypeResult = {
      id,
      title: QUERY_TYPES[id],
      runs: times.length,
      p50Ms: round2(percentile(sorted, 50)),
      p95Ms: round2(percentile(sorted, 95)),
      meanMs: round2(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)),
      maxMs: round2(sorted[sorted.length - 1] ?? Number.NaN),
      answer: runner.answer(answer),
      statements,
    };
    types.push(result);
    log(`  ${id}: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms over ${result.runs} runs (${result.answer})`);
  }
  if (!options.explainAnalyze) return { types };
  const explained: NonNullable<QuerySetResult['explain']> = [];
  for (const slow of [...types].sort((a, b) => b.p50Ms - a.p50Ms).slice(0, 2)) {
    const plans = [];
    for (const statement of lastStatements.get(slow.id) ?? []) plans.push({ sql: compact(statement.sql), plan: await explain(db, statement, true) });
    explained.push({ type: slow.id, statements: plans });
  }
  return { types, explain: explained };
}
