/**
 * Smoke run of the audit store benchmark (bench/audit-store.ts) at tiny sizes: group-commit
 * throughput, chain generation and verification, auditor queries on a small and a "large" data
 * set. It asserts only that every measurement runs and reports numbers — benchmarks are not
 * tests, so there is no timing threshold (figures: docs/BENCHMARKS.md). PostgreSQL parts run
 * when CONTINUUM_TEST_DATABASE_URL names a server (fresh database, dropped afterwards).
 */
import { describe, expect, it } from 'vitest';
import { runAuditStoreBench } from '../../bench/audit/harness.js';
import { QUERY_TYPE_IDS } from '../../bench/audit/queries.js';
import { renderAuditReport } from '../../bench/audit/report.js';
import type { StoreKind } from '../../bench/audit/stores.js';

const postgresUrl = process.env.CONTINUUM_TEST_DATABASE_URL || undefined;
const withPostgres = (stores: StoreKind[]): StoreKind[] => (postgresUrl ? [...stores, 'postgres'] : stores);

describe('audit store bench smoke', () => {
  it('measures throughput, verification and query latency and reports numbers', async () => {
    const result = await runAuditStoreBench({
      sections: ['throughput', 'verification', 'queries'],
      postgresUrl,
      throughput: { stores: withPostgres(['pglite-memory', 'pglite-file']), inFlight: [1, 8], rounds: 1, durationMs: 150, warmupMs: 0, mix: 'typical', maxRecordsPerPhase: 500 },
      verification: {
        runs: [
          { store: 'pglite-memory', records: 300, mix: 'typical' },
          { store: 'pglite-memory', records: 30, mix: 'gateway' },
          ...(postgresUrl ? [{ store: 'postgres' as const, records: 300, mix: 'typical' as const }] : []),
        ],
        batchRows: 100,
        checkpointEvery: 50,
        distinctContents: 100,
      },
      queries: {
        small: 300,
        smallStores: withPostgres(['pglite-memory']),
        large: 1500,
        generatedBase: 600,
        caseRefs: 500,
        run: { maxRuns: 2, minRuns: 1, budgetMs: 100, explainAnalyze: true },
      },
      log: () => {},
    });

    expect(result.throughput.map((t) => t.store)).toEqual(withPostgres(['pglite-memory', 'pglite-file']));
    for (const { result: t } of result.throughput) {
      expect(t.verified.ok).toBe(true);
      expect(t.levels.map((l) => l.inFlight)).toEqual([1, 8]);
      for (const level of t.levels) {
        expect(level.records).toBeGreaterThan(0);
        expect(Number.isFinite(level.recordsPerSec)).toBe(true);
        expect(level.meanBatch).toBeGreaterThanOrEqual(1);
      }
      expect(t.levels[0]?.ratio).toBe(1);
    }

    expect(result.verification.length).toBe(postgresUrl ? 3 : 2);
    for (const { result: v } of result.verification) {
      expect(v.report.ok).toBe(true);
      expect(v.report.records).toBe(v.records);
      expect(v.checkpoints).toBeGreaterThan(0);
      expect(Number.isFinite(v.recordsPerSec)).toBe(true);
    }

    const pglite = result.queries.find((q) => q.storeKind === 'pglite-memory');
    expect(pglite?.data.records).toBe(300);
    expect(pglite?.types.map((t) => t.id)).toEqual(QUERY_TYPE_IDS);
    for (const set of result.queries) {
      for (const t of set.types) {
        expect(t.runs).toBeGreaterThan(0);
        expect(Number.isFinite(t.p50Ms)).toBe(true);
        expect(t.statements.length).toBeGreaterThan(0);
      }
    }
    if (postgresUrl) {
      expect(result.queries.find((q) => q.storeKind === 'postgres' && q.data.records === 1500)?.data.copied).toBe(900);
      expect(result.queryGrowth?.types.map((t) => t.id)).toEqual(QUERY_TYPE_IDS);
      expect(result.queries.some((q) => (q.explain ?? []).some((e) => e.statements.length > 0))).toBe(true);
    } else {
      expect(result.skipped.some((s) => s.includes('needs PostgreSQL'))).toBe(true);
    }
    expect(renderAuditReport(result)).toContain('Group-commit throughput');
  }, 120_000);
});
