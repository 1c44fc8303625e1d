/**
 * The whole federation in one process: every static system's backend and subgraph, composed
 * and served by the gateway. `npm start`, the integration tests and the benchmarks use it; each
 * subgraph still listens on its own port and the gateway calls it over real HTTP.
 *
 * The hub's composition root: the one file of gateway/ that imports subgraphs/, and only its
 * surface (subgraphs/index.ts, which starts the systems through the kit). The rest of the gateway
 * knows subgraphs only by the contract (tests/contract/imports.test.ts keeps it so).
 */
import './airgap.js';
import { AuditWriter, generateAuditKeys, migrateAudit, type AuditKeys, type AuditWriterOptions } from '../audit/index.js';
import { generateContextKeys, type ContextKeys } from '../auth/context-token.js';
import { loadPolicy, type Policy } from '../auth/policy.js';
import type { TrustList } from '../auth/trust.js';
import { createTokenVerifier } from '../auth/verify.js';
import { sdlProbe } from './registry/probe.js';
import { Registry } from './registry/Registry.js';
import { watchRegistry, type Watching } from './registry/watcher.js';
import type { Db } from '../store/index.js';
import { launchSystems, prepareSystems, STATIC_SYSTEMS, type RunningSystem, type SeedListener, type WrappedSystem } from '../subgraphs/index.js';
import { startGateway, type GatewayOptions, type RunningGateway } from './server.js';
import { SupergraphSource } from './SupergraphSource.js';
import { GATEWAY_SERVICE, startTracing, subgraphService, type Tracing, type TracingOptions } from './tracing.js';

export interface FederationOptions extends Pick<GatewayOptions, 'limits' | 'resilience' | 'shutdownGraceMs' | 'statisticsQuestionBudget' | 'facts'> {
  db: Db;
  /** The issuers whose tokens the gateway accepts. */
  trust: TrustList;
  /** Defaults to auth/policy.yaml. */
  policy?: Policy;
  /** The gateway's context-signing keys; a fresh pair by default. */
  contextKeys?: ContextKeys;
  /** The hub's audit signing keys; a fresh pair by default (main.ts keeps one on disk). */
  auditKeys?: AuditKeys;
  auditOptions?: AuditWriterOptions;
  systems?: readonly WrappedSystem[];
  /** Seed this many synthetic cases into systems that hold none yet. */
  seedCases?: number;
  /** Hears how start-up seeding goes (main.ts prints and logs it). */
  onSeeding?: SeedListener;
  host?: string;
  gatewayPort?: number;
  /** First subgraph port; 0 for ephemeral ports. */
  subgraphPortBase?: number;
  logLevel?: string;
  development?: boolean;
  /** Spans of the gateway and every subgraph (./tracing.ts); off when not given. Stopped, flushed, by close(). */
  traces?: TracingOptions;
}

export type { RunningSystem, SeedListener, SeedReport } from '../subgraphs/index.js';
export { prepareSystems } from '../subgraphs/index.js';

export interface RunningFederation {
  gateway: RunningGateway;
  registry: Registry;
  /** The gateway's view of the active supergraph version (switches on activation). */
  watching: Watching;
  contextKeys: ContextKeys;
  audit: AuditWriter;
  auditKeys: AuditKeys;
  systems: Map<string, RunningSystem>;
  supergraphSdl: string;
  /** Traces on: the running SDK (flush it to see every span finished so far). */
  tracing?: Tracing;
  close(): Promise<void>;
}

/** The hub acting for itself (start-up registration of its own systems). */
const HUB_ACTOR = { issuer: 'continuum-hub', organisation: 'EU/GOV/CONTINUUM-HUB', country: 'EU', officialId: 'continuum-hub', roles: ['HUB_OPERATOR'] };

export interface ReplicaOptions extends Pick<GatewayOptions, 'limits' | 'resilience' | 'shutdownGraceMs' | 'statisticsQuestionBudget' | 'facts'> {
  db: Db;
  trust: TrustList;
  policy?: Policy;
  contextKeys: ContextKeys;
  auditKeys: AuditKeys;
  host?: string;
  port?: number;
  logLevel?: string;
  development?: boolean;
  /** The replica's spans (./tracing.ts); off when not given. Stopped, flushed, by close(). */
  traces?: TracingOptions;
}

export interface RunningReplica {
  gateway: RunningGateway;
  registry: Registry;
  watching: Watching;
  audit: AuditWriter;
  close(): Promise<void>;
}

/**
 * A gateway replica on its own: no subgraphs of its own, the supergraph the registry says is
 * active, switching with every activation. Replicas share the store, the context key and the
 * audit key; run as many as the load needs behind a load balancer.
 */
