/**
 * The benchmark's server process, forked by the driver so load generation never shares a thread
 * with what it measures. It holds ONE set of simulated backends (in-memory PGlite, or
 * DATABASE_URL) and serves both targets over them:
 * - Continuum, everything on: `startFederation` (auth, enforcement, signed contexts, re-checks)
 *   with its enforced subgraphs;
 * - the baseline: bare Apollo Gateway over unenforced copies of the same subgraph modules;
 * - optionally the federation gateways benchmark's four subgraphs behind bare Apollo Gateway.
 * Both gateways live in this one process (Continuum's gateway needs the in-process store), so
 * they share its thread with the subgraphs symmetrically, and RSS is the whole process's.
 */
import '../../gateway/airgap.js';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDevIdentities, issueDevToken } from '../../auth/dev-identities.js';
import { startFederation, type RunningFederation } from '../../gateway/embedded.js';
import { openDb } from '../../store/index.js';
import { startFederationBenchmark, type RunningFederationBenchmark } from '../federation-benchmark/index.js';
import type { CallCounts, CountsSnapshot, PlanFetches, Request, RequestMessage, ServerMessage, ServerOptions } from '../protocol.js';
import { startBareGateway, type BareGateway } from './bareGateway.js';
import { startBaselineSystems, type BaselineSystems } from './baselineSystems.js';
import { directCounting } from './directCounting.js';
import { capturePlans } from './plans.js';

const TOKEN_TTL_SECONDS = 24 * 3600;
/** Below this share of one core over a quarter second, the process counts as idle. */
const IDLE_CPU_SHARE = 0.1;
const IDLE_WINDOW_MS = 250;

// Every Apollo Server and Fastify instance (a dozen here) adds its own signal listeners.
process.setMaxListeners(64);

/**
 * Waits until abandoned work has drained: autocannon stops at its deadline, but requests it had
 * in flight keep the servers busy, and must not be billed to the next run (the other target).
 * Measured as process CPU time, not event-loop utilisation: a running CPU profiler keeps the
 * latter near 0.9 even when nothing happens.
 */
async function waitUntilIdle(maxMs: number): Promise<{ waitedMs: number; idle: boolean }> {
  const started = Date.now();
  while (Date.now() - started < maxMs) {
    const before = process.cpuUsage();
    const at = performance.now();
    await sleep(IDLE_WINDOW_MS);
    const used = process.cpuUsage(before);
    const share = (used.user + used.system) / 1000 / (performance.now() - at);
    if (share < IDLE_CPU_SHARE) return { waitedMs: Date.now() - started, idle: true };
  }
  return { waitedMs: Date.now() - started, idle: false };
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

function countsOf(systems: Map<string, { opened: { backendCalls(): number }; subgraph: { stats: { requests: number } } }>): CallCounts {
  return Object.fromEntries([...systems.entries()].map(([name, s]) => [name, { fetches: s.subgraph.stats.requests, backend: s.opened.backendCalls() }]));
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
  const started = Date.now();
  const db = await openDb({ url: options.databaseUrl });
  const hubStore = directCounting(db);
  const identities = await createDevIdentities();
  let federation: RunningFederation | undefined;
  let baseline: BaselineSystems | undefined;
  let bare: BareGateway | undefined;
  let benchmark: RunningFederationBenchmark | undefined;

  const close = async () => {
    await benchmark?.close().catch(() => {});
    await bare?.close().catch(() => {});
    await baseline?.close().catch(() => {});
    await federation?.close().catch(() => {});
    await db.close().catch(() => {});
  };

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

  // RSS is sampled continuously; the driver reads (and resets) the maximum around each round.
  let maxRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage.rss());
  }, 200);
  sampler.unref();

  const plans: PlanFetches = { baseline: {}, continuum: {} };
  let profiler: Session | undefined;
  const fed = federation;
  const base = baseline;
  const bareGateway = bare;

  const handle = async (request: Request): Promise<unknown> => {
    switch (request.type) {
      case 'counts': {
        const snapshot: CountsSnapshot = { continuum: countsOf(fed.systems), baseline: countsOf(base.systems), continuumGatewayStore: hubStore.direct.statements };
        return snapshot;
      }
      case 'capture-plans':
        capturePlans(fed.gateway.gateway, request.on ? plans.continuum : null);
        capturePlans(bareGateway.gateway, request.on ? plans.baseline : null);
        return null;
      case 'plans':
        return plans;
      case 'scope':
        base.scope(request.persona, request.purpose);
        return null;
      case 'memory': {
        const usage = process.memoryUsage();
        const sample = { rssBytes: usage.rss, maxRssBytes: Math.max(maxRss, usage.rss), heapUsedBytes: usage.heapUsed };
        if (request.reset) maxRss = usage.rss;
        return sample;
      }
      case 'idle':
        return waitUntilIdle(request.maxMs);
      case 'profile-start':
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
        return null;
      case 'profile-stop': {
        if (!profiler) throw new Error('no profile running');
        const { profile } = await profiler.post('Profiler.stop');
        profiler.disconnect();
        profiler = undefined;
        writeFileSync(request.path, JSON.stringify(profile));
        return request.path;
      }
      case 'close':
        clearInterval(sampler);
        await close();
        setImmediate(() => process.exit(0));
        return null;
    }
  };

  process.on('message', (message: RequestMessage) => {
    handle(message).then(
      (result) => send({ type: 'reply', id: message.id, result }),
      (error: unknown) => send({ type: 'reply', id: message.id, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => {
    void close().finally(() => process.exit(0));
  });

  send({
    type: 'ready',
    info: {
      urls: { baseline: bare.url, continuum: federation.gateway.url, federationBenchmark: benchmark?.gateway.url ?? null },
      tokens,
      seededCases: options.cases,
      startupMs: Date.now() - started,
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
