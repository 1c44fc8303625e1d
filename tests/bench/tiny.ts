/**
 * The smallest run of the benchmark harness that still measures both targets: what the smoke
 * tests of both layouts run (a few seconds, one workload, no warm-up), and what both check.
 */
import { expect } from 'vitest';
import type { BenchOptions, WorkloadReport } from '../../bench/harness.js';

export function tinyRun(resultsDir: string, layout: Pick<BenchOptions, 'split'> = {}): BenchOptions {
  return {
    cases: 300,
    rounds: 1,
    durationSec: 1,
    warmupSec: 0,
    initialWarmupSec: 0,
    connections: 2,
    workloads: ['case'],
    ...layout,
    profile: false,
    cpuProfProcess: false,
    resultsDir,
    log: () => {},
  };
}

/** What both layouts' smoke runs must report for each target: requests answered, RPS, p99, RSS. */
export function expectBothTargetsMeasured(workload: WorkloadReport | undefined): void {
  expect(workload?.id).toBe('case');
  for (const target of ['baseline', 'continuum'] as const) {
    const summary = workload?.targets[target];
    expect(summary?.requests).toBeGreaterThan(0);
    expect(Number.isFinite(summary?.rps)).toBe(true);
    expect(Number.isFinite(summary?.p99Ms)).toBe(true);
    expect(summary?.maxRssMb).toBeGreaterThan(0);
  }
  expect(Number.isFinite(workload?.ratio?.rps)).toBe(true);
  expect(workload?.batching?.continuum.central?.fetches).toBe(1);
}
