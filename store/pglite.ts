import { Worker, type ResourceLimits } from 'node:worker_threads';
import { countingDb, type Db, type Executor, type QueryOptions } from './Db.js';
import { lockDataDir } from './lock.js';

/**
 * The embedded store cannot answer any more: its thread ended (crashed, ran out of memory) or the
 * store was closed. Every statement pending at that moment, and every one after, is refused with it.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(readonly reason: string) {
    super(`the embedded store is unavailable: ${reason}`);
  }
}

/** What crosses from the store's thread for a failure: PostgreSQL's fields (code, detail, constraint…) as plain data. */
interface ErrorData {
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ErrorData };
type FromThread = Answer | { notify: number; payload: string } | { ready: true } | { ready: false; error: ErrorData };

/** The error as PGlite threw it in the store's thread: same message, same own fields (`code` 23505, 40001…). */
function errorOf(data: ErrorData): Error {
  const error = Object.assign(new Error(data.message), data.fields);
  if (data.stack) error.stack = data.stack;
  return error;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The main thread's end of store/pgliteWorker.js: one numbered message per statement, answered
 * by id. The thread keeps the process alive only while a statement is pending, as in-process
 * PGlite did (an open store never held the process up by itself).
 */
class StoreThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly subscribers = new Map<number, (payload: string) => void>();
  private nextId = 1;
  private unavailable: StoreUnavailableError | undefined;
  private crash: Error | undefined;
  /** Settles when the thread has started PGlite (or failed to). */
  readonly ready: Promise<void>;
  /** Settles when the thread has ended, for whatever reason. */
  readonly ended: Promise<void>;

  constructor(dataDir: string | undefined, resourceLimits: ResourceLimits | undefined) {
    this.worker = new Worker(new URL('./pgliteWorker.js', import.meta.url), {
      workerData: { dataDir },
      ...(resourceLimits ? { resourceLimits } : {}),
    });
    let started: () => void = () => {};
    let failed: (error: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    this.worker.on('message', (message: FromThread) => {
      if ('notify' in message) this.subscribers.get(message.notify)?.(message.payload);
      else if ('ready' in message) {
        if (message.ready) {
          // Idle from now on: as in-process PGlite, an open store does not hold the process up.
          if (this.pending.size === 0) this.worker.unref();
          started();
        } else failed(errorOf(message.error));
      } else this.answer(message);
    });
    this.worker.on('error', (error) => {
      this.crash = error;
    });
    this.ended = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        const reason = this.unavailable ? this.unavailable.reason : `its thread ended (exit code ${code}${this.crash ? `: ${this.crash.message}` : ''})`;
        this.end(new StoreUnavailableError(reason));
        failed(this.unavailable ?? new StoreUnavailableError(reason));
        resolve();
      });
    });
  }

  call(message: Record<string, unknown>): Promise<unknown> {
    if (this.unavailable) return Promise.reject(this.unavailable);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      message.id = id;
      this.worker.postMessage(message);
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
    });
  }

  subscribe(onNotify: (payload: string) => void): number {
    const id = this.nextId++;
    this.subscribers.set(id, onNotify);
    return id;
  }

  unsubscribe(id: number): void {
    this.subscribers.delete(id);
  }

  /**
   * Closes PGlite in its thread and waits for the thread to end. Statements sent before are
   * answered first (the thread takes messages in order); statements after are refused at once.
   */
  async close(): Promise<void> {
    if (!this.unavailable) {
      this.unavailable = new StoreUnavailableError('it was closed');
      const id = this.nextId++;
      // The thread answers close only when it fails; success is the thread's end.
      const failure = new Promise<Error | undefined>((resolve) => this.pending.set(id, { resolve: () => resolve(undefined), reject: resolve }));
      this.worker.ref();
      this.worker.postMessage({ op: 'close', id });
      const failed = await Promise.race([failure, this.ended.then(() => undefined)]);
      if (failed && !(failed instanceof StoreUnavailableError)) {
        await this.worker.terminate();
        throw failed;
      }
    }
    await this.ended;
  }

  /** Ends the thread at once, without closing PGlite (it failed to start). */
  async terminate(): Promise<void> {
    this.unavailable ??= new StoreUnavailableError('it was closed');
    await this.worker.terminate();
    await this.ended;
  }

  private answer(message: Answer): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.ok) pending.resolve(message.value);
    else pending.reject(errorOf(message.error));
  }

  /** From now on every statement is refused with `error`; those pending are refused now. */
  private end(error: StoreUnavailableError): void {
    this.unavailable ??= error;
    for (const pending of this.pending.values()) pending.reject(this.unavailable);
    this.pending.clear();
    this.subscribers.clear();
    this.worker.unref();
  }
}

function executorOf(thread: StoreThread, tx: number | undefined, release?: () => void): Executor {
  return {
    async query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
      return (await thread.call({ op: 'query', sql, params, tx, ...(options?.prepare ? { prepare: options.prepare } : {}) })) as R[];
    },
    async exec(sql: string) {
      await thread.call({ op: 'exec', sql, tx });
    },
    async transaction<T>(fn: (tx: Executor) => Promise<T>) {
      if (tx !== undefined) throw new Error('nested transactions are not supported');
      // The thread answers once it holds PGlite's exclusive transaction; statements outside it wait there.
      const id = (await thread.call({ op: 'begin' })) as number;
      let result: T;
      try {
        result = await fn(executorOf(thread, id));
      } catch (error) {
        await thread.call({ op: 'rollback', tx: id }).catch(() => {});
        throw error;
      }
      await thread.call({ op: 'commit', tx: id });
      return result;
    },
    async close() {
      try {
        await thread.close();
      } finally {
        release?.();
      }
    },
    ...(tx === undefined
      ? {
          async listen(channel: string, onNotify: (payload: string) => void) {
            const sub = thread.subscribe(onNotify);
            try {
              await thread.call({ op: 'listen', channel, sub });
            } catch (error) {
              thread.unsubscribe(sub);
              throw error;
            }
            return async () => {
              thread.unsubscribe(sub);
              await thread.call({ op: 'unlisten', sub }).catch((error: unknown) => {
                if (!(error instanceof StoreUnavailableError)) throw error;
              });
            };
          },
        }
      : {}),
  };
}

export interface PgliteOptions {
  /** Bounds on the store thread's JavaScript heap (node:worker_threads); Node's defaults when absent. */
  resourceLimits?: ResourceLimits;
}

/**
 * Opens embedded PGlite: in memory when `dataDir` is undefined, otherwise file-backed in that
 * folder (first open runs initdb, about 4 s on a 2-core machine). A folder has one user at a
 * time: while another process (or another open here) has it, this throws StoreInUseError
 * (store/lock.ts) instead of opening it a second time.
 *
 * PGlite runs in a worker thread of its own (./pgliteWorker.js), off the request's event loop;
 * a statement, a transaction, an error's fields and a notification's order relative to the
 * statement that raised it are as with PGlite in process. If the thread ends, every pending and
 * later statement fails with StoreUnavailableError.
 */
export async function openPglite(dataDir?: string, options: PgliteOptions = {}): Promise<Db> {
  const release = dataDir ? lockDataDir(dataDir) : undefined;
  let thread: StoreThread | undefined;
  try {
    thread = new StoreThread(dataDir, options.resourceLimits);
    await thread.ready;
  } catch (error) {
    await thread?.terminate();
    release?.();
    throw error;
  }
  return countingDb('pglite', executorOf(thread, undefined, release));
}
