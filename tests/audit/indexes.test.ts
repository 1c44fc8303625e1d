/**
 * No append pays for many appends before it. A GIN index with `fastupdate` (PostgreSQL's
 * default) queues new entries in a pending list and folds the whole list into the index in
 * whichever insert finds it full: at the default 4 MB, one append in about 12,000 (gateway
 * records) took 0.3-0.4 s, and every request waiting for its record's durability with it
 * (docs/BENCHMARKS.md, "GIN pending list"). The audit store's GIN indexes keep at most 128 kB
 * (16 pages) pending, on PGlite and on PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditWriter, generateAuditKeys, migrateAudit } from '../../audit/index.js';
import { recordGenerator } from '../../bench/audit/content.js';
import type { Db } from '../../store/index.js';
import { testStores } from '../harness/stores.js';

/** Every GIN index of the store, with its storage options. */
const ginIndexes = (db: Db) =>
  db.query<{ name: string; options: string[] | null }>(
    `SELECT n.nspname || '.' || c.relname AS name, c.reloptions AS options
       FROM pg_class c JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.amname = 'gin' ORDER BY 1`,
  );

/** Records as the gateway writes them (the audit benchmark's gateway mix: pages of cases among them). */
const records = recordGenerator(11, 'gateway');

describe.each(testStores)('the audit store indexes on $name', (store) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    ({ db, drop } = await store.open());
    await migrateAudit(db);
  });
  afterEach(() => drop());

  it('has a GIN index for the case look-ups, and every GIN index keeps a small pending list or none', async () => {
    const indexes = await ginIndexes(db);
    expect(indexes.map((i) => i.name)).toContain('audit.record_cases');
    const bounded = (options: string[] | null) =>
      (options ?? []).some((option) => option === 'fastupdate=off' || (option.startsWith('gin_pending_list_limit=') && Number(option.split('=')[1]) <= 128));
    expect(indexes.filter((index) => !bounded(index.options))).toEqual([]);
  });

  it('leaves at most 16 pages of case entries for a later append to fold in', async () => {
    const writer = new AuditWriter(db, await generateAuditKeys());
    try {
      // Entries for about 34 pages: the default limit (512 pages) would keep them all pending.
      for (let i = 0; i < 800; i += 100) {
        await Promise.all(Array.from({ length: 100 }, (_, k) => writer.append(records(new Date(Date.UTC(2026, 0, 1, 0, 0, i + k))))));
      }
    } finally {
      await writer.close();
    }
    // gin_clean_pending_list folds what is pending and says how many pages it held.
    const [pending] = await db.query<{ pages: string | number }>(`SELECT gin_clean_pending_list('audit.record_cases'::regclass) AS pages`);
    expect(Number(pending!.pages)).toBeLessThanOrEqual(16);
  });
});
