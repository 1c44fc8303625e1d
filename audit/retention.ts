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
 * caller and to cases, and takes the record out of the hourly rollup (`audit.hourly`) in the same
 * statement: timelines count only records readers can still list, as they did before the rollup.
 */
import type { Db } from '../store/index.js';
import { storedContent, type StoredForms } from './chain.js';
import { columnMismatches, DERIVED_COLUMNS_SQL, type StoredColumns } from './columns.js';
import type { AuditKind } from './record.js';
import { HOUR_OF_RECORD } from './schema.js';

export type RetentionPolicy = Partial<Record<AuditKind, number>>;

export interface RetentionResult {
  /** Records purged, per kind. */
  purged: Record<string, number>;
  /** Records old enough to purge that were kept because they do not verify (seq, ascending). */
  withheld: number[];
}

const PAGE = 1000;

interface Candidate extends StoredColumns, StoredForms {
  seq: number | string;
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
        `SELECT r.seq, r.body, r.content_v1, r.content_hash, ${DERIVED_COLUMNS_SQL} FROM audit.record r
         WHERE r.kind = $1 AND r.recorded_at < $2 AND (r.body IS NOT NULL OR r.content_v1 IS NOT NULL) AND r.seq > $3 ORDER BY r.seq LIMIT ${PAGE}`,
        [kind, new Date(cutoff).toISOString(), after],
      );
      if (page.length === 0) break;
      const due: number[] = [];
      for (const row of page) {
        const { content, intact } = storedContent(row);
        const verifies = intact && content !== null && columnMismatches(row, content).length === 0;
        if (verifies && content.kind === kind && Date.parse(content.time) < cutoff) due.push(Number(row.seq));
        else if (!verifies) result.withheld.push(Number(row.seq));
      }
      if (due.length > 0) {
        // One statement purges the records and takes them out of the hourly rollup, so timelines
        // (which never list purged records) stay exact; the rollup's key is read before the purge
        // clears organisation and purpose.
        const rows = await db.query<{ seq: number }>(
          `WITH due AS (
             SELECT seq, ${HOUR_OF_RECORD} AS hour, COALESCE(organisation, '') AS organisation, COALESCE(purpose, '') AS purpose, outcome
             FROM audit.record WHERE seq = ANY($1::bigint[]) AND (body IS NOT NULL OR content_v1 IS NOT NULL) FOR UPDATE
           ),
           purged AS (
             UPDATE audit.record r SET body = NULL, content_v1 = NULL, purged_at = $2, organisation = NULL, official_id = NULL, purpose = NULL, cases = '{}', statistics_question = NULL
             FROM due WHERE r.seq = due.seq RETURNING r.seq
           ),
           uncounted AS (
             UPDATE audit.hourly h SET n = h.n - g.n
             FROM (SELECT hour, organisation, purpose, outcome, count(*) AS n FROM due GROUP BY 1, 2, 3, 4) g
             WHERE h.hour = g.hour AND h.organisation = g.organisation AND h.purpose = g.purpose AND h.outcome = g.outcome
           )
           SELECT seq FROM purged`,
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
