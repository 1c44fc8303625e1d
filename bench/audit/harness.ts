/**
 * The audit store benchmark (issue 6, item 4), in one run:
 * 1. group-commit throughput through AuditWriter.append at several records in flight, against one
 *    record per transaction, on in-memory PGlite, file-backed PGlite and PostgreSQL;
 * 2. chain verification speed (verifyChain) on a bulk-generated valid chain — 1M records on
 *    PostgreSQL, fewer on PGlite;
 * 3. auditor query latency through the API's resolvers on 10k records and on 10M (PostgreSQL).
 * PostgreSQL parts run on a fresh database created on the server named by DATABASE_URL or
 * CONTINUUM_TEST_DATABASE_URL, dropped afterwards; they are skipped, with a note, without one.
 * `bench/audit-store.ts` is the command line; the smoke test calls `runAuditStoreBench` with tiny sizes.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { generateAuditKeys, type AuditKeys } from '../../audit/index.js';
import type { Mix } from './content.js';
import { QUERY_DISTRIBUTION } from './bulk.js';
import { measureQueries, prepareQueryData, QUERY_TYPE_IDS, type QueryRunOptions, type QuerySetResult, type QueryTypeId } from './queries.js';
import { STORE_LABELS, withBenchStore, type StoreKind } from './stores.js';
import { measureThroughput, type ThroughputOptions, type ThroughputResult } from './throughput.js';
import { measureVerification, type VerificationResult } from './verification.js';

export type Section = 'throughput' | 'verification' | 'queries';
export const SECTIONS: readonly Section[] = ['throughput', 'verification', 'queries'];

export interface AuditBenchOptions {
  sections: readonly Section[];
  /** A PostgreSQL server to create throw-away databases on; PostgreSQL parts are skipped without. */
  postgresUrl?: string | undefined;
  throughput: ThroughputOptions & { stores: readonly StoreKind[] };
  verification: {
    runs: readonly { store: StoreKind; records: number; mix: Mix }[];
    batchRows: number;
    checkpointEvery: number;
    distinctContents: number;
  };
  queries: {
    /** The small data set, measured on every store listed in smallStores. */
    small: number;
    smallStores: readonly StoreKind[];
    /** The large data set, PostgreSQL only. */
    large: number;
    /** Records generated for a data set; beyond that, copies (see bench/audit/bulk.ts). */
    generatedBase: number;
    caseRefs: number;
    run: QueryRunOptions;
  };
  log(line: string): void;
}

export interface QueryComparison {
  id: QueryTypeId;
  small: { p50Ms: number; p95Ms: number };
  large: { p50Ms: number; p95Ms: number };
  ratioP50: number;
  ratioP95: number;
}

