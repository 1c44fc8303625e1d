/** Composes the static systems' SDL without serving them (the compose CLI and the drift test use it). */
import { loadPolicy, type Policy } from '../auth/policy.js';
import { openPglite } from '../store/index.js';
import type { WrappedSystem } from '../subgraphs/system.js';
import { subgraphSdl } from '../subgraphs/kit/schema.js';
import { composeSupergraph, type CompositionResult } from './compose.js';

/**
 * Composes with the routing URLs of the embedded default: 127.0.0.1, one port per system from
 * `portBase` in STATIC_SYSTEMS order. Opening a system needs a database; an in-memory one is
 * used only so each system can build its module — nothing is migrated or seeded. Systems that
 * decide by the policy (central) are given `policy`, auth/policy.yaml by default.
 */
export async function composeStaticSupergraph(systems: readonly WrappedSystem[], portBase: number, policy: Policy = loadPolicy()): Promise<CompositionResult> {
  const db = await openPglite();
  try {
    const sources = [];
    for (const [index, system] of systems.entries()) {
      const opened = await system.open(db, { logLevel: 'silent', policy });
      sources.push({ name: system.name, url: `http://127.0.0.1:${portBase + index}/graphql`, sdl: subgraphSdl(opened.module.typeDefs) });
      await opened.close();
    }
    return composeSupergraph(sources);
  } finally {
    await db.close();
  }
}
