/**
 * Smoke run of `npm run bench:cpu`: a handful of sequential requests per target. It asserts only
 * that the tool runs and reports CPU per request for both targets, and a comparison when asked to
 * profile — no timing threshold (benchmarks are not tests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureCpu } from '../../bench/cpu.js';

describe('bench:cpu smoke', () => {
  const profileDir = mkdtempSync(join(tmpdir(), 'continuum-bench-cpu-'));
  afterAll(() => rmSync(profileDir, { recursive: true, force: true }));

  it('reports CPU per request for bare Apollo Gateway and Continuum, where Continuum spends more, and the floor', async () => {
    const [result] = await measureCpu({ cases: 300, rounds: 1, batch: 2, workloads: ['case'], profileDir, floor: true, floorRepeat: 3 });

    expect(result?.workload).toBe('case');
    expect(result?.bareMs).toBeGreaterThan(0);
    expect(result?.continuumMs).toBeGreaterThan(0);
    expect(Number.isFinite(result?.ratio)).toBe(true);
    expect(result?.continuumMainMs).toBeGreaterThan(0);
    expect(result?.extra?.length).toBeGreaterThan(0);
    // The floor: one case, every system's fetch, one record; each part measured.
    expect(result?.floor?.cases).toBe(1);
    expect(result?.floor?.fetches).toBeGreaterThan(1);
    for (const part of ['facts', 'auditAppend', 'tokenSign', 'tokenVerify', 'total'] as const) expect(result?.floor?.[part].cpuMs).toBeGreaterThan(0);
  });
});
