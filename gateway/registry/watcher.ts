/**
 * Keeps a gateway on the active supergraph. A notification on activation switches within
 * milliseconds; a poll every two seconds catches anything a dropped connection missed. A
 * supergraph the gateway cannot load is never served: the old one stays, and the failure is
 * logged loudly.
 */
import type { Db } from '../../store/index.js';
import type { SupergraphSource } from '../SupergraphSource.js';
import type { Registry } from './Registry.js';
import { SUPERGRAPH_CHANNEL } from './store.js';

export interface Watching {
  readonly version: number | null;
  /** Resolves once the gateway serves `version` (or a later one). */
  until(version: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function watchRegistry(
  db: Db,
  registry: Registry,
  source: SupergraphSource,
  log: (entry: Record<string, unknown>, message: string) => void,
  options: { intervalMs?: number; initialVersion?: number } = {},
): Promise<Watching> {
  let current = options.initialVersion ?? null;
  let checking: Promise<void> | null = null;
  const waiters: { version: number; resolve(): void }[] = [];

  const check = () => {
    checking ??= (async () => {
      try {
        const active = await registry.active();
        if (!active || active.version === current) return;
        try {
          await source.publish(active.supergraphSdl);
          current = active.version;
          log({ version: current }, 'switched to a new supergraph');
        } catch (error) {
          log({ version: active.version, error: (error as Error).message }, 'refused to load supergraph version; keeping the current one');
          current = active.version; // do not retry the same broken version every poll
        }
      } catch (error) {
        log({ error: (error as Error).message }, 'could not read the active supergraph; will retry');
      } finally {
        for (const waiter of waiters.filter((w) => current !== null && current >= w.version)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
        checking = null;
      }
    })();
    return checking;
  };

  let unlisten: (() => Promise<void>) | null = null;
  try {
    unlisten = await db.listen(SUPERGRAPH_CHANNEL, () => void check());
  } catch (error) {
    log({ error: (error as Error).message }, 'cannot listen for supergraph notifications; polling only');
  }
  const timer = setInterval(() => void check(), options.intervalMs ?? 2000);
  timer.unref();

  return {
    get version() {
      return current;
    },
    until(version, timeoutMs = 10_000) {
      if (current !== null && current >= version) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`gateway did not reach supergraph version ${version}`)), timeoutMs);
        waiters.push({ version, resolve: () => (clearTimeout(timeout), resolve()) });
        void check();
      });
    },
    async stop() {
      clearInterval(timer);
      await unlisten?.().catch(() => {});
    },
  };
}
