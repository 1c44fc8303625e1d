/**
 * The NRM's own database connection, as a partner's system has one: embedded PGlite in a data
 * directory, or a PostgreSQL server through `pg`. Only what the NRM's backend needs — a query, a
 * script, a transaction — so the hub's store (store/Db.ts, which satisfies the same interface)
 * can stand in when the hub's tests and benchmarks run the NRM in-process.
 */
import { PGlite } from '@electric-sql/pglite';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pg from 'pg';

export interface NrmDatabase {
  /** Runs one parameterised statement and returns its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of statements without parameters (the schema). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` inside one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: NrmDatabase) => Promise<T>): Promise<T>;
}

export interface OpenNrmDatabase extends NrmDatabase {
  close(): Promise<void>;
}

interface PgliteLike {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(sql: string): Promise<unknown>;
}

function pgliteView(db: PgliteLike): NrmDatabase {
  return {
    query: async <R>(sql: string, params?: readonly unknown[]) => (await db.query<R>(sql, params ? [...params] : undefined)).rows,
    exec: async (sql) => {
      await db.exec(sql);
    },
    transaction: () => Promise.reject(new Error('nested transactions are not supported')),
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One process at a time per data directory: PGlite is PostgreSQL inside one process, and a second
 * process opening the same folder writes over the first one's files. A lock file beside the folder
 * (`<folder>.lock`, created exclusively, holding the owner's pid) refuses a second opener while the
 * owner lives, and is taken over from an owner that died. Returns the function that gives it back.
 */
function lockDataDir(dataDir: string): () => void {
  const path = `${resolve(dataDir)}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid }));
      closeSync(fd);
      return () => unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw error;
      let holder: number | undefined;
      try {
        holder = (JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown }).pid as number | undefined;
      } catch {
        holder = undefined;
      }
      if (typeof holder === 'number' && alive(holder)) throw new Error(`the NRM database ${resolve(dataDir)} is in use by process ${holder}; it has one user at a time`, { cause: error });
      unlinkSync(path);
    }
  }
}

async function openPgliteNrm(dataDir: string): Promise<OpenNrmDatabase> {
  const release = lockDataDir(dataDir);
  try {
    const root = new PGlite(dataDir);
    await root.waitReady;
    return {
      ...pgliteView(root),
      transaction: (fn) => root.transaction((tx) => fn(pgliteView(tx))),
      async close() {
        try {
          await root.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

function clientView(client: pg.PoolClient | pg.Pool): NrmDatabase {
  return {
    query: async <R>(sql: string, params?: readonly unknown[]) => (await client.query(sql, params ? [...params] : undefined)).rows as R[],
    exec: async (sql) => {
      await client.query(sql);
    },
    transaction: () => Promise.reject(new Error('nested transactions are not supported')),
  };
}

async function openPostgresNrm(url: string): Promise<OpenNrmDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  return {
    ...clientView(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(clientView(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** A PostgreSQL server when `url` is given, else embedded PGlite in `dataDir`. */
export function openNrmDatabase(options: { url?: string; dataDir: string }): Promise<OpenNrmDatabase> {
  return options.url ? openPostgresNrm(options.url) : openPgliteNrm(options.dataDir);
}
