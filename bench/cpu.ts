/**
 * `npm run bench:cpu`: what one request costs each target in CPU time, without load.
 *
 * The same servers as `npm run bench` (backends, subgraphs and both gateways in one process, this
 * one), but requests go one at a time, in interleaved batches (bare, Continuum, bare, …) so that
 * drift hits both targets alike, and the figure is this process's CPU time per request. On a
 * shared machine that is far steadier than throughput, and on one saturated thread the ratio of
 * CPU per request is close to the ratio of requests per second. It is the figure to watch while
 * optimising; `npm run bench` remains the measurement of record (docs/BENCHMARKS.md).
 *
 *   npm run bench:cpu -- [--cases 2000] [--rounds 8] [--batch 10] [--workloads case,programme-page]
 *                        [--profile DIR] [--floor]
 *
 * `--floor` also measures the work Continuum's guarantees cannot do without (./floor.ts) and sets
 * it against what 0.9× of bare Apollo Gateway's cost leaves. DATABASE_URL (a throw-away database:
 * the run seeds it and writes audit records) puts the stores on PostgreSQL instead of PGlite.
 *
 * `--profile DIR` also writes one V8 CPU profile per target and workload (60 requests each) and
 * prints the functions where Continuum spends more than bare Apollo Gateway, per request.
 */
import '../gateway/airgap.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { createDevIdentities, issueDevToken } from '../auth/dev-identities.js';
import { startFederation } from '../gateway/embedded.js';
import { openDb } from '../store/index.js';
import type { AuditContent } from '../audit/index.js';
import { measureFloor, type FloorResult } from './floor.js';
import { selfTimePerFunction } from './profile.js';
import { startBareGateway } from './server/bareGateway.js';
import { startBaselineSystems } from './server/baselineSystems.js';
import { WORKLOAD_IDS, workloads as allWorkloads, type WorkloadId } from './workloads.js';

export interface CpuOptions {
  cases: number;
  rounds: number;
  /** Requests per target per round. */
  batch: number;
  workloads: WorkloadId[];
  /** Write CPU profiles here and compare them. */
  profileDir?: string | undefined;
  /** Also measure the floor: the store and signature work Continuum's guarantees need (./floor.ts). */
  floor?: boolean;
  /** Operations per floor figure (200; the smoke test uses a few). */
  floorRepeat?: number;
  /** A PostgreSQL database to use instead of in-memory PGlite (a throw-away one: the run writes to it). */
  databaseUrl?: string | undefined;
  log?: (line: string) => void;
}

export interface CpuResult {
  workload: WorkloadId;
  /** CPU milliseconds per request. */
  bareMs: number;
  continuumMs: number;
  /** bare / Continuum: the share of bare Apollo Gateway's throughput Continuum would reach on one saturated thread. */
  ratio: number;
  /**
   * Main-thread milliseconds per request (event-loop utilisation): CPU time minus what ran on
   * other threads (the thread pool's crypto and compression jobs, V8's concurrent GC and
   * compilers). On a saturated main thread with spare cores this, not CPU time, bounds throughput.
   */
  bareMainMs: number;
  continuumMainMs: number;
  /** bare / Continuum main-thread time per request. */
  mainRatio: number;
  /** With `profileDir`: where Continuum spends more, in ms per request (self time). */
  extra?: { function: string; ms: number }[];
  /** With `floor`: the work enforcement and audit cannot do without, per request. */
  floor?: FloorResult;
}

const PROFILED_REQUESTS = 60;

