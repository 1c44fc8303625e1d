/**
 * The audit store, in the central store's database (schema `audit`). Records form one hash chain
 * across every gateway replica: `chain_head` is the single row each group commit moves
 * (compare-and-set, or under a lock after a conflict; audit/AuditWriter.ts). Retention removes a
 * record's content but keeps its place in the chain (content hash, previous hash, hash), so what
 * remains always verifies.
 */
import { migrate, type Db } from '../store/index.js';

export const GENESIS_HASH = '0'.repeat(64);

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
  ]);
}
