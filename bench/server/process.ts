/**
 * The driver's handle on the forked server process: starts it (TypeScript through tsx, telemetry
 * off, 127.0.0.1 only), waits for it to be ready, sends it requests over IPC and stops it by its
 * own pid — gracefully first, then SIGKILL after a bounded wait.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ReadyInfo, Request, ServerMessage, ServerOptions } from '../protocol.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));

export class ServerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: ReadyInfo,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.on('message', (message: ServerMessage) => {
      if (message.type !== 'reply') return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(`server process: ${message.error}`));
      else waiter.resolve(message.result);
    });
    child.once('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`server process exited (${code})`));
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: ServerOptions, extraExecArgv: string[] = [], startTimeoutMs = 300_000): Promise<ServerProcess> {
    const child = fork(SERVER_ENTRY, [JSON.stringify(options)], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx', ...extraExecArgv],
      // As deployed (docs/DEPLOYMENT.md): production mode for graphql-js and Apollo, for both targets.
      env: { ...process.env, NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: 'true', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<ReadyInfo>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`server process not ready within ${startTimeoutMs} ms`));
      }, startTimeoutMs);
      child.on('message', (message: ServerMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(message.info);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server process exited during start-up (code ${code})`));
      });
    });
    return new ServerProcess(child, ready);
  }

  request<T>(request: Request, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`server process did not answer ${request.type} within ${timeoutMs} ms`));
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
    if (!exited && this.child.pid !== undefined) {
      process.kill(this.child.pid, 'SIGKILL');
      await this.exited;
    }
  }
}
