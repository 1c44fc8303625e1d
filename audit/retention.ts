/**
 * Retention: records older than their class's retention period lose their content, keep their
 * place in the chain (content hash, previous hash, hash), so everything that remains still
 * verifies. Configurable per record class.
 */
import type { Db } from '../store/index.js';
import type { AuditKind } from './record.js';

export type RetentionPolicy = Partial<Record<AuditKind, number>>;

/** Purges content older than `days` per kind; returns how many records were purged per kind. */
export async function applyRetention(db: Db, policy: RetentionPolicy, now = new Date()): Promise<Record<string, number>> {
  const purged: Record<string, number> = {};
  for (const [kind, days] of Object.entries(policy)) {
    if (days === undefined) continue;
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    const rows = await db.query<{ seq: number }>(
      `UPDATE audit.record SET content = NULL, purged_at = $3
       WHERE kind = $1 AND recorded_at < $2 AND content IS NOT NULL RETURNING seq`,
      [kind, cutoff, now.toISOString()],
    );
    purged[kind] = rows.length;
  }
  return purged;
}
