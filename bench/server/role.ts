/**
 * What each role of a benchmark server process provides to the common IPC loop in ./main.ts: the
 * ready information the driver needs, the role-specific requests it can answer (subgraph counts,
 * query plans, the baseline's listing scope) and how to close. Memory, CPU time, idleness and
 * profiling are the same for every role and live in the loop itself.
 */
import type { PersonaName } from '../../auth/dev-identities.js';
import type { Purpose } from '../../contract/index.js';
import type { CallCounts, PlanFetches, ReadyInfoByRole, ServerRole } from '../protocol.js';

/** Lifetime of the tokens issued for a run: longer than any run. */
export const TOKEN_TTL_SECONDS = 24 * 3600;

export interface RoleServer<R extends ServerRole = ServerRole> {
  info: Omit<ReadyInfoByRole[R], 'startupMs'>;
  /** Answer to `counts`; absent when the role holds nothing to count. */
  counts?(): unknown;
  capturePlans?(on: boolean): void;
  plans?(): Partial<PlanFetches>;
  scope?(persona: PersonaName, purpose: Purpose): void;
  close(): Promise<void>;
}

/** Per subgraph: requests received and backend calls made, from the running systems. */
export function countsOf(systems: Map<string, { opened: { backendCalls(): number }; subgraph: { stats: { requests: number } } }>): CallCounts {
  return Object.fromEntries([...systems.entries()].map(([name, s]) => [name, { fetches: s.subgraph.stats.requests, backend: s.opened.backendCalls() }]));
}

/** Calls each closer, last started first, never letting one failure stop the rest. */
export async function closeAll(closers: readonly (() => Promise<void> | undefined)[]): Promise<void> {
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch {
      // Closing what remains matters more than why one part failed to close.
    }
  }
}