export async function measureCpu(options: CpuOptions): Promise<CpuResult[]> {
  const log = options.log ?? (() => {});
  const db = await openDb({ url: options.databaseUrl });
  const identities = await createDevIdentities();
  const federation = await startFederation({ db, trust: identities.trust, seedCases: options.cases, logLevel: 'silent', subgraphPortBase: 0, gatewayPort: 0 });
  const baseline = await startBaselineSystems(db);
  const bare = await startBareGateway(baseline.supergraphSdl);
  const results: CpuResult[] = [];
  try {
    for (const workload of allWorkloads(options.cases).filter((w) => options.workloads.includes(w.id))) {
      if (!workload.targets.includes('continuum') || !workload.persona || !workload.purpose) continue;
      baseline.scope(workload.persona, workload.purpose);
      const token = await issueDevToken(identities, workload.persona, { ttlSeconds: 3600 });
      const targets = {
        bare: { url: bare.url, headers: {} as Record<string, string> },
        continuum: { url: federation.gateway.url, headers: { authorization: `Bearer ${token}`, 'x-purpose': workload.purpose } },
      };
      const send = async (target: keyof typeof targets) => {
        const response = await fetch(targets[target].url, { method: 'POST', headers: { 'content-type': 'application/json', ...targets[target].headers }, body: workload.body });
        await response.text();
        if (!response.ok) throw new Error(`${target} answered HTTP ${response.status} on ${workload.id}`);
      };
      // Warm-up: plans, caches and the JIT, for both.
      for (let i = 0; i < 15; i++) for (const target of ['bare', 'continuum'] as const) await send(target);
      const spent = { bare: 0, continuum: 0 };
      const main = { bare: 0, continuum: 0 };
      for (let round = 0; round < options.rounds; round++) {
        for (const target of ['bare', 'continuum'] as const) {
          const before = process.cpuUsage();
          const loop = performance.eventLoopUtilization();
          for (let i = 0; i < options.batch; i++) await send(target);
          const used = process.cpuUsage(before);
          spent[target] += (used.user + used.system) / 1000;
          main[target] += performance.eventLoopUtilization(loop).active;
        }
      }
      const requests = options.rounds * options.batch;
      const result: CpuResult = {
        workload: workload.id,
        bareMs: spent.bare / requests,
        continuumMs: spent.continuum / requests,
        ratio: spent.bare / spent.continuum,
        bareMainMs: main.bare / requests,
        continuumMainMs: main.continuum / requests,
        mainRatio: main.bare / main.continuum,
      };
      if (options.profileDir) {
        mkdirSync(options.profileDir, { recursive: true });
        const files: Record<string, string> = {};
        for (const target of ['bare', 'continuum'] as const) {
          const session = new Session();
          session.connect();
          await session.post('Profiler.enable');
          await session.post('Profiler.start');
          for (let i = 0; i < PROFILED_REQUESTS; i++) await send(target);
          const { profile } = await session.post('Profiler.stop');
          session.disconnect();
          files[target] = join(options.profileDir, `cpu-${workload.id}-${target}.cpuprofile`);
          writeFileSync(files[target], JSON.stringify(profile));
        }
        const continuum = selfTimePerFunction(files.continuum!);
        const bareSelf = selfTimePerFunction(files.bare!);
        result.extra = [...continuum.entries()]
          .map(([name, ms]) => ({ function: name, ms: (ms - (bareSelf.get(name) ?? 0)) / PROFILED_REQUESTS }))
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 25);
      }
      if (options.floor) {
        const fetchesBefore = [...federation.systems.values()].reduce((n, s) => n + s.subgraph.stats.requests, 0);
        await send('continuum');
        const fetches = [...federation.systems.values()].reduce((n, s) => n + s.subgraph.stats.requests, 0) - fetchesBefore;
        // The response left after its record was durable: the newest record is this request's.
        const [row] = await db.query<{ body: string | null }>('SELECT body FROM audit.record ORDER BY seq DESC LIMIT 1');
        if (!row?.body) throw new Error('no audit record after a Continuum request');
        const record = JSON.parse(row.body) as AuditContent;
        result.floor = await measureFloor(federation, db, record, fetches, options.floorRepeat);
      }
      log(
        `${workload.id}: bare ${result.bareMs.toFixed(1)} ms, Continuum ${result.continuumMs.toFixed(1)} ms CPU per request (bare/Continuum ${result.ratio.toFixed(2)}); ` +
          `main thread ${result.bareMainMs.toFixed(1)} / ${result.continuumMainMs.toFixed(1)} ms (${result.mainRatio.toFixed(2)})`,
      );
      results.push(result);
    }
  } finally {
    await bare.close().catch(() => {});
    await baseline.close().catch(() => {});
    await federation.close().catch(() => {});
    await db.close().catch(() => {});
  }
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '2000' },
      rounds: { type: 'string', default: '8' },
      batch: { type: 'string', default: '10' },
      workloads: { type: 'string', default: 'case,programme-page,partner-care' },
      profile: { type: 'string' },
      floor: { type: 'boolean', default: false },
    },
  });
  const positive = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${text}`);
    return n;
  };
  const workloads = values.workloads.split(',').map((w) => w.trim());
  for (const w of workloads) if (!(WORKLOAD_IDS as readonly string[]).includes(w)) throw new Error(`unknown workload ${w}; choose from ${WORKLOAD_IDS.join(', ')}`);
  console.log(`NODE_ENV=${process.env.NODE_ENV ?? '(unset)'}; one process holds backends, subgraphs and both gateways; sequential requests`);
  const results = await measureCpu({
    cases: positive('cases', values.cases),
    rounds: positive('rounds', values.rounds),
    batch: positive('batch', values.batch),
    workloads: workloads as WorkloadId[],
    profileDir: values.profile ? resolve(values.profile) : undefined,
    floor: values.floor,
    databaseUrl: process.env.DATABASE_URL || undefined,
    log: (line) => console.log(line),
  });
  for (const result of results) {
    const floor = result.floor;
    if (!floor) continue;
    const ms = (c: { cpuMs: number; loopMs: number }) => `${c.cpuMs.toFixed(2).padStart(6)} ms CPU ${c.loopMs.toFixed(2).padStart(6)} ms event loop`;
    console.log(`\n${result.workload}: the floor (${floor.cases} case(s), ${floor.fetches} subgraph fetches, a ${floor.recordBytes} B audit record)`);
    console.log(`  facts and consents read        ${ms(floor.facts)}   (from the store: a cache miss)`);
    if (floor.factsCached) console.log(`  facts from the facts cache     ${ms(floor.factsCached)}`);
    console.log(`  audit append, one at a time    ${ms(floor.auditAppend)}   (of which the canonical hash ${floor.recordHash.cpuMs.toFixed(2)} ms)`);
    console.log(`  context token sign + verify    ${ms({ cpuMs: floor.tokenSign.cpuMs + floor.tokenVerify.cpuMs, loopMs: floor.tokenSign.loopMs + floor.tokenVerify.loopMs })}   × ${floor.fetches}`);
    console.log(`  floor per request              ${ms(floor.total)}`);
    console.log(`  0.9× of bare leaves            ${(result.bareMs / 0.9 - result.bareMs).toFixed(2).padStart(6)} ms CPU ${(result.bareMainMs / 0.9 - result.bareMainMs).toFixed(2).padStart(6)} ms event loop for all of enforcement and audit`);
  }
  for (const result of results) {
    if (!result.extra) continue;
    console.log(`\n${result.workload}: where Continuum spends more than bare Apollo Gateway (self time, ms per request)`);
    for (const { function: name, ms } of result.extra) console.log(`  ${ms.toFixed(2).padStart(6)}  ${name}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
