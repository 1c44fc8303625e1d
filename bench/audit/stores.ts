/**
 * Fresh, throw-away stores for the audit store benchmark: in-memory PGlite, file-backed PGlite in
 * a temporary folder, and a new database on a PostgreSQL server (created here, dropped after).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateAudit } from '../../audit/index.js';
import { openPglite, openPostgres, type Db } from '../../store/index.js';

export type StoreKind = 'pglite-memory' | 'pglite-file' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['pglite-memory', 'pglite-file', 'postgres'];

export const STORE_LABELS: Record<StoreKind, string> = {
  'pglite-memory': 'PGlite, in memory',
  'pglite-file': 'PGlite, file-backed (temp dir)',
  postgres: 'PostgreSQL',
};

export interface BenchStore {
  kind: StoreKind;
  db: Db;
  /** Server settings that matter for commit cost (PostgreSQL only). */
  settings: Record<string, string>;
  drop(): Promise<void>;
}

/** The PostgreSQL server to use: DATABASE_URL, else CONTINUUM_TEST_DATABASE_URL, else none. */
export function postgresAdminUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.DATABASE_URL || env.CONTINUUM_TEST_DATABASE_URL || undefined;
}

const open = new Set<BenchStore>();

/** Drops every store still open (the command line calls this when interrupted). */
export async function dropOpenBenchStores(): Promise<void> {
  await Promise.allSettled([...open].map((store) => store.drop()));
}

/** Opens a fresh store of `kind` with the audit schema migrated; dropping it also forgets it. */
export async function openBenchStore(kind: StoreKind, adminUrl?: string): Promise<BenchStore> {
  const store = await openStore(kind, adminUrl);
  let dropped: Promise<void> | undefined;
  const tracked: BenchStore = {
    ...store,
    drop: () => {
      open.delete(tracked);
      return (dropped ??= store.drop());
    },
  };
  open.add(tracked);
  return tracked;
}

async function openStore(kind: StoreKind, adminUrl?: string): Promise<BenchStore> {
  if (kind === 'pglite-memory') {
    const db = await openPglite();
    await migrateAudit(db);
    return { kind, db, settings: {}, drop: () => db.close() };
  }
  if (kind === 'pglite-file') {
    const dir = mkdtempSync(join(tmpdir(), 'continuum-audit-bench-'));
    const db = await openPglite(dir);
    await migrateAudit(db);
    return {
      kind,
      db,
      settings: { dataDir: dir },
      async drop() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!adminUrl) throw new Error('PostgreSQL store asked for without DATABASE_URL or CONTINUUM_TEST_DATABASE_URL');
  const name = `continuum_audit_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dropDatabase = async () => {
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    try {
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await cleanup.end();
    }
  };
  let db: Db | undefined;
  try {
    db = await openPostgres(url.toString());
    await migrateAudit(db);
    const settings: Record<string, string> = { database: name };
    for (const setting of ['server_version', 'fsync', 'synchronous_commit', 'shared_buffers', 'work_mem']) {
      const [row] = await db.query<Record<string, string>>(`SHOW ${setting}`);
      settings[setting] = row ? String(Object.values(row)[0]) : '?';
    }
    const opened = db;
    return {
      kind,
      db: opened,
      settings,
      async drop() {
        await opened.close();
        await dropDatabase();
      },
    };
  } catch (error) {
    await db?.close().catch(() => {});
    await dropDatabase().catch(() => {});
    throw error;
  }
}

/** Opens, runs `fn`, always drops. */
export async function withBenchStore<T>(kind: StoreKind, adminUrl: string | undefined, fn: (store: BenchStore) => Promise<T>): Promise<T> {
  const store = await openBenchStore(kind, adminUrl);
  try {
    return await fn(store);
  } finally {
    await store.drop();
  }
}
