/**
 * The benchmark harness: one set of backends behind both targets, in one of two layouts
 * (./servers/): by default one server process holding backends, subgraphs and both gateways;
 * split, a systems process and each gateway in its own process over a throw-away PostgreSQL
 * database. Then, in the same run:
 * - a pre-flight per workload and target (answers present, the same cases listed by both, the
 *   federation benchmark's response exactly as published);
 * - batching: subgraph fetches and backend queries for one request, against the query plan;
 * - rounds alternating baseline and Continuum (A B A B …), each a warm-up then a measured
 *   autocannon run at fixed connections, with the peak RSS of the server process (split: of the
 *   target's own gateway process) and, split, each process's CPU time per request;
 * - optionally CPU profiles under load: of both targets in one process, of Continuum's gateway process in the split layout.
 * `bench/main.ts` is the command line; the smoke tests call `runBench` with tiny durations.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { PersonaName } from '../auth/dev-identities.js';
import { EXPECTED_RESPONSE } from './federation-benchmark/data.js';
import { load, type LoadResult } from './load.js';
import { summariseProfile, type ProfileSummary } from './profile.js';
import type { CallCounts, Target } from './protocol.js';
import { startSingleProcess } from './servers/single.js';
import { startSplit } from './servers/split.js';
import type { Layout, RunCpuMs, ServerSet } from './servers/types.js';
import { workloads as allWorkloads, type Workload, type WorkloadId } from './workloads.js';

export interface BenchOptions {
  cases: number;
  rounds: number;
  durationSec: number;
  warmupSec: number;
  /** Before the first round, every workload on every target for this long (0: none). */
  initialWarmupSec: number;
  connections: number;
  workloads: readonly WorkloadId[];
  databaseUrl?: string;
  /**
   * The split layout: each gateway in its own process, over a fresh database created on this
   * PostgreSQL server (and dropped afterwards). `databaseUrl` is then unused.
   */
  split?: { postgresUrl: string } | undefined;
  /** Profile under load (inspector CPU profiler, one run per workload 1–3): both targets in one process, Continuum's gateway process in the split layout. */
  profile: boolean;
  /** Also start the server process(es) under `node --cpu-prof` (whole-run profile, written at exit). */
  cpuProfProcess: boolean;
  resultsDir: string;
  log(line: string): void;
}

export interface PreflightResult {
  status: number;
  bytes: number;
  graphqlErrors: number;
  errorCodes: Record<string, number>;
  /** Case references listed, in order (workloads 1–3). */
  refs: string[];
}

export interface SubgraphCost {
  planFetches: number;
  fetches: number;
  backend: number;
  /**
   * No more fetches than the plan's fetch nodes for this subgraph, and at most one backend query
   * per fetch. (A plan fetch is skipped at run time when it has no entity to fetch, e.g. the
   * German system's node when the answer holds no German case.)
   */
  minimal: boolean;
}

export interface BatchingReport {
  continuum: Record<string, SubgraphCost>;
  baseline: Record<string, SubgraphCost>;
  /** Statements the Continuum gateway itself ran on the central store for the request. */
  continuumGatewayStoreQueries: number;
  minimal: boolean;
}

/** Split layout, one measured run: what each process did. */
export interface RoundSplit {
  systemsMaxRssMb: number;
  /** CPU milliseconds over the run, per process. */
  cpuMs: RunCpuMs;
  /** The same divided by the requests answered in the run. */
  cpuMsPerRequest: RunCpuMs;
}

export type RoundResult = LoadResult & { maxRssMb: number; split?: RoundSplit };

export interface TargetSummary {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
  /** Peak RSS over the rounds: the one server process, or (split) the target's own gateway process. */
  maxRssMb: number;
  /** Split layout: CPU milliseconds per request over all rounds (total CPU / total requests). */
  cpuMsPerRequest?: { gateway: number; systems: number };
  /** Split layout: peak RSS of the systems process over the rounds. */
  systemsMaxRssMb?: number;
  rounds: RoundResult[];
}

