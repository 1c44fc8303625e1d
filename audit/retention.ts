/**
 * Retention: records older than their class's retention period lose their content, keep their
 * place in the chain (content hash, previous hash, hash), so everything that remains still
 * verifies. Configurable per record class.
 *
 * The kind and age are read from the columns (indexed) but a record is purged only when its
 * content is intact and its columns say what the content says (audit/columns.ts): a date moved
 * back by hand cannot make retention purge a record early, and retention never erases the
 * evidence that a record was tampered with. Such records are withheld and listed; `audit verify`
 * names what is wrong with them. Purging also clears the columns that linked the record to a
 * caller and to cases.
 */
import type { Db } from '../store/index.js';
import { contentHash } from './chain.js';
import { columnMismatches, DERIVED_COLUMNS_SQL, type StoredColumns } from './columns.js';
import type { AuditKind, StoredAuditContent } from './record.js';

export type RetentionPolicy = Partial<Record<AuditKind, number>>;

export interface RetentionResult {
  /** Records purged, per kind. */
  purged: Record<string, number>;
  /** Records old enough to purge that were kept because they do not verify (seq, ascending). */
  withheld: number[];
}

const PAGE = 1000;

interface Candidate extends StoredColumns {
  seq: number | string;
  content: StoredAuditContent | string;
  content_hash: string;
}

/** Purges content older than `days` per kind. */
export async function applyRetention(db: Db, policy: RetentionPolicy, now = new Date()): Promise<RetentionResult> {
  const result: RetentionResult = { purged: {}, withheld: [] };
  for (const [kind, days] of Object.entries(policy)) {
    if (days === undefined) continue;
    const cutoff = now.getTime() - days * 86_400_000;
    let purged = 0;
    let after = 0;
    for (;;) {
      const page = await db.query<Candidate>(
        `SELECT r.seq, r.content, r.content_hash, ${DERIVED_COLUMNS_SQL} FROM audit.record r
         WHERE r.kind = $1 AND r.recorded_at < $2 AND r.content IS NOT NULL AND r.seq > $3 ORDER BY r.seq LIMIT ${PAGE}`,
        [kind, new Date(cutoff).toISOString(), after],
      );
      if (page.length === 0) break;
      const due: number[] = [];
      for (const row of page) {
        const content = typeof row.content === 'string' ? (JSON.parse(row.content) as StoredAuditContent) : row.content;
        const verifies = contentHash(content) === row.content_hash && columnMismatches(row, content).length === 0;
        if (verifies && content.kind === kind && Date.parse(content.time) < cutoff) due.push(Number(row.seq));
        else if (!verifies) result.withheld.push(Number(row.seq));
      }
      if (due.length > 0) {
        const rows = await db.query<{ seq: number }>(
          `UPDATE audit.record SET content = NULL, purged_at = $2, organisation = NULL, official_id = NULL, purpose = NULL, cases = '{}'
           WHERE seq = ANY($1::bigint[]) AND content IS NOT NULL RETURNING seq`,
          [due, now.toISOString()],
        );
        purged += rows.length;
      }
      after = Number(page[page.length - 1]!.seq);
    }
    result.purged[kind] = purged;
  }
  result.withheld.sort((a, b) => a - b);
  return result;
}
