import pg from 'pg';
import { countingDb, type Db, type Executor, type QueryOptions } from './Db.js';

// DATE columns come back as text (YYYY-MM-DD) rather than as a JS Date at local midnight,
// which would shift the day in any time zone west of UTC. Same behaviour as PGlite below.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/** `pg`'s query config: with `prepare`, a named statement, which `pg` parses once per connection. */
function statement(sql: string, params: readonly unknown[] | undefined, options: QueryOptions | undefined): pg.QueryConfig {
  return { text: sql, values: params ? [...params] : undefined, ...(options?.prepare ? { name: options.prepare } : {}) };
}

function clientExecutor(client: pg.PoolClient): Executor {
  return {
    async query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
      const result = await client.query(statement(sql, params, options));
      return result.rows as R[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    transaction() {
      throw new Error('nested transactions are not supported');
    },
    async close() {},
  };
}

/** Connects to a PostgreSQL server (`postgres://…`) through a small connection pool. */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  const executor: Executor = {
    async query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
      const result = await pool.query(statement(sql, params, options));
      return result.rows as R[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Executor) => Promise<T>) {
      const client = await pool.connect();
      // A server lost mid-transaction (restart, failover) is reported on the client itself when no
      // query is running at that moment (e.g. while a checkpoint is being signed); with no listener
      // that is an uncaught exception that takes the whole gateway down. Keep it, and discard the client.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(clientExecutor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.off('error', onError);
        client.release(lost);
      }
    },
    async listen(channel: string, onNotify: (payload: string) => void) {
      // A dedicated connection: LISTEN belongs to a session, and pooled clients change hands.
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new TypeError(`invalid channel name ${channel}`);
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      });
      await client.query(`LISTEN ${channel}`);
      return async () => {
        await client.end().catch(() => {});
      };
    },
    close: () => pool.end(),
  };
  await executor.query('SELECT 1');
  return countingDb('postgres', executor);
}