export interface WorkloadReport {
  id: WorkloadId;
  title: string;
  persona: string | null;
  purpose: string | null;
  preflight: Partial<Record<Target, PreflightResult>>;
  batching: BatchingReport | null;
  targets: Partial<Record<Target, TargetSummary>>;
  /** b/a (Continuum over baseline); split, also `gatewayCpu`: gateway CPU per request, bare over Continuum. */
  ratio: { rps: number; p50: number; p99: number; gatewayCpu?: number } | null;
  meetsTargets: { rps: boolean; p99: boolean } | null;
}

export interface BenchResult {
  date: string;
  machine: { nproc: number; cpuModel: string; node: string; platform: string; totalMemMb: number; loadavgBefore: number[]; loadavgAfter: number[] };
  options: Omit<BenchOptions, 'log' | 'split'> & { split?: true };
  layout: Layout;
  store: 'pglite (in-memory)' | 'postgres (DATABASE_URL)' | 'postgres (a fresh database for the run, dropped after)';
  serverStartupMs: number;
  /** Split layout: each process, and its whole-run profile with `cpuProfProcess`. */
  split?: { database: string; processes: { label: string; pid: number | undefined; startupMs: number; profile: { file: string; summary: ProfileSummary } | null }[] };
  workloads: WorkloadReport[];
  /** Under load; in one process both targets are profiled, in the split layout Continuum's gateway. */
  profiles: { workload: WorkloadId; target: Target; file: string; summary: ProfileSummary; rps: number; requests: number }[];
  processProfile: { file: string; summary: ProfileSummary } | null;
  notes: string[];
}

/** Targets for workloads 1–3: issue 17's (issue 6 asked for 0.9 and 1.25). */
export const TARGETS = { minRpsRatio: 1.0, maxP99Ratio: 1.1 };

