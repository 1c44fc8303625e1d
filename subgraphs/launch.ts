/**
 * Bringing the hub's own systems up: migrating and seeding their backends, then opening each
 * system and serving its subgraph through the kit. The embedded federation (gateway/embedded.ts,
 * the hub's composition root) calls this, so the gateway itself never imports the kit.
 */
import type { Tracer } from '@opentelemetry/api';
import type { CryptoKey, JWK } from 'jose';
import type { Policy } from '../auth/policy.js';
import type { Db } from '../store/index.js';
import { startSubgraph, syntheticCases, type RunningSubgraph, type SyntheticCase } from './kit/index.js';
import type { OpenedSystem, WrappedSystem } from './system.js';

const SEED_CHUNK = 1000;

/** One system seeded: how many synthetic cases it was given and how long writing them took. */
export interface SeedReport {
  system: string;
  cases: number;
  ms: number;
}

/** Hears how start-up seeding goes: which systems are about to be seeded, then each one done. */
export interface SeedListener {
  starting?(systems: readonly string[], cases: number): void;
  seeded?(report: SeedReport): void;
}

/**
 * Migrates every system and seeds those that are empty. Each system is seeded in ONE transaction,
 * so a start stopped half-way leaves that system empty (and the next start seeds it again) rather
 * than half-seeded and taken for seeded. The cases are generated once, in chunks, and given to
 * each system in turn; `listener` hears of each system as its transaction commits.
 */
export async function prepareSystems(db: Db, systems: readonly WrappedSystem[], cases: number, listener: SeedListener = {}): Promise<{ seeded: string[] }> {
  for (const system of systems) await system.migrate(db);
  const empty: WrappedSystem[] = [];
  for (const system of systems) if (!(await system.isSeeded(db))) empty.push(system);
  if (empty.length === 0 || cases === 0) return { seeded: [] };
  listener.starting?.(empty.map((s) => s.name), cases);
  const chunks: SyntheticCase[][] = [];
  for (let start = 0; start < cases; start += SEED_CHUNK) chunks.push([...syntheticCases(Math.min(SEED_CHUNK, cases - start), start)]);
  for (const system of empty) {
    const started = performance.now();
    await db.transaction(async (tx) => {
      for (const chunk of chunks) await system.seed(tx, chunk);
    });
    listener.seeded?.({ system: system.name, cases, ms: Math.round(performance.now() - started) });
  }
  return { seeded: empty.map((s) => s.name) };
}

export interface RunningSystem {
  system: WrappedSystem;
  opened: OpenedSystem;
  subgraph: RunningSubgraph;
}

export interface LaunchOptions {
  db: Db;
  /** The gateway's context public key: every subgraph refuses requests not signed with it. */
  contextKey: CryptoKey;
  policy: Policy;
  auditPublicJwk: JWK;
  host: string;
  /** First subgraph port; 0 for ephemeral ports. */
  portBase: number;
  logLevel: string;
  /** Each subgraph's tracer, when traces are on. */
  tracerFor?: (subgraph: string) => Tracer | undefined;
}

export interface LaunchedSystems {
  /** Every system started so far, in start order (filled as they start). */
  readonly running: Map<string, RunningSystem>;
  /** Stops the subgraphs and closes the systems, last started first; never throws. */
  close(): Promise<void>;
}

/**
 * Opens each system and serves its subgraph. `launched.running` fills as systems start, so a
 * caller whose start fails half-way can still close what did start.
 */
export function launchSystems(): LaunchedSystems & { start(systems: readonly WrappedSystem[], options: LaunchOptions): Promise<void> } {
  const running = new Map<string, RunningSystem>();
  return {
    running,
    async start(systems, options) {
      let index = 0;
      for (const system of systems) {
        const opened = await system.open(options.db, { logLevel: options.logLevel, auditPublicJwk: options.auditPublicJwk, policy: options.policy });
        const port = options.portBase === 0 ? 0 : options.portBase + index;
        const subgraph = await startSubgraph(opened.module, {
          host: options.host,
          port,
          logLevel: options.logLevel,
          contextKey: options.contextKey,
          tracer: options.tracerFor?.(opened.module.name),
        });
        running.set(system.name, { system, opened, subgraph });
        index++;
      }
    },
    async close() {
      for (const { subgraph, opened } of [...running.values()].reverse()) {
        await subgraph.close().catch(() => {});
        await opened.close().catch(() => {});
      }
    },
  };
}
