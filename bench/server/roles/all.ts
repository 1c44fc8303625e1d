/**
 * The single-process layout (`npm run bench`'s default): ONE set of simulated backends (in-memory
 * PGlite, or DATABASE_URL) serving both targets —
 * - Continuum, everything on: `startFederation` (auth, enforcement, signed contexts, re-checks)
 *   with its enforced subgraphs;
 * - the baseline: bare Apollo Gateway over unenforced copies of the same subgraph modules;
 * - optionally the federation gateways benchmark's four subgraphs behind bare Apollo Gateway.
 * Both gateways live in this one process (Continuum's gateway needs the in-process store), so
 * they share its thread with the subgraphs symmetrically, and RSS is the whole process's.
 */
import { createDevIdentities, issueDevToken } from '../../../auth/dev-identities.js';
import { startFederation, type RunningFederation } from '../../../gateway/embedded.js';
import { openDb } from '../../../store/index.js';
import { startFederationBenchmark, type RunningFederationBenchmark } from '../../federation-benchmark/index.js';
import type { AllOptions, CountsSnapshot, PlanFetches } from '../../protocol.js';
import { startBareGateway, type BareGateway } from '../bareGateway.js';
import { startBaselineSystems, type BaselineSystems } from '../baselineSystems.js';
import { directCounting } from '../directCounting.js';
import { capturePlans } from '../plans.js';
import { closeAll, countsOf, TOKEN_TTL_SECONDS, type RoleServer } from '../role.js';

export async function startAll(options: AllOptions): Promise<RoleServer<'all'>> {
  const db = await openDb({ url: options.databaseUrl });
  const hubStore = directCounting(db);
  const identities = await createDevIdentities();
  let federation: RunningFederation | undefined;
  let baseline: BaselineSystems | undefined;
  let bare: BareGateway | undefined;
  let benchmark: RunningFederationBenchmark | undefined;

  const close = () => closeAll([() => db.close(), () => federation?.close(), () => baseline?.close(), () => bare?.close(), () => benchmark?.close()]);

  try {
    federation = await startFederation({ db: hubStore, trust: identities.trust, seedCases: options.cases, logLevel: 'silent', subgraphPortBase: 0, gatewayPort: 0 });
    baseline = await startBaselineSystems(db);
    bare = await startBareGateway(baseline.supergraphSdl);
    if (options.federationBenchmark) benchmark = await startFederationBenchmark();
  } catch (error) {
    await close();
    throw error;
  }

  const tokens: Record<string, string> = {};
  for (const persona of options.personas) tokens[persona] = await issueDevToken(identities, persona, { ttlSeconds: TOKEN_TTL_SECONDS });

  const plans: PlanFetches = { baseline: {}, continuum: {} };
  const fed = federation;
  const base = baseline;
  const bareGateway = bare;
  return {
    info: {
      urls: { baseline: bare.url, continuum: federation.gateway.url, federationBenchmark: benchmark?.gateway.url ?? null },
      tokens,
      seededCases: options.cases,
    },
    counts(): CountsSnapshot {
      return { continuum: countsOf(fed.systems), baseline: countsOf(base.systems), continuumGatewayStore: hubStore.direct.statements };
    },
    capturePlans(on) {
      capturePlans(fed.gateway.gateway, on ? plans.continuum : null);
      capturePlans(bareGateway.gateway, on ? plans.baseline : null);
    },
    plans: () => plans,
    scope: (persona, purpose) => base.scope(persona, purpose),
    close,
  };
}