export interface AuditBenchResult {
  date: string;
  durationMs: number;
  machine: { nproc: number; cpuModel: string; node: string; platform: string; totalMemMb: number; loadavgBefore: number[]; loadavgAfter: number[] };
  options: Omit<AuditBenchOptions, 'log' | 'postgresUrl'> & { postgres: boolean };
  postgresSettings: Record<string, string> | null;
  sectionMs: Partial<Record<Section, number>>;
  throughput: { store: StoreKind; label: string; result: ThroughputResult }[];
  verification: { store: StoreKind; label: string; result: VerificationResult }[];
  queries: (QuerySetResult & { storeKind: StoreKind })[];
  /** Small against large, both on PostgreSQL (the same engine and settings). */
  queryGrowth: { small: number; large: number; store: StoreKind; types: QueryComparison[] } | null;
  distribution: typeof QUERY_DISTRIBUTION;
  skipped: string[];
  notes: string[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export async function runAuditStoreBench(options: AuditBenchOptions): Promise<AuditBenchResult> {
  const started = performance.now();
  const loadavgBefore = loadavg();
  const log = options.log;
  const keys: AuditKeys = await generateAuditKeys();
  const skipped: string[] = [];
  const sectionMs: AuditBenchResult['sectionMs'] = {};
  let postgresSettings: Record<string, string> | null = null;
  const available = (store: StoreKind, what: string) => {
    if (store !== 'postgres' || options.postgresUrl) return true;
    skipped.push(`${what} on PostgreSQL: no DATABASE_URL or CONTINUUM_TEST_DATABASE_URL set`);
    return false;
  };
  const onStore = <T>(store: StoreKind, fn: (db: Parameters<Parameters<typeof withBenchStore>[2]>[0]) => Promise<T>) =>
    withBenchStore(store, options.postgresUrl, async (opened) => {
      if (opened.kind === 'postgres') postgresSettings ??= Object.fromEntries(Object.entries(opened.settings).filter(([k]) => k !== 'database'));
      return fn(opened);
    });

  const throughput: AuditBenchResult['throughput'] = [];
  if (options.sections.includes('throughput')) {
    const t = performance.now();
    const inFlight = options.throughput.inFlight.includes(1) ? options.throughput.inFlight : [1, ...options.throughput.inFlight];
    for (const store of options.throughput.stores) {
      if (!available(store, 'group-commit throughput')) continue;
      log(`throughput on ${STORE_LABELS[store]}: in flight ${inFlight.join(', ')}; ${options.throughput.rounds} round(s) × ${options.throughput.durationMs} ms each`);
      const result = await onStore(store, ({ db }) => measureThroughput(db, keys, { ...options.throughput, inFlight }, log));
      if (!result.verified.ok) throw new Error(`the chain written during the throughput run on ${store} does not verify`);
      throughput.push({ store, label: STORE_LABELS[store], result });
    }
    sectionMs.throughput = Math.round(performance.now() - t);
  }

  const verification: AuditBenchResult['verification'] = [];
  if (options.sections.includes('verification')) {
    const t = performance.now();
    for (const run of options.verification.runs) {
      if (!available(run.store, `chain verification of ${run.records.toLocaleString('en')} records`)) continue;
      log(`chain verification on ${STORE_LABELS[run.store]}: generating ${run.records.toLocaleString('en')} chained records (${run.mix} mix)`);
      const result = await onStore(run.store, ({ db }) =>
        measureVerification(db, keys, { records: run.records, mix: run.mix, batchRows: options.verification.batchRows, checkpointEvery: options.verification.checkpointEvery, distinctContents: options.verification.distinctContents, seed: run.records }, log),
      );
      log(`  generated in ${(result.generateMs / 1000).toFixed(1)} s; verified in ${(result.verifyMs / 1000).toFixed(1)} s: ${result.recordsPerSec.toLocaleString('en')} records/s, ok=${result.report.ok}`);
      verification.push({ store: run.store, label: STORE_LABELS[run.store], result });
    }
    sectionMs.verification = Math.round(performance.now() - t);
  }

  const queries: AuditBenchResult['queries'] = [];
  if (options.sections.includes('queries')) {
    const t = performance.now();
    const q = options.queries;
    const sets: { store: StoreKind; records: number }[] = q.smallStores.map((store) => ({ store, records: q.small }));
    if (options.postgresUrl) sets.push({ store: 'postgres', records: q.large });
    else skipped.push(`auditor queries on ${q.large.toLocaleString('en')} records: needs PostgreSQL (DATABASE_URL or CONTINUUM_TEST_DATABASE_URL); only ${q.small.toLocaleString('en')} records measured`);
    for (const set of sets) {
      if (!available(set.store, `auditor queries on ${set.records.toLocaleString('en')} records`)) continue;
      log(`auditor queries on ${STORE_LABELS[set.store]}, ${set.records.toLocaleString('en')} records: loading`);
      const result = await onStore(set.store, async ({ db }) => {
        const data = await prepareQueryData(db, { records: set.records, generatedBase: q.generatedBase, caseRefs: q.caseRefs }, log);
        log(`  loaded in ${(data.loadMs / 1000).toFixed(1)} s (indexes ${(data.indexRebuildMs / 1000).toFixed(1)} s), vacuum/analyze ${(data.vacuumMs / 1000).toFixed(1)} s; table ${data.tableMb} MB, with indexes ${data.totalMb} MB`);
        // EXPLAIN ANALYZE on the largest data set of the run only.
        const largest = set === [...sets].sort((a, b) => b.records - a.records)[0];
        const measured = await measureQueries(db, set.records, { ...q.run, explainAnalyze: q.run.explainAnalyze && largest }, log);
        return { store: STORE_LABELS[set.store], storeKind: set.store, data, ...measured };
      });
      queries.push(result);
    }
    sectionMs.queries = Math.round(performance.now() - t);
  }

  const smallPg = queries.find((s) => s.storeKind === 'postgres' && s.data.records === options.queries.small);
  const largePg = queries.find((s) => s.storeKind === 'postgres' && s.data.records === options.queries.large && options.queries.large !== options.queries.small);
  const queryGrowth =
    smallPg && largePg
      ? {
          small: smallPg.data.records,
          large: largePg.data.records,
          store: 'postgres' as const,
          types: QUERY_TYPE_IDS.map((id) => {
            const s = smallPg.types.find((x) => x.id === id)!;
            const l = largePg.types.find((x) => x.id === id)!;
            return { id, small: { p50Ms: s.p50Ms, p95Ms: s.p95Ms }, large: { p50Ms: l.p50Ms, p95Ms: l.p95Ms }, ratioP50: round2(l.p50Ms / s.p50Ms), ratioP95: round2(l.p95Ms / s.p95Ms) };
          }),
        }
      : null;

  const notes = [
    'Throughput: every record is appended through AuditWriter.append (content hash, queue, one statement per batch that moves the chain head and inserts the batch, signed checkpoint every 1000 records); in-flight 1 is the baseline of one record per commit. Records come from a prepared pool (building them is the gateway\'s work) with a fresh time each.',
    'Verification: the chain is bulk-generated with the writer\'s own hashing and INSERT (records cycle through a pool of distinct contents, each hashed once; every record has its own seq, id, time and chain hash), secondary indexes dropped during the load and rebuilt (on PostgreSQL the table is UNLOGGED for the load: no WAL; reads are unchanged), then verified with verifyChain, which hashes every record; only verification is in records/s.',
    'Queries: the auditor API\'s resolvers are called directly (no HTTP, no gateway); query data hash columns are placeholders, content is slim but shaped like real records; beyond the generated base, records are copies shifted in seq and time; loaded like the chain (indexes rebuilt after, UNLOGGED on PostgreSQL), then VACUUM ANALYZE.',
  ];
  if (postgresSettings && (postgresSettings as Record<string, string>).fsync === 'off') {
    notes.push('The PostgreSQL server runs with fsync=off (the throw-away test server): commits do not wait for the disk, so the group-commit gain there is the CPU/round-trip part only; on a durable server it is larger.');
  }
  return {
    date: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    machine: { nproc: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}`, totalMemMb: Math.round(totalmem() / 1048576), loadavgBefore, loadavgAfter: loadavg() },
    options: { sections: options.sections, throughput: options.throughput, verification: options.verification, queries: options.queries, postgres: Boolean(options.postgresUrl) },
    postgresSettings,
    sectionMs,
    throughput,
    verification,
    queries,
    queryGrowth,
    distribution: QUERY_DISTRIBUTION,
    skipped,
    notes,
  };
}
