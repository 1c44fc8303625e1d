/**
 * The split layout (`npm run bench -- --split`): each gateway in its own process, as deployed.
 * - systems process: the backends' clients, Continuum's enforced subgraphs, the baseline's
 *   unenforced copies, and W4's subgraphs when selected;
 * - bare gateway process: the baseline (and W4's bare Apollo Gateway);
 * - Continuum gateway process: one gateway replica on the same database.
 * They share a fresh PostgreSQL database (./database.ts) and a temporary folder holding the keys,
 * dev identities and the supergraphs the bare gateways serve. Each process answers for itself:
 * its RSS, its CPU time, whether it is idle; the harness reads the target gateway's own figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PersonaName } from '../../auth/dev-identities.js';
import { IDLE_WINDOW_MS, type CpuSample, type GatewayStoreCounts, type IdleReply, type MemorySample, type PlanFetches, type ServerRole, type SubgraphCounts } from '../protocol.js';
import { ServerProcess } from '../server/process.js';
import { createThrowawayDatabase } from './database.js';
import { mb, type RunCpuMs, type ServerSet, type SettleResult } from './types.js';

export interface SplitOptions {
  cases: number;
  federationBenchmark: boolean;
  /** The PostgreSQL server on which the run's database is created (and dropped). */
  postgresUrl: string;
  personas: PersonaName[];
  /** Extra Node flags for every process (e.g. --cpu-prof). */
  execArgv: string[];
  log(line: string): void;
}

/** How long each process gets to close when the run is interrupted, before SIGKILL. */
const ABORT_GRACE_MS = 5_000;

/** Stoppers of the split runs under way, for an interrupted command line (`abortSplitRuns`). */
const running = new Set<(graceMs?: number) => Promise<void>>();

/**
 * Stops every split run under way: its processes by pid, its database, its folder. For SIGINT and
 * SIGTERM in the command line. A process still starting is not stopped here: it exits by itself
 * when the driver does (its IPC channel closes).
 */
export async function abortSplitRuns(): Promise<void> {
  await Promise.allSettled([...running].map((stop) => stop(ABORT_GRACE_MS)));
}

const cpuMsBetween = (before: CpuSample | undefined, after: CpuSample | undefined): number =>
  before && after ? (after.userMicros - before.userMicros + after.systemMicros - before.systemMicros) / 1000 : Number.NaN;

