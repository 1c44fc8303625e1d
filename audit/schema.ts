/**
 * The audit store, in the central store's database (schema `audit`). Records form one hash chain
 * across every gateway replica: `chain_head` is the single row each group commit moves
 * (compare-and-set, or under a lock after a conflict; audit/AuditWriter.ts). Retention removes a
 * record's content but keeps its place in the chain (content hash, previous hash, hash), so what
 * remains always verifies.
 */
import { migrate, type Db } from '../store/index.js';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * The UTC hour a record counts in, over a row with `recorded_at`. In `audit.hourly` a missing
 * organisation or purpose is '' (a key column cannot be null); readers turn it back into null.
 */
export const HOUR_OF_RECORD = "date_trunc('hour', recorded_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'";

export async function migrateAudit(db: Db): Promise<void> {
  await migrate(db, 'audit', [
    {
      id: '001_audit_chain',
      sql: `
        CREATE SCHEMA IF NOT EXISTS audit;
        CREATE TABLE audit.chain_head (
          id boolean PRIMARY KEY DEFAULT true CHECK (id),
          seq bigint NOT NULL,
          hash text NOT NULL
        );
        INSERT INTO audit.chain_head (id, seq, hash) VALUES (true, 0, '${GENESIS_HASH}');
        CREATE TABLE audit.record (
          seq bigint PRIMARY KEY,
          id uuid NOT NULL UNIQUE,
          recorded_at timestamptz NOT NULL,
          kind text NOT NULL,
          request_id text NOT NULL,
          organisation text,
          official_id text,
          purpose text,
          outcome text NOT NULL,
          cases text[] NOT NULL DEFAULT '{}',
          content jsonb,
          content_hash text NOT NULL,
          prev_hash text NOT NULL,
          hash text NOT NULL,
          purged_at timestamptz
        );
        CREATE INDEX record_time ON audit.record (recorded_at);
        CREATE INDEX record_org ON audit.record (organisation, seq);
        CREATE INDEX record_cases ON audit.record USING gin (cases);
        CREATE INDEX record_request ON audit.record (request_id);
        CREATE TABLE audit.checkpoint (
          seq bigint PRIMARY KEY,
          hash text NOT NULL,
          signed_at timestamptz NOT NULL,
          jws text NOT NULL
        );
      `,
    },
    {
      // An auditor's usual question — one organisation over a time range — measured at 10M records
      // (docs/BENCHMARKS.md): counts 169 → 13 ms, deep pages 254 → 19 ms with this index.
      id: '002_record_org_time',
      sql: 'CREATE INDEX record_org_time ON audit.record (organisation, recorded_at) INCLUDE (purpose, outcome);',
    },
    {
      // Readers skip purged records (audit/query.ts): the same question stays an index-only scan.
      id: '003_record_org_time_purged',
      sql: `DROP INDEX audit.record_org_time;
            CREATE INDEX record_org_time ON audit.record (organisation, recorded_at) INCLUDE (purpose, outcome, purged_at);`,
    },
    {
      // Issue 17 item 5 (docs/ARCHITECTURE.md § Auditing, docs/BENCHMARKS.md § Audit store):
      // - `body` holds each record's canonical JSON exactly as hashed: the writer serialises once,
      //   verification hashes the stored bytes without parsing and re-canonicalising. Records
      //   written before keep their jsonb (`content_v1`, content versions 1 and 2 as jsonb) and
      //   verify as before. Readers read the stored form (audit/query.ts `contentOf`); there is no
      //   jsonb copy of new records: PostgreSQL parsing and storing every record a second time
      //   cost about a third of the embedded store's group-commit throughput (docs/BENCHMARKS.md).
      // - `statistics_question`: a statistics record's question hash, derived from the content like
      //   the other columns (audit/columns.ts, so verification proves it), so the statistics
      //   budget (gateway/statisticsStage.ts) reads a column instead of parsing records.
      // - `hourly`: records per hour × organisation × purpose × outcome, kept by the writer in the
      //   statement that inserts each batch and by retention in the statement that purges, so
      //   timelines read at most one row per hour and group instead of every record.
      // - Pages are ordered by (recorded_at, seq): both time indexes end in seq so a page is a
      //   range scan from the cursor. `record_org` (organisation, seq) served pages by seq only;
      //   `record_request` (request_id) served no query of the hub (only tests look records up
      //   by request id, on small logs), so neither costs every insert any more.
      id: '004_record_body_hourly',
      sql: `
        ALTER TABLE audit.record RENAME COLUMN content TO content_v1;
        ALTER TABLE audit.record ADD COLUMN body text;
        ALTER TABLE audit.record ADD COLUMN statistics_question text;
        UPDATE audit.record SET statistics_question = content_v1->'statistics'->>'question' WHERE content_v1->'statistics' ? 'question';
        DROP INDEX audit.record_org;
        DROP INDEX audit.record_request;
        DROP INDEX audit.record_time;
        CREATE INDEX record_time ON audit.record (recorded_at, seq);
        DROP INDEX audit.record_org_time;
        CREATE INDEX record_org_time ON audit.record (organisation, recorded_at, seq) INCLUDE (purpose, outcome, purged_at);
        CREATE TABLE audit.hourly (
          hour timestamptz NOT NULL,
          organisation text NOT NULL,
          purpose text NOT NULL,
          outcome text NOT NULL,
          n bigint NOT NULL,
          PRIMARY KEY (hour, organisation, purpose, outcome)
        );
        INSERT INTO audit.hourly (hour, organisation, purpose, outcome, n)
          SELECT ${HOUR_OF_RECORD}, COALESCE(organisation, ''), COALESCE(purpose, ''), outcome, count(*)
          FROM audit.record WHERE purged_at IS NULL GROUP BY 1, 2, 3, 4;
      `,
    },
    {
      // The case index queues new entries in GIN's pending list (fastupdate), and the insert
      // that finds the list full folds all of it in. At the default 4 MB one append in about
      // 12,000 gateway records took 0.3-0.4 s, with every request waiting for its record; at
      // 128 kB the fold takes a few ms, as often as needed, and throughput is the same.
      // Without the list (fastupdate off) the stalls go too, but PostgreSQL commits 15 % fewer
      // records a second (docs/BENCHMARKS.md, "GIN pending list"). An older store's list is
      // folded in once, here.
      id: '005_record_cases_small_pending_list',
      sql: `
        ALTER INDEX audit.record_cases SET (gin_pending_list_limit = 128);
        SELECT gin_clean_pending_list('audit.record_cases'::regclass);
      `,
    },
  ]);
}