/** Published and previously measured figures for the federation benchmark's deep query, for context. */
export const PUBLISHED = {
  source: 'graphql-hive/graphql-gateways-benchmark, 50 virtual users, their machine',
  rps: { 'Apollo Gateway': 91, 'Hive Gateway': 291, 'Apollo Router': 353, Cosmo: 628 },
  thisKindOfMachine: 'bare Apollo Gateway ≈ 68 RPS (2 cores, gateway in its own process; DESIGN.md §8)',
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const round2 = (n: number) => Math.round(n * 100) / 100;
/** Longest wait for the server process to drain abandoned requests between runs. */
const SETTLE_MAX_MS = 120_000;

function headersFor(workload: Workload, target: Target, tokens: Record<string, string>): Record<string, string> {
  if (target === 'baseline' || !workload.persona || !workload.purpose) return {};
  const token = tokens[workload.persona];
  if (!token) throw new Error(`no token for ${workload.persona}`);
  return { authorization: `Bearer ${token}`, 'x-purpose': workload.purpose };
}

function urlFor(servers: ServerSet, workload: Workload, target: Target): string {
  const { urls } = servers;
  if (workload.id === 'federation-benchmark') {
    if (!urls.federationBenchmark) throw new Error('the federation benchmark subgraphs were not started');
    return urls.federationBenchmark;
  }
  return urls[target];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function refsOf(data: any): string[] {
  if (data?.case?.ref) return [data.case.ref as string];
  if (Array.isArray(data?.cases?.edges)) return data.cases.edges.map((e: { node: { ref: string } }) => e.node.ref);
  return [];
}

async function preflight(url: string, body: string, headers: Record<string, string>): Promise<{ result: PreflightResult; json: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  const json = JSON.parse(text) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  const errorCodes: Record<string, number> = {};
  for (const error of json.errors ?? []) {
    const code = error.extensions?.code ?? 'UNKNOWN';
    errorCodes[code] = (errorCodes[code] ?? 0) + 1;
  }
  return {
    result: { status: response.status, bytes: Buffer.byteLength(text), graphqlErrors: json.errors?.length ?? 0, errorCodes, refs: refsOf(json.data) },
    json,
  };
}

function diff(before: CallCounts, after: CallCounts): Record<string, { fetches: number; backend: number }> {
  return Object.fromEntries(
    Object.keys(after).map((name) => [name, { fetches: (after[name]?.fetches ?? 0) - (before[name]?.fetches ?? 0), backend: (after[name]?.backend ?? 0) - (before[name]?.backend ?? 0) }]),
  );
}

function costs(observed: Record<string, { fetches: number; backend: number }>, plan: Record<string, number>): Record<string, SubgraphCost> {
  return Object.fromEntries(
    Object.entries(observed).map(([name, c]) => {
      const planFetches = plan[name] ?? 0;
      return [name, { planFetches, fetches: c.fetches, backend: c.backend, minimal: c.fetches <= planFetches && c.backend <= c.fetches }];
    }),
  );
}

async function measureBatching(servers: ServerSet, workload: Workload): Promise<BatchingReport> {
  const send = (target: Target) => fetch(urlFor(servers, workload, target), { method: 'POST', headers: { 'content-type': 'application/json', ...headersFor(workload, target, servers.tokens) }, body: workload.body }).then((r) => r.text());
  await servers.capturePlans(true);
  try {
    const before = await servers.counts();
    await send('continuum');
    const middle = await servers.counts();
    await send('baseline');
    const after = await servers.counts();
    const plans = await servers.plans();
    const continuum = costs(diff(before.continuum, middle.continuum), plans.continuum[workload.operationName] ?? {});
    const baseline = costs(diff(middle.baseline, after.baseline), plans.baseline[workload.operationName] ?? {});
    const minimal = [...Object.values(continuum), ...Object.values(baseline)].every((c) => c.minimal);
    return { continuum, baseline, continuumGatewayStoreQueries: middle.continuumGatewayStore - before.continuumGatewayStore, minimal };
  } finally {
    await servers.capturePlans(false);
  }
}

/** CPU milliseconds per request; not a number when nothing was answered. */
const perRequest = (ms: number, requests: number) => (requests > 0 ? Math.round((ms / requests) * 1000) / 1000 : Number.NaN);

function summarise(rounds: RoundResult[]): TargetSummary {
  const requests = rounds.reduce((s, r) => s + r.requests, 0);
  const duration = rounds.reduce((s, r) => s + r.durationSec, 0);
  const summary: TargetSummary = {
    rps: round2(requests / (duration || 1)),
    p50Ms: round2(median(rounds.map((r) => r.p50Ms))),
    p99Ms: round2(median(rounds.map((r) => r.p99Ms))),
    errors: rounds.reduce((s, r) => s + r.errors, 0),
    requests,
    maxRssMb: Math.max(...rounds.map((r) => r.maxRssMb)),
    rounds,
  };
  const split = rounds.map((r) => r.split).filter((r): r is RoundSplit => r !== undefined);
  if (split.length > 0) {
    summary.cpuMsPerRequest = {
      gateway: perRequest(split.reduce((s, r) => s + r.cpuMs.gateway, 0), requests),
      systems: perRequest(split.reduce((s, r) => s + r.cpuMs.systems, 0), requests),
    };
    summary.systemsMaxRssMb = Math.max(...split.map((r) => r.systemsMaxRssMb));
  }
  return summary;
}

/** The main thread's `--cpu-prof` file of process `pid` (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile). */
function newestProfile(dir: string, since: number, pid: number | undefined): string | null {
  const candidates = readdirSync(dir)
    .filter((f) => f.startsWith('CPU.') && f.endsWith('.cpuprofile') && f.split('.')[3] === String(pid) && f.split('.')[4] === '0')
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).mtimeMs >= since)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0] ?? null;
}

const SINGLE_PROCESS_NOTES = [
  'All servers (backends, subgraphs, both gateways) run in one forked server process: Continuum\'s gateway reads the in-process store. Both targets therefore share one thread with the subgraphs the same way; RSS is that whole process, not one gateway.',
];

