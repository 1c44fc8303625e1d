/** Brings the whole federation up on ephemeral ports over a test store, and down again. */
import { startFederation, type RunningFederation } from '../../gateway/embedded.js';
import type { Db } from '../../store/index.js';
import type { TestStore } from './stores.js';

export interface TestFederation extends RunningFederation {
  db: Db;
  stop(): Promise<void>;
}

export async function startTestFederation(store: TestStore, options: { cases?: number } = {}): Promise<TestFederation> {
  const { db, drop } = await store.open();
  const federation = await startFederation({ db, seedCases: options.cases ?? 300, logLevel: 'silent', subgraphPortBase: 0, gatewayPort: 0 });
  return {
    ...federation,
    db,
    async stop() {
      await federation.close();
      await drop();
    },
  };
}

/** Backend queries (or REST calls) and gateway fetches per subgraph, to diff around one request. */
export function callCounts(federation: RunningFederation): Record<string, { backend: number; fetches: number }> {
  return Object.fromEntries(
    [...federation.systems.entries()].map(([name, s]) => [name, { backend: s.opened.backendCalls(), fetches: s.subgraph.stats.requests }]),
  );
}
