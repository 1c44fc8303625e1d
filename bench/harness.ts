/**
 * The benchmark harness: one server process with one set of backends, then in the same run
 * - a pre-flight per workload and target (answers present, the same cases listed by both, the
 *   federation benchmark's response exactly as published);
 * - batching: subgraph fetches and backend queries for one request, against the query plan;
 * - rounds alternating baseline and Continuum (A B A B …), each a warm-up then a measured
 *   autocannon run at fixed connections, with the server process's peak RSS;
 * - optionally a CPU profile of Continuum under load.
 * `bench/main.ts` is the command line; the smoke test calls `runBench` with tiny durations.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { PersonaName } from '../auth/dev-identities.js';
import { EXPECTED_RESPONSE } from './federation-benchmark/data.js';
import { load, type LoadResult } from './load.js';
import { summariseProfile, type ProfileSummary } from './profile.js';
import type { CallCounts, CountsSnapshot, MemorySample, PlanFetches, Target } from './protocol.js';
import { ServerProcess } from './server/process.js';
import { workloads as allWorkloads, type Workload, type WorkloadId } from './workloads.js';

export interface BenchOptions {
  cases: number;
  rounds: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
  workloads: readonly WorkloadId[];
  databaseUrl?: string;
  /** Profile Continuum under load (inspector CPU profiler, one run per workload 1–3). */
  profile: boolean;
  /** Also start the server process under `node --cpu-prof` (whole-run profile, written at exit). */
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

export interface TargetSummary {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
  maxRssMb: number;
  rounds: (LoadResult & { maxRssMb: number })[];
}

export interface WorkloadReport {
  id: WorkloadId;
  title: string;
  persona: string | null;
  purpose: string | null;
  preflight: Partial<Record<Target, PreflightResult>>;
  batching: BatchingReport | null;
  targets: Partial<Record<Target, TargetSummary>>;
  ratio: { rps: number; p50: number; p99: number } | null;
  meetsTargets: { rps: boolean; p99: boolean } | null;
}

export interface BenchResult {
  date: string;
  machine: { nproc: number; cpuModel: string; node: string; platform: string; totalMemMb: number; loadavgBefore: number[]; loadavgAfter: number[] };
  options: Omit<BenchOptions, 'log'>;
  store: 'pglite (in-memory)' | 'postgres (DATABASE_URL)';
  serverStartupMs: number;
  workloads: WorkloadReport[];
  profiles: { workload: WorkloadId; file: string; summary: ProfileSummary }[];
  processProfile: { file: string; summary: ProfileSummary } | null;
  notes: string[];
}

/** Targets from issue 6, for workloads 1–3. */
export const TARGETS = { minRpsRatio: 0.9, maxP99Ratio: 1.25 };

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