export async function startGatewayReplica(options: ReplicaOptions): Promise<RunningReplica> {
  await migrateAudit(options.db);
  const audit = new AuditWriter(options.db, options.auditKeys);
  const policy = options.policy ?? loadPolicy();
  const registry = new Registry(options.db, audit, sdlProbe(options.contextKeys), policy);
  await registry.migrate();
  const active = await registry.active();
  if (!active) {
    await audit.close();
    throw new Error('No active supergraph in the registry yet: start the hub (CONTINUUM_ROLE=all) or publish subgraphs first.');
  }
  const supergraph = new SupergraphSource(active.supergraphSdl);
  const tracing = options.traces ? startTracing(options.traces) : undefined;
  const gateway = await startGateway({
    supergraph,
    registry,
    verifier: createTokenVerifier(options.trust),
    policy,
    store: options.db,
    contextKeys: options.contextKeys,
    audit,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    logLevel: options.logLevel ?? 'info',
    development: options.development ?? false,
    limits: options.limits,
    resilience: options.resilience,
    shutdownGraceMs: options.shutdownGraceMs,
    statisticsQuestionBudget: options.statisticsQuestionBudget,
    facts: options.facts,
    tracer: tracing?.tracer(GATEWAY_SERVICE),
  });
  const watching = await watchRegistry(options.db, registry, supergraph, (entry, message) => gateway.app.log.info(entry, message), { initialVersion: active.version });
  return {
    gateway,
    registry,
    watching,
    audit,
    async close() {
      await watching.stop();
      await gateway.close();
      await audit.close();
      // Last: the spans of the requests just drained go out before the process ends.
      await tracing?.shutdown();
    },
  };
}

export async function startFederation(options: FederationOptions): Promise<RunningFederation> {
  const systems = options.systems ?? STATIC_SYSTEMS;
  const host = options.host ?? '127.0.0.1';
  const logLevel = options.logLevel ?? 'info';
  await prepareSystems(options.db, systems, options.seedCases ?? 0, options.onSeeding);
  const contextKeys = options.contextKeys ?? (await generateContextKeys());
  const policy = options.policy ?? loadPolicy();
  await migrateAudit(options.db);
  const auditKeys = options.auditKeys ?? (await generateAuditKeys());
  const audit = new AuditWriter(options.db, auditKeys, options.auditOptions);
  const registry = new Registry(options.db, audit, sdlProbe(contextKeys), policy);
  await registry.migrate();

  const launched = launchSystems();
  const running: Map<string, RunningSystem> = launched.running;
  let tracing: Tracing | undefined;
  const closeAll = async () => {
    await launched.close();
    // Last: the spans of the requests just drained go out before the process ends.
    await tracing?.shutdown();
  };
  try {
    tracing = options.traces ? startTracing(options.traces) : undefined;
    await launched.start(systems, {
      db: options.db,
      contextKey: contextKeys.publicKey,
      policy,
      auditPublicJwk: auditKeys.publicJwk,
      host,
      portBase: options.subgraphPortBase ?? 0,
      logLevel,
      tracerFor: (name) => tracing?.tracer(subgraphService(name)),
    });
    // The hub's own systems go through the registry like any partner's, so every gateway replica
    // (and the next start) serves the same versioned supergraph, partners' subgraphs included.
    const active = await registry.bootstrap(
      HUB_ACTOR,
      [...running.values()].map(({ system, subgraph }) => ({ name: subgraph.name, participant: system.participant, url: subgraph.url, sdl: subgraph.sdl })),
    );
    const supergraph = new SupergraphSource(active.supergraphSdl);
    const gateway = await startGateway({
      supergraph,
      registry,
      verifier: createTokenVerifier(options.trust),
      policy,
      store: options.db,
      contextKeys,
      audit,
      host,
      port: options.gatewayPort ?? 0,
      logLevel,
      development: options.development ?? false,
      limits: options.limits,
      resilience: options.resilience,
      shutdownGraceMs: options.shutdownGraceMs,
      statisticsQuestionBudget: options.statisticsQuestionBudget,
      facts: options.facts,
      tracer: tracing?.tracer(GATEWAY_SERVICE),
    });
    const watching = await watchRegistry(options.db, registry, supergraph, (entry, message) => gateway.app.log.info(entry, message), { initialVersion: active.version });
    return {
      gateway,
      registry,
      watching,
      contextKeys,
      audit,
      auditKeys,
      systems: running,
      supergraphSdl: active.supergraphSdl,
      tracing,
      async close() {
        // Drain in-flight requests, then seal the audit chain, then stop the subgraphs.
        await watching.stop();
        await gateway.close();
        await audit.close();
        await closeAll();
      },
    };
  } catch (error) {
    await audit.close();
    await closeAll();
    throw error;
  }
}
