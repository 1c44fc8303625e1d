/**
 * The driver's handle on a forked server process (any role): starts it (telemetry off, 127.0.0.1
 * only, the same way the driver runs: compiled JavaScript with plain node when the driver is the
 * build's dist/bench/, `npm run bench`; the TypeScript sources through tsx when it is, as in the
 * smoke tests under vitest), waits for it to be ready, sends it requests over IPC and stops
 * it by its own pid — gracefully first, then SIGKILL after a bounded wait.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ReadyInfoByRole, Request, ServerMessage, ServerOptions, ServerRole } from '../protocol.js';

/** How messages name a process of each role. */
const LABELS: Record<ServerRole, string> = {
  all: 'server process',
  systems: 'systems process',
  'bare-gateway': 'bare gateway process',
  'continuum-gateway': 'Continuum gateway process',
};

/** Whether this module is the build's compiled output (dist/bench/server/process.js, scripts/build.mjs). */
const COMPILED = import.meta.url.endsWith('.js');
/** The repository root: the working directory of every server process, whichever way it runs. */
const REPO_ROOT = fileURLToPath(new URL(COMPILED ? '../../..' : '../..', import.meta.url));
const SERVER_ENTRY = fileURLToPath(new URL(COMPILED ? './main.js' : './main.ts', import.meta.url));
/** No TypeScript loader for the compiled build: both targets run as deployed (docs/DEPLOYMENT.md). */
const LOADER = COMPILED ? [] : ['--import', 'tsx'];

export class ServerProcess<R extends ServerRole = 'all'> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: ReadyInfoByRole[R],
    /** What this process is, in messages: its role. */
    readonly role: R,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.on('message', (message: ServerMessage) => {
      if (message.type !== 'reply') return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(`${LABELS[role]}: ${message.error}`));
      else waiter.resolve(message.result);
    });
    child.once('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${LABELS[role]} exited (${code})`));
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How messages name this process ("server process", "systems process", …). */
  get label(): string {
    return LABELS[this.role];
  }

  static async start<O extends ServerOptions>(options: O, extraExecArgv: string[] = [], startTimeoutMs = 300_000): Promise<ServerProcess<O['role']>> {
    const child = fork(SERVER_ENTRY, [JSON.stringify(options)], {
      cwd: REPO_ROOT,
      execArgv: [...LOADER, ...extraExecArgv],
      // As deployed (docs/DEPLOYMENT.md): production mode for graphql-js and Apollo, for both targets.
      env: { ...process.env, NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: 'true', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const role: O['role'] = options.role;
    const ready = await new Promise<ReadyInfoByRole[O['role']]>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${LABELS[role]} not ready within ${startTimeoutMs} ms`));
      }, startTimeoutMs);
      child.on('message', (message: ServerMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          // The process sends what its role's ready information is (./main.ts, ./role.ts).
          resolve(message.info as ReadyInfoByRole[O['role']]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${LABELS[role]} exited during start-up (code ${code})`));
      });
    });
    return new ServerProcess(child, ready, role);
  }

  request<T>(request: Request, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${LABELS[this.role]} did not answer ${request.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ ...request, id });
    });
  }

  /** Asks the process to close its servers and exit; kills it (by pid) if it has not within the bound. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.request({ type: 'close' }, graceMs).catch(() => {});
    const exited = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref())]);
    if (!exited && this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null) {
      process.kill(this.child.pid, 'SIGKILL');
      await this.exited;
    }
  }
}
