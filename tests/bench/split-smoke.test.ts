/**
 * Smoke run of the benchmark's split layout (`npm run bench -- --split`): systems, bare Apollo
 * Gateway and Continuum's gateway each in their own process over a throw-away PostgreSQL database.
 * It asserts only that the layout runs and reports numbers for both targets — each gateway's own
 * RSS and CPU per request, batching still counted across processes — with no timing threshold
 * (benchmarks are not tests). Needs a server, so it runs when CONTINUUM_TEST_DATABASE_URL names
 * one (CI always does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../bench/harness.js';
import { expectBothTargetsMeasured, tinyRun } from './tiny.js';
import { renderReport } from '../../bench/report.js';

const postgresUrl = process.env.CONTINUUM_TEST_DATABASE_URL || undefined;

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rows.length > 0;
  } finally {
    await client.end();
  }
}

describe.skipIf(!postgresUrl)('bench smoke, split layout', () => {
  // Made here, not in the describe body, which runs even when the suite is skipped.
  let resultsDir = '';
  beforeAll(() => {
    resultsDir = mkdtempSync(join(tmpdir(), 'continuum-bench-split-results-'));
  });
  afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

  it('runs each gateway in its own process and reports its RSS and CPU per request', async () => {
    const result = await runBench(tinyRun(resultsDir, { split: { postgresUrl: postgresUrl as string } }));

    expect(result.layout).toBe('split');
    expect(result.split?.processes.map((p) => p.label)).toEqual(['systems process', 'bare gateway process', 'Continuum gateway process']);
    const [workload] = result.workloads;
    expectBothTargetsMeasured(workload);
    for (const target of ['baseline', 'continuum'] as const) expect(Number.isFinite(workload?.targets[target]?.cpuMsPerRequest?.gateway)).toBe(true);
    expect(Number.isFinite(workload?.ratio?.gatewayCpu)).toBe(true);
    expect(renderReport(result)).toContain('gw CPU ms/req');
    // The run's database is dropped afterwards.
    expect(result.split?.database).toMatch(/^continuum_bench_/);
    expect(await databaseExists(result.split?.database ?? '')).toBe(false);
  }, 240_000);
});
