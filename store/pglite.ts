import { PGlite } from '@electric-sql/pglite';
import { countingDb, type Db, type Executor } from './Db.js';
import { lockDataDir } from './lock.js';

interface PgliteLike {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(sql: string): Promise<unknown>;
}

function executorOf(pg: PgliteLike & { transaction?: PGlite['transaction'] }, root?: PGlite, release?: () => void): Executor {
  return {
    async query<R>(sql: string, params?: readonly unknown[]) {
      const result = await pg.query<R>(sql, params ? [...params] : undefined);
      return result.rows;
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    transaction<T>(fn: (tx: Executor) => Promise<T>) {
      if (!root) throw new Error('nested transactions are not supported');
      return root.transaction((tx) => fn(executorOf(tx)));
    },
    async close() {
      try {
        await root?.close();
      } finally {
        release?.();
      }
    },
    ...(root
      ? {
          async listen(channel: string, onNotify: (payload: string) => void) {
            const unsubscribe = await root.listen(channel, onNotify);
            return async () => unsubscribe();
          },
        }
      : {}),
  };
}

/**
 * Opens embedded PGlite: in memory when `dataDir` is undefined, otherwise file-backed in that
 * folder (first open runs initdb, about 4 s on a 2-core machine). A folder has one user at a
 * time: while another process (or another open here) has it, this throws StoreInUseError
 * (store/lock.ts) instead of opening it a second time.
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  // DATE as text and BIGINT as number, exactly as store/postgres.ts configures `pg`.
  const parsers = { 1082: (value: string) => value, 20: (value: string) => Number(value) };
  const release = dataDir ? lockDataDir(dataDir) : undefined;
  try {
    const pg = dataDir ? new PGlite(dataDir, { parsers }) : new PGlite({ parsers });
    await pg.waitReady;
    return countingDb('pglite', executorOf(pg, pg, release));
  } catch (error) {
    release?.();
    throw error;
  }
}
