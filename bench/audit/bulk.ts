/**
 * Bulk loading of audit.record for the store benchmarks, bypassing the writer:
 * - `generateQueryRecords`: server-side `INSERT … SELECT … FROM generate_series` with realistic
 *   distributions (organisations and purposes by persona, outcomes, 0/1/few/20 cases per record
 *   over `caseRefs` references, times spread evenly over one year in seq order). Hashes are
 *   placeholders: these rows are for query latency, not for verification.
 * - `insertChainedRows`: multi-row inserts (unnest) of records whose hashes are computed in JS
 *   exactly as the writer does, so verifyChain passes.
 * Secondary indexes can be dropped for a load and rebuilt from their own definitions afterwards
 * (`withoutSecondaryIndexes`), which is how a bulk load is done; the rebuilt table is the same.
 */
import { HOUR_OF_RECORD } from '../../audit/index.js';
import type { Db } from '../../store/index.js';

/** One year of records, starting here; the seq order is the time order, as with the writer. */
export const QUERY_YEAR_START = '2025-01-01T00:00:00Z';
const YEAR_MS = 365 * 86_400_000;

/** Persona slots, equally likely (weights by repetition): organisation, country, role, purpose, released category, basis, rule. */
const SLOTS: [string, string, string, string, string, string, string][] = [
  ...Array(4).fill(['EU/GOV/BE-RETURN', 'BE', 'MS_COUNSELLOR', 'RETURN_COUNSELLING', 'IDENTITY', 'LEGAL_OBLIGATION', 'ms-officer.case-work']),
  ...Array(2).fill(['EU/GOV/BE-RETURN', 'BE', 'MS_COUNSELLOR', 'RETURN_PREPARATION', 'TRAVEL', 'LEGAL_OBLIGATION', 'ms-officer.case-work']),
  ...Array(3).fill(['EU/GOV/DE-RETURN', 'DE', 'MS_CASE_OFFICER', 'RETURN_COUNSELLING', 'COUNSELLING', 'LEGAL_OBLIGATION', 'ms-officer.case-work']),
  ...Array(2).fill(['EU/GOV/DE-RETURN', 'DE', 'MS_CASE_OFFICER', 'RETURN_PREPARATION', 'HEALTH', 'SUBSTANTIAL_PUBLIC_INTEREST', 'ms-officer.case-work']),
  ...Array(3).fill(['EU/GOV/EU-REINTEGRATION-PROGRAMME', 'EU', 'EU_PROGRAMME_MANAGER', 'REINTEGRATION_ASSISTANCE', 'REINTEGRATION', 'PUBLIC_TASK', 'programme.enrolled-case']),
  ['EU/GOV/EU-REINTEGRATION-PROGRAMME', 'EU', 'EU_PROGRAMME_MANAGER', 'MONITORING_EVALUATION', 'MONITORING', 'PUBLIC_TASK', 'programme.enrolled-case'],
  ['IQ/NGO/IQ-REINTEGRATION-PARTNER', 'IQ', 'REINTEGRATION_PARTNER', 'REINTEGRATION_ASSISTANCE', 'REINTEGRATION', 'CONTRACT', 'partner.assigned-case'],
  ['IQ/NGO/IQ-REINTEGRATION-PARTNER', 'IQ', 'REINTEGRATION_PARTNER', 'CONTINUITY_OF_CARE', 'HEALTH', 'CONSENT', 'partner.continuity-of-care'],
  ['IQ/NGO/IQ-OTHER-PARTNER', 'IQ', 'REINTEGRATION_PARTNER', 'REINTEGRATION_ASSISTANCE', 'REINTEGRATION', 'CONTRACT', 'partner.assigned-case'],
  ['IQ/GOV/IQ-MIGRATION-AUTHORITY', 'IQ', 'COO_AUTHORITY', 'REFERRAL', 'REFERRAL', 'CONSENT', 'coo.referral'],
  ['NG/NGO/NG-REINTEGRATION-PARTNER', 'NG', 'REINTEGRATION_PARTNER', 'REINTEGRATION_ASSISTANCE', 'REINTEGRATION', 'CONTRACT', 'partner.assigned-case'],
];

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
const column = (i: number) => `(ARRAY[${SLOTS.map((slot) => sqlText(slot[i] as string)).join(',')}])[g.slot]`;