export async function startSplit(options: SplitOptions): Promise<ServerSet> {
  const started = Date.now();
  const database = await createThrowawayDatabase(options.postgresUrl);
  const runDir = mkdtempSync(join(tmpdir(), 'continuum-bench-split-'));
  const processes: ServerProcess<ServerRole>[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (graceMs?: number) =>
    (stopping ??= (async () => {
      // Gateways first, then the systems they call; each by its own pid, graceful then SIGKILL.
      await Promise.allSettled(processes.slice(1).map((p) => p.stop(graceMs)));
      await Promise.allSettled(processes.slice(0, 1).map((p) => p.stop(graceMs)));
      try {
        await database.drop();
      } finally {
        rmSync(runDir, { recursive: true, force: true });
        running.delete(stop);
      }
    })());
  running.add(stop);
  options.log(`split layout: database ${database.name}, keys and supergraphs in ${runDir}`);

  let systems: ServerProcess<'systems'>;
  let bare: ServerProcess<'bare-gateway'>;
  let continuum: ServerProcess<'continuum-gateway'>;
  try {
    systems = await ServerProcess.start(
      { role: 'systems', cases: options.cases, federationBenchmark: options.federationBenchmark, databaseUrl: database.url, personas: options.personas, runDir },
      options.execArgv,
    );
    processes.push(systems);
    options.log(`systems process ${systems.pid} ready in ${(systems.ready.startupMs / 1000).toFixed(1)} s`);
    const { supergraphFiles } = systems.ready;
    const gateways = await Promise.allSettled([
      ServerProcess.start({ role: 'bare-gateway', baselineSupergraphFile: supergraphFiles.baseline, federationBenchmarkSupergraphFile: supergraphFiles.federationBenchmark }, options.execArgv),
      ServerProcess.start({ role: 'continuum-gateway', databaseUrl: database.url, runDir }, options.execArgv),
    ]);
    for (const g of gateways) if (g.status === 'fulfilled') processes.push(g.value);
    const [bareStarted, continuumStarted] = gateways;
    if (bareStarted.status === 'rejected') throw bareStarted.reason;
    if (continuumStarted.status === 'rejected') throw continuumStarted.reason;
    bare = bareStarted.value;
    continuum = continuumStarted.value;
    options.log(`bare gateway process ${bare.pid} ready in ${(bare.ready.startupMs / 1000).toFixed(1)} s; Continuum gateway process ${continuum.pid} ready in ${(continuum.ready.startupMs / 1000).toFixed(1)} s (supergraph version ${continuum.ready.supergraphVersion})`);
  } catch (error) {
    await stop();
    throw error;
  }

  /** In this order in every `RunMark.cpu`. */
  const all: ServerProcess<ServerRole>[] = [systems, bare, continuum];
  const gatewayOf = (target: 'baseline' | 'continuum') => (target === 'baseline' ? bare : continuum);

  return {
    layout: 'split',
    urls: { baseline: bare.ready.urls.baseline, continuum: continuum.ready.url, federationBenchmark: bare.ready.urls.federationBenchmark },
    tokens: systems.ready.tokens,
    startupMs: Date.now() - started,
    processes: [
      { label: systems.label, pid: systems.pid, startupMs: systems.ready.startupMs },
      { label: bare.label, pid: bare.pid, startupMs: bare.ready.startupMs },
      { label: continuum.label, pid: continuum.pid, startupMs: continuum.ready.startupMs },
    ],
    database: database.name,
    profiledProcess: continuum.label,
    async scope(persona, purpose) {
      await systems.request({ type: 'scope', persona, purpose });
    },
    async counts() {
      const [subgraphs, store] = await Promise.all([systems.request<SubgraphCounts>({ type: 'counts' }), continuum.request<GatewayStoreCounts>({ type: 'counts' })]);
      return { ...subgraphs, ...store };
    },
    async capturePlans(on) {
      await Promise.all([bare.request({ type: 'capture-plans', on }), continuum.request({ type: 'capture-plans', on })]);
    },
    async plans() {
      const [b, c] = await Promise.all([bare.request<Partial<PlanFetches>>({ type: 'plans' }), continuum.request<Partial<PlanFetches>>({ type: 'plans' })]);
      return { baseline: b.baseline ?? {}, continuum: c.continuum ?? {} };
    },
    async settle(maxMs): Promise<SettleResult> {
      // Every process idle in the same window: one that finished early may get work again from
      // another still draining (a gateway from its subgraphs' late answers), so ask again until
      // all were idle at once.
      const begun = Date.now();
      for (;;) {
        const remaining = maxMs - (Date.now() - begun);
        if (remaining <= 0) return { idle: false, waitedMs: Date.now() - begun, busy: all.map((p) => p.label) };
        const replies = await Promise.all(all.map((p) => p.request<IdleReply>({ type: 'idle', maxMs: remaining }, remaining + 10_000)));
        const busy = all.filter((_, i) => !replies[i]?.idle).map((p) => p.label);
        if (busy.length > 0) return { idle: false, waitedMs: Date.now() - begun, busy };
        if (replies.every((r) => r.waitedMs < 2 * IDLE_WINDOW_MS)) return { idle: true, waitedMs: Date.now() - begun, busy: [] };
      }
    },
    async beginRun(target) {
      await Promise.all(all.map((p) => p.request<MemorySample>({ type: 'memory', reset: true })));
      const cpu = await Promise.all(all.map((p) => p.request<CpuSample>({ type: 'cpu' })));
      return { target, cpu };
    },
    async endRun(mark) {
      const cpu = await Promise.all(all.map((p) => p.request<CpuSample>({ type: 'cpu' })));
      const memory = await Promise.all(all.map((p) => p.request<MemorySample>({ type: 'memory', reset: false })));
      const at = (p: ServerProcess<ServerRole>) => all.indexOf(p);
      const gateway = gatewayOf(mark.target);
      const other = gatewayOf(mark.target === 'baseline' ? 'continuum' : 'baseline');
      const cpuMs: RunCpuMs = {
        gateway: cpuMsBetween(mark.cpu[at(gateway)], cpu[at(gateway)]),
        systems: cpuMsBetween(mark.cpu[at(systems)], cpu[at(systems)]),
        otherGateway: cpuMsBetween(mark.cpu[at(other)], cpu[at(other)]),
      };
      return {
        maxRssMb: mb(memory[at(gateway)]?.maxRssBytes ?? Number.NaN),
        split: { systemsMaxRssMb: mb(memory[at(systems)]?.maxRssBytes ?? Number.NaN), cpuMs },
      };
    },
    async profileStart() {
      await continuum.request({ type: 'profile-start' });
    },
    async profileStop(path) {
      await continuum.request({ type: 'profile-stop', path });
    },
    stop: () => stop(),
  };
}
