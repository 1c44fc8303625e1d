/**
 * The split layout's systems process: everything but the measured gateways. One set of backends
 * on the run's PostgreSQL database, Continuum's enforced subgraphs (through `startFederation`,
 * which also registers them as the active supergraph; the gateway it starts here receives no
 * request), the baseline's unenforced copies and, with W4, the federation gateways benchmark's
 * subgraphs. It writes the supergraphs the bare gateway process serves into the run's folder,
 * issues the tokens, answers subgraph counts and sets the baseline's listing scope.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueDevToken } from '../../../auth/dev-identities.js';
import { startFederation, type RunningFederation } from '../../../gateway/embedded.js';
import { openDb } from '../../../store/index.js';
import { startFederationBenchmarkSubgraphs, type FederationBenchmarkSubgraphs } from '../../federation-benchmark/index.js';
import type { SubgraphCounts, SystemsOptions } from '../../protocol.js';
import { startBaselineSystems, type BaselineSystems } from '../baselineSystems.js';
import { closeAll, countsOf, TOKEN_TTL_SECONDS, type RoleServer } from '../role.js';
import { sharedKeys, type SharedKeys } from '../sharedKeys.js';

export async function startSystems(options: SystemsOptions): Promise<RoleServer<'systems'>> {
  const db = await openDb({ url: options.databaseUrl });
  let federation: RunningFederation | undefined;
  let baseline: BaselineSystems | undefined;
  let benchmark: FederationBenchmarkSubgraphs | undefined;
  const close = () => closeAll([() => db.close(), () => federation?.close(), () => baseline?.close(), () => benchmark?.close()]);

  let keys: SharedKeys;
  try {
    keys = await sharedKeys(options.runDir);
    const { identities, auditKeys, contextKeys } = keys;
    federation = await startFederation({ db, trust: identities.trust, auditKeys, contextKeys, seedCases: options.cases, logLevel: 'silent', subgraphPortBase: 0, gatewayPort: 0 });
    baseline = await startBaselineSystems(db);
    if (options.federationBenchmark) benchmark = await startFederationBenchmarkSubgraphs();
  } catch (error) {
    await close();
    throw error;
  }

  const dir = join(options.runDir, 'supergraphs');
  mkdirSync(dir, { recursive: true });
  const supergraphFiles = { baseline: join(dir, 'baseline.graphql'), federationBenchmark: benchmark ? join(dir, 'federation-benchmark.graphql') : null };
  writeFileSync(supergraphFiles.baseline, baseline.supergraphSdl);
  if (benchmark && supergraphFiles.federationBenchmark) writeFileSync(supergraphFiles.federationBenchmark, benchmark.supergraphSdl);

  const tokens: Record<string, string> = {};
  for (const persona of options.personas) tokens[persona] = await issueDevToken(keys.identities, persona, { ttlSeconds: TOKEN_TTL_SECONDS });

  const fed = federation;
  const base = baseline;
  return {
    info: { tokens, seededCases: options.cases, supergraphFiles },
    counts(): SubgraphCounts {
      return { continuum: countsOf(fed.systems), baseline: countsOf(base.systems) };
    },
    scope: (persona, purpose) => base.scope(persona, purpose),
    close,
  };
}