/** The shares the generator aims at, for the report. */
export const QUERY_DISTRIBUTION = {
  organisations: 'BE 30 %, DE 25 %, EU programme 20 %, IQ partner 10 %, IQ other partner 5 %, IQ authority 5 %, NG partner 5 % (of non-refused records)',
  refused: '2 % refused before GraphQL (no caller, no cases)',
  outcomes: 'OK 84 %, PARTIAL 11 %, DENIED 4 %, ERROR 1 % (of non-refused)',
  cases: '1 case 80 %, 2–5 cases 17 %, a page of 20 cases 3 % (of non-refused); references uniform over the case space',
  time: 'one year from 2025-01-01, evenly spaced in seq order',
};

/**
 * Appends records seq `from`..`to` (inclusive) of a table that will hold `total` records
 * spread over one year. Runs in one transaction with a fixed seed per chunk.
 */
export async function generateQueryRecords(db: Db, from: number, to: number, total: number, caseRefs: number): Promise<void> {
  const stepMs = YEAR_MS / total;
  await db.transaction(async (tx) => {
    await tx.query('SELECT setseed($1)', [((from % 1000) + 1) / 1001]);
    await tx.query(
      `INSERT INTO audit.record (seq, id, recorded_at, kind, request_id, organisation, official_id, purpose, outcome, cases,
                                 body, content_hash, prev_hash, hash)
       SELECT x.s, lpad(to_hex(x.s), 32, '0')::uuid, x.at, 'ACCESS', x.request_id, x.org, x.official, x.purpose, x.outcome, x.cases,
              jsonb_build_object(
                'v', 1, 'kind', 'ACCESS', 'time', to_char(x.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'requestId', x.request_id,
                'caller', CASE WHEN x.refused THEN NULL ELSE jsonb_build_object('organisation', x.org, 'country', x.country, 'officialId', x.official, 'roles', jsonb_build_array(x.role)) END,
                'purpose', x.purpose,
                'operation', CASE WHEN x.refused THEN NULL ELSE jsonb_build_object('type', 'query', 'name', CASE WHEN x.n > 1 THEN 'CasePage' ELSE 'CaseFile' END) END,
                'outcome', x.outcome,
                'subgraphs', '[]'::jsonb,
                'cases', CASE WHEN x.n = 0 THEN '[]'::jsonb
                              WHEN x.n = 1 THEN jsonb_build_array(jsonb_build_object('ref', x.cases[1], 'released', x.released, 'denied', x.denied))
                              ELSE (SELECT jsonb_agg(jsonb_build_object('ref', c, 'released', x.released, 'denied', x.denied)) FROM unnest(x.cases) c) END,
                'incidents', '[]'::jsonb)::text,
              to_hex(x.s), to_hex(x.s - 1), to_hex(x.s)
       FROM (
         SELECT y.*,
                CASE WHEN y.outcome IN ('DENIED', 'ERROR') THEN '[]'::jsonb
                     ELSE jsonb_build_array(jsonb_build_object('category', y.category, 'basis', y.basis, 'rule', y.rule, 'paths', jsonb_build_array('case.file.' || lower(y.category)))) END AS released,
                CASE WHEN y.outcome IN ('PARTIAL', 'DENIED')
                     THEN '[{"category":"VULNERABILITY","code":"CONSENT_REQUIRED","rule":"consent.owning-member-state-only","paths":["case.file.vulnerability"]}]'::jsonb
                     ELSE '[]'::jsonb END AS denied,
                cardinality(y.cases) AS n
         FROM (
           SELECT g.s, g.refused, g.at, 'req-' || g.s AS request_id,
                  CASE WHEN g.refused THEN NULL ELSE ${column(0)} END AS org,
                  ${column(1)} AS country, ${column(2)} AS role,
                  CASE WHEN g.refused THEN NULL ELSE ${column(3)} END AS purpose,
                  ${column(4)} AS category, ${column(5)} AS basis, ${column(6)} AS rule,
                  CASE WHEN g.refused THEN NULL ELSE lower(${column(1)}) || '-official-' || (1 + g.s % 40) END AS official,
                  CASE WHEN g.refused THEN 'REFUSED' WHEN g.ro < 0.84 THEN 'OK' WHEN g.ro < 0.95 THEN 'PARTIAL' WHEN g.ro < 0.99 THEN 'DENIED' ELSE 'ERROR' END AS outcome,
                  CASE WHEN g.refused THEN '{}'::text[]
                       WHEN g.rc < 0.80 THEN ARRAY['EU-2025-' || lpad((1 + floor(g.rk * $4::int))::int::text, 6, '0')]
                       ELSE ARRAY(SELECT 'EU-2025-' || lpad((1 + ((floor(g.rk * $4::int))::int + i * 7919) % $4::int)::text, 6, '0')
                                  FROM generate_series(1, CASE WHEN g.rc < 0.97 THEN 2 + (g.s % 4)::int ELSE 20 END) i) END AS cases
           FROM (SELECT s, random() < 0.02 AS refused, 1 + floor(random() * ${SLOTS.length})::int AS slot, random() AS ro, random() AS rc, random() AS rk,
                        $3::timestamptz + (s * $5::float8) * interval '1 millisecond' AS at
                 FROM generate_series($1::bigint, $2::bigint) s) g
         ) y
       ) x`,
      [from, to, QUERY_YEAR_START, caseRefs, stepMs],
    );
    await tx.query('UPDATE audit.chain_head SET seq = $1, hash = $2 WHERE id', [to, `${to.toString(16)}`.padStart(64, 'f')]);
  });
}

