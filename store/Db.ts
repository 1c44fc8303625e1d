/**
 * The one SQL interface every Continuum component uses. Two implementations share it: embedded
 * PGlite (Postgres compiled to WASM, the default: nothing to install) and a real PostgreSQL
 * server through `pg` (production and CI). Same SQL, same migrations.
 */
/** How one statement is run. */
export interface QueryOptions {
  /**
   * Runs the statement as a named prepared statement: the store parses, analyses and describes
   * `sql` once (per connection) and afterwards only binds and executes it. For statements a hot
   * path repeats with the same text, such as the audit writer's batch. A name is used for one text only.
   */
  prepare?: string;
}

export interface Db {
  readonly kind: 'pglite' | 'postgres';
  /** Runs one parameterised statement and returns its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]>;
  /** Runs a script of statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` inside one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * A view of the same database that counts its own statements. Each simulated backend gets one,
   * so tests can prove how many queries a request cost a given system.
   */
  scoped(label: string): Db;
  /** Statements run through this view (and, for the root, through every view). */
  readonly stats: { statements: number };
  /**
   * Subscribes to PostgreSQL notifications on `channel` (LISTEN/NOTIFY). Resolves with a function
   * that unsubscribes. Notifications are hints: subscribers must tolerate missing one.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface Executor {
  listen?(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]>;
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Wraps a raw executor with statement counting and scoped views. */
export function countingDb(kind: Db['kind'], executor: Executor, parentStats?: { statements: number }): Db {
  const stats = { statements: 0 };
  const bump = () => {
    stats.statements++;
    if (parentStats) parentStats.statements++;
  };
  const db: Db = {
    kind,
    stats,
    async query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
      bump();
      return executor.query<R>(sql, params, options);
    },
    async exec(sql: string) {
      bump();
      await executor.exec(sql);
    },
    transaction<T>(fn: (tx: Db) => Promise<T>) {
      return executor.transaction((tx) => fn(countingDb(kind, tx, stats)));
    },
    scoped(_label: string) {
      return countingDb(kind, executor, stats);
    },
    listen(channel, onNotify) {
      if (!executor.listen) throw new Error('this connection cannot listen for notifications');
      return executor.listen(channel, onNotify);
    },
    close: () => (parentStats ? Promise.resolve() : executor.close()),
  };
  return db;
}
