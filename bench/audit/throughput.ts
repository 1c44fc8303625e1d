/**
 * Group-commit throughput: `inFlight` concurrent appenders, each awaiting its record's commit
 * before appending the next, through `AuditWriter.append` (content hash, queue, one statement per
 * batch, checkpoints every 1000 records — the writer's defaults). In-flight 1 is the baseline:
 * one record per commit, no grouping possible. Levels run in rounds (1, 8, 64, 256, then
 * again) so drift on a shared machine hits every level alike; ratios are against the baseline.
 */
import { AuditWriter, verifyChain, type AuditContent, type AuditKeys } from '../../audit/index.js';
import type { Db } from '../../store/index.js';
import { recordGenerator, type Mix } from './content.js';

export interface ThroughputOptions {
  inFlight: readonly number[];
  rounds: number;
  durationMs: number;
  warmupMs: number;
  mix: Mix;
  /** Stop a phase after this many records even if time is left (a bound, not a target). */
  maxRecordsPerPhase: number;
}

export interface PhaseResult {
  inFlight: number;
  round: number;
  records: number;
  ms: number;
  recordsPerSec: number;
  batches: number;
  meanBatch: number;
  appendP50Ms: number;
  appendP99Ms: number;
}

export interface LevelResult {
  inFlight: number;
  records: number;
  ms: number;
  recordsPerSec: number;
  /** recordsPerSec / the baseline's (in-flight 1), same store, same run. */
  ratio: number;
  /** writer.stats: records written / transactions committed. */
  meanBatch: number;
  appendP50Ms: number;
  appendP99Ms: number;
}

export interface ThroughputResult {
  mix: Mix;
  meanContentBytes: number;
  levels: LevelResult[];
  phases: PhaseResult[];
  /** The chain the writer wrote during the measurement, verified afterwards. */
  verified: { ok: boolean; records: number; checkpoints: number };
}

export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
};
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** A pool of prepared records, cycled: building them is the gateway's work, not the writer's. */
function recordPool(mix: Mix, size: number): { next(): AuditContent; meanBytes: number } {
  const generate = recordGenerator(7, mix);
  const pool = Array.from({ length: size }, () => generate());
  const meanBytes = pool.reduce((n, r) => n + JSON.stringify(r).length, 0) / size;
  let i = 0;
  return {
    next: () => {
      const record = pool[i++ % size] as AuditContent;
      return { ...record, time: new Date().toISOString() };
    },
    meanBytes,
  };
}

async function phase(writer: AuditWriter, next: () => AuditContent, inFlight: number, durationMs: number, maxRecords: number) {
  const before = { written: writer.stats.written, batches: writer.stats.batches };
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  let issued = 0;
  const appender = async () => {
    while (performance.now() < deadline && issued < maxRecords) {
      issued++;
      const t = performance.now();
      await writer.append(next());
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, appender));
  const ms = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const records = writer.stats.written - before.written;
  const batches = writer.stats.batches - before.batches;
  return { records, ms, batches, appendP50Ms: percentile(latencies, 50), appendP99Ms: percentile(latencies, 99) };
}

export async function measureThroughput(db: Db, keys: AuditKeys, options: ThroughputOptions, log: (line: string) => void = () => {}): Promise<ThroughputResult> {
  const pool = recordPool(options.mix, 2048);
  const writer = new AuditWriter(db, keys);
  const phases: PhaseResult[] = [];
  try {
    if (options.warmupMs > 0) await phase(writer, pool.next, 8, options.warmupMs, options.maxRecordsPerPhase);
    for (let round = 1; round <= options.rounds; round++) {
      for (const inFlight of options.inFlight) {
        const p = await phase(writer, pool.next, inFlight, options.durationMs, options.maxRecordsPerPhase);
        const result: PhaseResult = {
          inFlight,
          round,
          records: p.records,
          ms: Math.round(p.ms),
          recordsPerSec: Math.round(p.records / (p.ms / 1000)),
          batches: p.batches,
          meanBatch: round1(p.records / Math.max(1, p.batches)),
          appendP50Ms: round2(p.appendP50Ms),
          appendP99Ms: round2(p.appendP99Ms),
        };
        phases.push(result);
        log(`  round ${round}, ${inFlight} in flight: ${result.recordsPerSec} records/s, mean batch ${result.meanBatch}, append p50 ${result.appendP50Ms} ms`);
      }
    }
  } finally {
    await writer.close();
  }
  const report = await verifyChain(db, keys.publicKey);
  const levels = options.inFlight.map((inFlight) => {
    const mine = phases.filter((p) => p.inFlight === inFlight);
    const records = mine.reduce((n, p) => n + p.records, 0);
    const ms = mine.reduce((n, p) => n + p.ms, 0);
    const batches = mine.reduce((n, p) => n + p.batches, 0);
    return {
      inFlight,
      records,
      ms,
      recordsPerSec: Math.round(records / (ms / 1000)),
      ratio: 0,
      meanBatch: round1(records / Math.max(1, batches)),
      appendP50Ms: round2(mine.map((p) => p.appendP50Ms).sort((a, b) => a - b)[Math.floor(mine.length / 2)] ?? Number.NaN),
      appendP99Ms: round2(Math.max(...mine.map((p) => p.appendP99Ms))),
    };
  });
  const baseline = levels.find((l) => l.inFlight === 1) ?? levels[0];
  for (const level of levels) level.ratio = baseline ? round2(level.recordsPerSec / baseline.recordsPerSec) : Number.NaN;
  return {
    mix: options.mix,
    meanContentBytes: Math.round(pool.meanBytes),
    levels,
    phases,
    verified: { ok: report.ok, records: report.records, checkpoints: report.checkpoints },
  };
}
