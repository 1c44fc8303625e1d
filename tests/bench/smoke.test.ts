/**
 * Smoke run of the benchmark harness: a few seconds, one round, one workload. It asserts only
 * that the harness runs and reports figures for both targets — benchmarks are not tests, so there
 * is no timing threshold here (see docs/BENCHMARKS.md for the measured figures).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from '../../bench/harness.js';
import { expectBothTargetsMeasured, tinyRun } from './tiny.js';
import { renderReport } from '../../bench/report.js';

describe('bench smoke', () => {
  const resultsDir = mkdtempSync(join(tmpdir(), 'continuum-bench-'));
  afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

  it('runs the harness and reports numbers for the baseline and Continuum', async () => {
    const result = await runBench(tinyRun(resultsDir));

    expectBothTargetsMeasured(result.workloads[0]);
    expect(renderReport(result)).toContain('Continuum (all on)');
  }, 180_000);
});