/**
 * On PostgreSQL, makes audit.record UNLOGGED before a bulk load (the table is empty, so this is
 * instant): the load then writes no WAL. Reads, plans and verification are the same; only crash
 * safety differs, which a throw-away benchmark database does not need.
 */
export async function unloggedForBulkLoad(db: Db): Promise<boolean> {
  if (db.kind !== 'postgres') return false;
  await db.exec('ALTER TABLE audit.record SET UNLOGGED');
  return true;
}

interface IndexDef {
  name: string;
  definition: string;
}

/**
 * Runs `load` with audit.record's secondary indexes dropped, then rebuilds each from its own
 * definition (as read from pg_indexes, so a schema change is followed) and returns the rebuild
 * time. Constraint indexes (primary key, unique id) stay: both are appended to in order.
 */
export async function withoutSecondaryIndexes(db: Db, load: () => Promise<void>): Promise<{ indexes: string[]; rebuildMs: number }> {
  // Index builds get memory to sort in (same connection: SET and CREATE INDEX go as one script).
  const settings = db.kind === 'postgres' ? "SET maintenance_work_mem = '1GB'; " : '';
  const indexes = await db.query<IndexDef>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE schemaname = 'audit' AND tablename = 'record'
       AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'audit.record'::regclass)
     ORDER BY indexname`,
  );
  for (const index of indexes) await db.exec(`DROP INDEX audit.${index.name}`);
  await load();
  const started = performance.now();
  for (const index of indexes) await db.exec(`${settings}${index.definition}`);
  return { indexes: indexes.map((i) => i.name), rebuildMs: performance.now() - started };
}

/**
 * Fills seq base+1..total by copying the first `base` records forward in time, block by block
 * (seq, id, request id, time and placeholder hashes shifted; organisation, purpose, outcome,
 * cases and content copied). Copying is about ten times faster than generating, which is what
 * makes 10M rows affordable on two shared cores. Each block covers the next slice of the year, so
 * seq order stays time order; a case reappears once per block at the same offset.
 */
export async function replicateQueryRecords(db: Db, base: number, total: number, log: (line: string) => void = () => {}): Promise<void> {
  const stepMs = YEAR_MS / total;
  for (let offset = base; offset < total; offset += base) {
    const count = Math.min(base, total - offset);
    await db.query(
      `INSERT INTO audit.record (seq, id, recorded_at, kind, request_id, organisation, official_id, purpose, outcome, cases,
                                 body, content_hash, prev_hash, hash)
       SELECT r.seq + $1, lpad(to_hex(r.seq + $1), 32, '0')::uuid, r.recorded_at + ($1 * $3::float8) * interval '1 millisecond', r.kind,
              'req-' || (r.seq + $1), r.organisation, r.official_id, r.purpose, r.outcome, r.cases, r.body,
              to_hex(r.seq + $1), to_hex(r.seq + $1 - 1), to_hex(r.seq + $1)
       FROM audit.record r WHERE r.seq <= $2 ORDER BY r.seq`,
      [offset, count, stepMs],
    );
    log(`  … ${(offset + count).toLocaleString('en')} / ${total.toLocaleString('en')} rows`);
  }
  await db.query('UPDATE audit.chain_head SET seq = $1, hash = $2 WHERE id', [total, total.toString(16).padStart(64, 'f')]);
}

/**
 * Counts a bulk-loaded log into `audit.hourly`, as the writer would have batch by batch (the load
 * bypasses the writer, like the indexes it rebuilds afterwards).
 */
export async function rebuildHourly(db: Db): Promise<void> {
  await db.exec(`DELETE FROM audit.hourly;
    INSERT INTO audit.hourly (hour, organisation, purpose, outcome, n)
    SELECT ${HOUR_OF_RECORD}, COALESCE(organisation, ''), COALESCE(purpose, ''), outcome, count(*) FROM audit.record WHERE purged_at IS NULL GROUP BY 1, 2, 3, 4;
    ANALYZE audit.hourly;`);
}
