/**
 * Smoke run of the statistics benchmark (bench/statistics.ts) at tiny sizes: the embedded
 * federation seeded twice, every declared question asked over HTTP, the hub's share measured
 * apart, and the report rendered. Benchmarks are not tests: no timing threshold here (figures:
 * docs/BENCHMARKS.md § Statistics).
 */
import { describe, expect, it } from 'vitest';
import { QUESTIONS, renderStatisticsReport, runStatisticsBench } from '../../bench/statistics/harness.js';

describe('statistics bench smoke', () => {
  it('measures every question at every size and reports numbers', async () => {
    const results = await runStatisticsBench({ sizes: [200, 400], runs: 1 });
    expect(results.map((r) => r.cases)).toEqual([200, 400]);
    for (const result of results) {
      expect(result.questions.map((q) => q.question)).toEqual(QUESTIONS.map((q) => q.name));
      for (const q of result.questions) {
        expect(Number.isFinite(q.medianMs)).toBe(true);
        expect(Number.isFinite(q.cpuMs)).toBe(true);
        expect(q.cells).toBeGreaterThan(0);
      }
      expect(Number.isFinite(result.hubMs)).toBe(true);
    }
    const report = renderStatisticsReport(results);
    expect(report.split('\n')).toHaveLength(2 + 2 * (QUESTIONS.length + 1));
  }, 120_000);
});
