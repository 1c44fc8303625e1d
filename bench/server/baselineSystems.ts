/**
 * The baseline's subgraphs: copies of the same subgraph modules over the same backends (same Db),
 * started with `enforcement: 'off-for-baseline-benchmark'` — no context check, no field
 * enforcement — and composed into the same supergraph shape with schema/compose.ts.
 *
 * One thing the switch cannot do: central decides its own root queries (`case` refuses an
 * unrelated case, `cases` lists only the caller's cases), and an unenforced subgraph sees a fixed
 * operator caller that is a party to no case — the baseline would list nothing. So the baseline's
 * central copy answers `Query.case` and `Query.cases` as the workload's persona (set by the
 * driver before each workload): both targets list the same cases with the same SQL, and the
 * baseline still enforces no field.
 */
import type { SubgraphContext } from '../../auth/context-token.js';
import { PERSONAS, type PersonaName } from '../../auth/dev-identities.js';
import { loadPolicy } from '../../auth/policy.js';
import { composeSupergraph } from '../../schema/compose.js';
import type { Purpose } from '../../contract/index.js';
import type { Db } from '../../store/index.js';
import { STATIC_SYSTEMS } from '../../subgraphs/index.js';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/kit/index.js';
import type { OpenedSystem } from '../../subgraphs/system.js';

export interface BaselineSystems {
  systems: Map<string, { opened: OpenedSystem; subgraph: RunningSubgraph }>;
  supergraphSdl: string;
  /** The persona central's root queries answer as. */
  scope(persona: PersonaName, purpose: Purpose): void;
  close(): Promise<void>;
}

type FieldResolver = (root: unknown, args: unknown, context: Record<string, unknown>, info: unknown) => unknown;

function scopedRootQueries(opened: OpenedSystem, caller: () => SubgraphContext | null): OpenedSystem {
  const query = opened.module.resolvers.Query as Record<string, FieldResolver>;
  const wrapped: Record<string, FieldResolver> = { ...query };
  for (const field of ['case', 'cases']) {
    const original = query[field];
    if (!original) throw new Error(`central has no Query.${field} resolver to scope`);
    wrapped[field] = (root, args, context, info) => {
      const as = caller();
      return original(root, args, as ? { ...context, caller: as } : context, info);
    };
  }
  return { ...opened, module: { ...opened.module, resolvers: { ...opened.module.resolvers, Query: wrapped } } };
}

export async function startBaselineSystems(db: Db): Promise<BaselineSystems> {
  const policy = loadPolicy();
  let caller: SubgraphContext | null = null;
  const systems = new Map<string, { opened: OpenedSystem; subgraph: RunningSubgraph }>();
  const close = async () => {
    for (const { opened, subgraph } of [...systems.values()].reverse()) {
      await subgraph.close().catch(() => {});
      await opened.close().catch(() => {});
    }
  };
  try {
    for (const system of STATIC_SYSTEMS) {
      let opened = await system.open(db, { logLevel: 'silent', policy });
      if (system.name === 'central') opened = scopedRootQueries(opened, () => caller);
      const subgraph = await startSubgraph(opened.module, { host: '127.0.0.1', port: 0, logLevel: 'silent', enforcement: 'off-for-baseline-benchmark' });
      systems.set(system.name, { opened, subgraph });
    }
    const composed = composeSupergraph([...systems.values()].map(({ subgraph }) => ({ name: subgraph.name, url: subgraph.url, sdl: subgraph.sdl })));
    if (!composed.ok) throw new Error(`baseline composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
    return {
      systems,
      supergraphSdl: composed.supergraphSdl,
      scope(persona, purpose) {
        const definition = PERSONAS[persona];
        caller = {
          officialId: `${persona}-001`,
          organisation: definition.organisation,
          country: definition.country,
          roles: [...definition.roles],
          purpose,
          requestId: 'baseline-benchmark',
        };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