function urlFor(server: ServerProcess, workload: Workload, target: Target): string {
  const { urls } = server.ready;
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

async function measureBatching(server: ServerProcess, workload: Workload): Promise<BatchingReport> {
  const send = (target: Target) => fetch(urlFor(server, workload, target), { method: 'POST', headers: { 'content-type': 'application/json', ...headersFor(workload, target, server.ready.tokens) }, body: workload.body }).then((r) => r.text());
  await server.request({ type: 'capture-plans', on: true });
  try {
    const before = await server.request<CountsSnapshot>({ type: 'counts' });
    await send('continuum');
    const middle = await server.request<CountsSnapshot>({ type: 'counts' });
    await send('baseline');
    const after = await server.request<CountsSnapshot>({ type: 'counts' });
    const plans = await server.request<PlanFetches>({ type: 'plans' });
    const continuum = costs(diff(before.continuum, middle.continuum), plans.continuum[workload.operationName] ?? {});
    const baseline = costs(diff(middle.baseline, after.baseline), plans.baseline[workload.operationName] ?? {});
    const minimal = [...Object.values(continuum), ...Object.values(baseline)].every((c) => c.minimal);
    return { continuum, baseline, continuumGatewayStoreQueries: middle.continuumGatewayStore - before.continuumGatewayStore, minimal };
  } finally {
    await server.request({ type: 'capture-plans', on: false });
  }
}

function summarise(rounds: (LoadResult & { maxRssMb: number })[]): TargetSummary {
  const requests = rounds.reduce((s, r) => s + r.requests, 0);
  const duration = rounds.reduce((s, r) => s + r.durationSec, 0);
  return {
    rps: round2(requests / (duration || 1)),
    p50Ms: round2(median(rounds.map((r) => r.p50Ms))),
    p99Ms: round2(median(rounds.map((r) => r.p99Ms))),
    errors: rounds.reduce((s, r) => s + r.errors, 0),
    requests,
    maxRssMb: Math.max(...rounds.map((r) => r.maxRssMb)),
    rounds,
  };
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

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const { log } = options;
  const selected = allWorkloads(options.cases).filter((w) => options.workloads.includes(w.id));
  if (selected.length === 0) throw new Error('no workload selected');
  mkdirSync(options.resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const loadavgBefore = loadavg();
  const personas = [...new Set(selected.map((w) => w.persona).filter((p): p is PersonaName => p !== undefined))];
  const notes: string[] = [];

  const startedAt = Date.now();
  log(`starting the server process (${options.cases} cases, ${options.databaseUrl ? 'PostgreSQL' : 'in-memory PGlite'}) …`);
  const server = await ServerProcess.start(
    { cases: options.cases, federationBenchmark: selected.some((w) => w.id === 'federation-benchmark'), databaseUrl: options.databaseUrl, personas },
    options.cpuProfProcess ? ['--cpu-prof', '--cpu-prof-dir', options.resultsDir] : [],
  );
  const reports: WorkloadReport[] = [];
  const profiles: BenchResult['profiles'] = [];
  let processProfile: BenchResult['processProfile'] = null;
  const serverPid = server.pid;
  try {
    log(`server process ${server.pid} ready in ${(server.ready.startupMs / 1000).toFixed(1)} s`);
    const settle = async () => {
      const { idle, waitedMs } = await server.request<{ idle: boolean; waitedMs: number }>({ type: 'idle', maxMs: SETTLE_MAX_MS }, SETTLE_MAX_MS + 10_000);
      if (!idle) notes.push(`the server process was still busy after ${waitedMs} ms of settling between runs`);
    };
    const scope = async (workload: Workload) => {
      if (workload.persona && workload.purpose) await server.request({ type: 'scope', persona: workload.persona, purpose: workload.purpose });
    };

    // Pre-flight and batching, before any load.
    for (const workload of selected) {
      await scope(workload);
      const report: WorkloadReport = { id: workload.id, title: workload.title, persona: workload.persona ?? null, purpose: workload.purpose ?? null, preflight: {}, batching: null, targets: {}, ratio: null, meetsTargets: null };
      for (const target of workload.targets) {
        const { result, json } = await preflight(urlFor(server, workload, target), workload.body, headersFor(workload, target, server.ready.tokens));
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
      if (workload.targets.includes('continuum')) report.batching = await measureBatching(server, workload);
      reports.push(report);
    }

    // Alternating rounds.
    const rounds = new Map<string, (LoadResult & { maxRssMb: number })[]>();
    for (let round = 1; round <= options.rounds; round++) {
      for (const workload of selected) {
        for (const target of workload.targets) {
          if (target === 'baseline') await scope(workload);
          const common = { url: urlFor(server, workload, target), body: workload.body, headers: headersFor(workload, target, server.ready.tokens), connections: options.connections };
          if (options.warmupSec > 0) await load({ ...common, durationSec: options.warmupSec });
          await settle();
          await server.request<MemorySample>({ type: 'memory', reset: true });
          const result = await load({ ...common, durationSec: options.durationSec });
          const memory = await server.request<MemorySample>({ type: 'memory', reset: false });
          await settle();
          const entry = { ...result, maxRssMb: Math.round(memory.maxRssBytes / 1048576) };
          const key = `${workload.id}|${target}`;
          rounds.set(key, [...(rounds.get(key) ?? []), entry]);
          log(`round ${round}/${options.rounds} ${workload.id.padEnd(20)} ${target.padEnd(9)} ${result.rps.toFixed(1).padStart(8)} rps  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  errors ${result.errors}  rss ${entry.maxRssMb} MB`);
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
        report.meetsTargets = { rps: report.ratio.rps >= TARGETS.minRpsRatio, p99: report.ratio.p99 <= TARGETS.maxP99Ratio };
      }
    }

    if (options.profile) {
      for (const workload of selected.filter((w) => w.targets.includes('continuum'))) {
        const file = join(options.resultsDir, `${stamp}-continuum-${workload.id}.cpuprofile`);
        await settle();
        await server.request({ type: 'profile-start' });
        const result = await load({ url: urlFor(server, workload, 'continuum'), body: workload.body, headers: headersFor(workload, 'continuum', server.ready.tokens), connections: options.connections, durationSec: options.durationSec });
        await server.request({ type: 'profile-stop', path: file });
        await settle();
        profiles.push({ workload: workload.id, file, summary: summariseProfile(file) });
        log(`profiled Continuum on ${workload.id} (${result.rps.toFixed(1)} rps under the profiler) → ${file}`);
      }
    }
  } finally {
    await server.stop();
  }
  if (options.cpuProfProcess) {
    const file = newestProfile(options.resultsDir, startedAt, serverPid);
    if (file) processProfile = { file, summary: summariseProfile(file) };
    else notes.push('--cpu-prof was asked for but no profile was found');
  }

  notes.push(
    'All servers (backends, subgraphs, both gateways) run in one forked server process: Continuum\'s gateway reads the in-process store. Both targets therefore share one thread with the subgraphs the same way; RSS is that whole process, not one gateway.',
    'The baseline\'s central copy answers Query.case/cases as the workload\'s persona, so both targets list the same cases; it enforces no field.',
    'Load is generated in the driver process (autocannon) on the same machine.',
  );
  return {
    date: new Date().toISOString(),
    machine: { nproc: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}`, totalMemMb: Math.round(totalmem() / 1048576), loadavgBefore, loadavgAfter: loadavg() },
    options: { cases: options.cases, rounds: options.rounds, durationSec: options.durationSec, warmupSec: options.warmupSec, connections: options.connections, workloads: options.workloads, profile: options.profile, cpuProfProcess: options.cpuProfProcess, resultsDir: options.resultsDir, ...(options.databaseUrl ? { databaseUrl: '(set)' } : {}) },
    store: options.databaseUrl ? 'postgres (DATABASE_URL)' : 'pglite (in-memory)',
    serverStartupMs: server.ready.startupMs,
    workloads: reports,
    profiles,
    processProfile,
    notes,
  };
}
