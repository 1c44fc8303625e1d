/**
 * The smallest run of the benchmark harness that still measures both targets: what the smoke
 * tests of both layouts run (a few seconds, one workload, no warm-up).
 */
import type { BenchOptions } from '../../bench/harness.js';

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