const SPLIT_NOTES = [
  'Split layout: three server processes besides the driver, on the same machine. (1) The systems process holds the clients of the backends, Continuum\'s enforced subgraphs (through startFederation, which also registers them as the active supergraph; the gateway it starts there receives no request), the baseline\'s unenforced copies and, with W4, the federation benchmark\'s subgraphs. (2) The bare gateway process holds bare Apollo Gateway over the baseline\'s subgraphs (and, with W4, over the federation benchmark\'s). (3) The Continuum gateway process holds one gateway replica (startGatewayReplica) on the same database, with the keys and dev identities shared through a temporary folder.',
  'The backends are a fresh PostgreSQL database created for the run and dropped after it (every backend, and the gateway\'s own store: case facts, consents, audit records, registry). The server is not part of the measured processes.',
  'RSS is the peak of the target gateway\'s own process during the run. CPU ms per request is a process\'s CPU time (user + system) from the start to the end of a measured run divided by the requests answered in it; requests still in flight at the end add a little (at most the connections\' worth). "systems" is the systems process during that target\'s runs: the subgraphs\' work, their enforcement for Continuum and the clients of the database.',
  'PostgreSQL\'s own CPU is not measured: it is a separate server, shared with whatever else runs on it. Neither is the driver\'s (autocannon).',
  'All processes and PostgreSQL still share this machine\'s cores, unlike a deployment where gateways, national systems and the database run on separate machines: the gateway processes compete with the systems process and PostgreSQL for CPU.',
];

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const { log } = options;
  const selected = allWorkloads(options.cases).filter((w) => options.workloads.includes(w.id));
  if (selected.length === 0) throw new Error('no workload selected');
  mkdirSync(options.resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const loadavgBefore = loadavg();
  const personas = [...new Set(selected.map((w) => w.persona).filter((p): p is PersonaName => p !== undefined))];
  const notes: string[] = [];
  const federationBenchmark = selected.some((w) => w.id === 'federation-benchmark');
  const execArgv = options.cpuProfProcess ? ['--cpu-prof', '--cpu-prof-dir', options.resultsDir] : [];

  const startedAt = Date.now();
  let servers: ServerSet;
  if (options.split) {
    log(`starting the split layout (${options.cases} cases, a fresh PostgreSQL database; systems, bare gateway and Continuum gateway processes) …`);
    servers = await startSplit({ cases: options.cases, federationBenchmark, postgresUrl: options.split.postgresUrl, personas, execArgv, log });
  } else {
    log(`starting the server process (${options.cases} cases, ${options.databaseUrl ? 'PostgreSQL' : 'in-memory PGlite'}) …`);
    servers = await startSingleProcess({ cases: options.cases, federationBenchmark, databaseUrl: options.databaseUrl, personas, execArgv });
  }
  const reports: WorkloadReport[] = [];
  const profiles: BenchResult['profiles'] = [];
  let processProfile: BenchResult['processProfile'] = null;
  const split: BenchResult['split'] = options.split ? { database: servers.database ?? '', processes: servers.processes.map((p) => ({ ...p, profile: null })) } : undefined;
  try {
    if (servers.layout === 'single-process') log(`server process ${servers.processes[0]?.pid} ready in ${(servers.startupMs / 1000).toFixed(1)} s`);
    else log(`split layout ready in ${(servers.startupMs / 1000).toFixed(1)} s`);
    const settle = async () => {
      const { idle, waitedMs, busy } = await servers.settle(SETTLE_MAX_MS);
      if (!idle) notes.push(`the ${busy.join(' and ')} ${busy.length > 1 ? 'were' : 'was'} still busy after ${waitedMs} ms of settling between runs`);
    };
    const scope = async (workload: Workload) => {
      if (workload.persona && workload.purpose) await servers.scope(workload.persona, workload.purpose);
    };

    // Pre-flight and batching, before any load.
    for (const workload of selected) {
      await scope(workload);
      const report: WorkloadReport = { id: workload.id, title: workload.title, persona: workload.persona ?? null, purpose: workload.purpose ?? null, preflight: {}, batching: null, targets: {}, ratio: null, meetsTargets: null };
      for (const target of workload.targets) {
        const { result, json } = await preflight(urlFor(servers, workload, target), workload.body, headersFor(workload, target, servers.tokens));
        report.preflight[target] = result;
        if (result.status !== 200) throw new Error(`${workload.id} on ${target}: HTTP ${result.status}`);
        if (workload.id === 'federation-benchmark') {
          try {
            deepStrictEqual(json, EXPECTED_RESPONSE);
          } catch (error) {
            throw new Error(`the federation benchmark response differs from expected.json — refusing to measure:\n${(error as Error).message.slice(0, 2000)}`, { cause: error });
          }
          log(`${workload.id}: response equals expected.json (${result.bytes} bytes)`);
        } else if (target === 'baseline' && result.graphqlErrors > 0) {
          throw new Error(`${workload.id} on the baseline answered errors ${JSON.stringify(result.errorCodes)}: the baseline must enforce nothing`);
        } else if (result.refs.length === 0) {
          throw new Error(`${workload.id} on ${target} listed no case`);
        }
      }
      const { baseline, continuum } = report.preflight;
      if (baseline && continuum && JSON.stringify(baseline.refs) !== JSON.stringify(continuum.refs)) {
        throw new Error(`${workload.id}: the targets list different cases (baseline ${baseline.refs.length}, Continuum ${continuum.refs.length})`);
      }
      if (continuum) log(`${workload.id}: both list the same ${continuum.refs.length} case(s); bytes baseline ${baseline?.bytes} / Continuum ${continuum.bytes}; Continuum errors ${JSON.stringify(continuum.errorCodes)}`);
      if (workload.targets.includes('continuum')) report.batching = await measureBatching(servers, workload);
      reports.push(report);
    }

    // One longer warm-up of every workload on every target before the first round: a fresh
    // process keeps getting faster for tens of seconds (JIT tiers, heap sizing), which the
    // per-run warm-up alone left to the first rounds (W1's baseline rose 44 → 92 RPS over five).
    if (options.initialWarmupSec > 0) {
      for (const workload of selected) {
        for (const target of workload.targets) {
          if (target === 'baseline') await scope(workload);
          await load({ url: urlFor(servers, workload, target), body: workload.body, headers: headersFor(workload, target, servers.tokens), connections: options.connections, durationSec: options.initialWarmupSec });
        }
      }
      await settle();
    }

    // Alternating rounds.
    const rounds = new Map<string, RoundResult[]>();
    for (let round = 1; round <= options.rounds; round++) {
      for (const workload of selected) {
        for (const target of workload.targets) {
          if (target === 'baseline') await scope(workload);
          const common = { url: urlFor(servers, workload, target), body: workload.body, headers: headersFor(workload, target, servers.tokens), connections: options.connections };
          if (options.warmupSec > 0) await load({ ...common, durationSec: options.warmupSec });
          await settle();
          const mark = await servers.beginRun(target);
          const result = await load({ ...common, durationSec: options.durationSec });
          const sample = await servers.endRun(mark);
          await settle();
          const entry: RoundResult = { ...result, maxRssMb: sample.maxRssMb };
          let cpuLine = '';
          if (sample.split) {
            const { cpuMs } = sample.split;
            const cpuMsPerRequest = { gateway: perRequest(cpuMs.gateway, result.requests), systems: perRequest(cpuMs.systems, result.requests), otherGateway: perRequest(cpuMs.otherGateway, result.requests) };
            entry.split = { systemsMaxRssMb: sample.split.systemsMaxRssMb, cpuMs, cpuMsPerRequest };
            cpuLine = `  cpu/request gateway ${cpuMsPerRequest.gateway.toFixed(1)} ms systems ${cpuMsPerRequest.systems.toFixed(1)} ms`;
          }
          const key = `${workload.id}|${target}`;
          rounds.set(key, [...(rounds.get(key) ?? []), entry]);
          log(`round ${round}/${options.rounds} ${workload.id.padEnd(20)} ${target.padEnd(9)} ${result.rps.toFixed(1).padStart(8)} rps  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  errors ${result.errors}  rss ${entry.maxRssMb} MB${cpuLine}`);
        }
      }
    }
    for (const report of reports) {
      for (const target of ['baseline', 'continuum'] as const) {
        const list = rounds.get(`${report.id}|${target}`);
        if (list) report.targets[target] = summarise(list);
      }
      const { baseline, continuum } = report.targets;
      if (baseline && continuum) {
        report.ratio = { rps: round2(continuum.rps / baseline.rps), p50: round2(continuum.p50Ms / baseline.p50Ms), p99: round2(continuum.p99Ms / baseline.p99Ms) };
        if (baseline.cpuMsPerRequest && continuum.cpuMsPerRequest) report.ratio.gatewayCpu = round2(baseline.cpuMsPerRequest.gateway / continuum.cpuMsPerRequest.gateway);
        report.meetsTargets = { rps: report.ratio.rps >= TARGETS.minRpsRatio, p99: report.ratio.p99 <= TARGETS.maxP99Ratio };
      }
    }

    if (options.profile) {
      // The single process serves both targets, so the baseline is profiled under the same load to
      // compare with; in the split layout the profiled process is Continuum's gateway alone.
      const profiled: Target[] = servers.layout === 'single-process' ? ['baseline', 'continuum'] : ['continuum'];
      for (const workload of selected.filter((w) => w.targets.includes('continuum'))) {
        for (const target of profiled) {
          const file = join(options.resultsDir, `${stamp}-${target}-${workload.id}.cpuprofile`);
          if (target === 'baseline') await scope(workload);
          await settle();
          await servers.profileStart();
          const result = await load({ url: urlFor(servers, workload, target), body: workload.body, headers: headersFor(workload, target, servers.tokens), connections: options.connections, durationSec: options.durationSec });
          await servers.profileStop(file);
          await settle();
          profiles.push({ workload: workload.id, target, file, summary: summariseProfile(file), rps: result.rps, requests: result.requests });
          log(`profiled ${target} on ${workload.id} (${result.rps.toFixed(1)} rps under the profiler, ${servers.profiledProcess}) → ${file}`);
        }
      }
    }
  } finally {
    await servers.stop();
  }
  if (options.cpuProfProcess) {
    if (split) {
      for (const entry of split.processes) {
        const file = newestProfile(options.resultsDir, startedAt, entry.pid);
        if (file) entry.profile = { file, summary: summariseProfile(file) };
        else notes.push(`--cpu-prof was asked for but no profile of the ${entry.label} was found`);
      }
    } else {
      const file = newestProfile(options.resultsDir, startedAt, servers.processes[0]?.pid);
      if (file) processProfile = { file, summary: summariseProfile(file) };
      else notes.push('--cpu-prof was asked for but no profile was found');
    }
  }

  notes.push(
    ...(split ? SPLIT_NOTES : SINGLE_PROCESS_NOTES),
    'The baseline\'s central copy answers Query.case/cases as the workload\'s persona, so both targets list the same cases; it enforces no field.',
    'Load is generated in the driver process (autocannon) on the same machine.',
  );
  return {
    date: new Date().toISOString(),
    machine: { nproc: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}`, totalMemMb: Math.round(totalmem() / 1048576), loadavgBefore, loadavgAfter: loadavg() },
    options: { cases: options.cases, rounds: options.rounds, durationSec: options.durationSec, warmupSec: options.warmupSec, initialWarmupSec: options.initialWarmupSec, connections: options.connections, workloads: options.workloads, profile: options.profile, cpuProfProcess: options.cpuProfProcess, resultsDir: options.resultsDir, ...(options.databaseUrl && !split ? { databaseUrl: '(set)' } : {}), ...(split ? { split: true as const } : {}) },
    layout: servers.layout,
    store: split ? 'postgres (a fresh database for the run, dropped after)' : options.databaseUrl ? 'postgres (DATABASE_URL)' : 'pglite (in-memory)',
    serverStartupMs: servers.startupMs,
    ...(split ? { split } : {}),
    workloads: reports,
    profiles,
    processProfile,
    notes,
  };
}
