/**
 * `npm run bench:audit`: the audit store benchmark (issue 6, item 4) — group-commit throughput
 * against one record per transaction, chain verification speed on 1M records, and auditor query
 * latency on 10M records against 10k. Prints tables and writes the full result as JSON under
 * bench/results/ (gitignored). See bench/audit/harness.ts and docs/BENCHMARKS.md.
 *
 *   npm run bench:audit -- [--sections throughput,verification,queries]
 *                          [--in-flight 1,8,64,256] [--rounds 2] [--duration 1500]
 *                          [--chain 1000000] [--pglite-chain 50000] [--gateway-chain 5000]
 *                          [--small 10000] [--large 10000000] [--base 1000000] [--case-refs 100000]
 *                          [--runs 20] [--budget 10000] [--results bench/results]
 *
 * PostgreSQL parts use DATABASE_URL, else CONTINUUM_TEST_DATABASE_URL (a fresh database is created
 * there and dropped afterwards); without either they are skipped and the report says so.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runAuditStoreBench, SECTIONS, type Section } from './audit/harness.js';
import { renderAuditReport } from './audit/report.js';
import { dropOpenBenchStores, postgresAdminUrl, type StoreKind } from './audit/stores.js';

// Interrupted: drop the throw-away databases and folders before leaving. A Ctrl-C through npm
// and tsx arrives more than once; the handler stays, so a second signal cannot cut the cleanup.
let aborting = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (aborting) return;
    aborting = true;
    console.error(`[bench:audit] ${signal}: dropping the benchmark's databases`);
    void dropOpenBenchStores().finally(() => process.exit(130));
  });
}

const { values } = parseArgs({
  options: {
    sections: { type: 'string', default: SECTIONS.join(',') },
    'in-flight': { type: 'string', default: '1,8,64,256' },
    rounds: { type: 'string', default: '2' },
    duration: { type: 'string', default: '1500' },
    chain: { type: 'string', default: '1000000' },
    'pglite-chain': { type: 'string', default: '50000' },
    'gateway-chain': { type: 'string', default: '5000' },
    small: { type: 'string', default: '10000' },
    large: { type: 'string', default: '10000000' },
    base: { type: 'string', default: '1000000' },
    'case-refs': { type: 'string', default: '100000' },
    runs: { type: 'string', default: '20' },
    budget: { type: 'string', default: '10000' },
    results: { type: 'string', default: 'bench/results' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log('usage: npm run bench:audit -- [--sections a,b] [--in-flight 1,8,64,256] [--rounds N] [--duration MS] [--chain N] [--pglite-chain N] [--gateway-chain N]');
  console.log('                              [--small N] [--large N] [--base N] [--case-refs N] [--runs N] [--budget MS] [--results DIR]');
  console.log(`sections: ${SECTIONS.join(', ')}; PostgreSQL from DATABASE_URL or CONTINUUM_TEST_DATABASE_URL`);
  process.exit(0);
}

function positive(name: string, text: string, allowZero = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${text}`);
  return value;
}

const sections = values.sections.split(',').map((s) => s.trim()).filter(Boolean);
for (const s of sections) if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`unknown section ${s}; choose from ${SECTIONS.join(', ')}`);
const postgresUrl = postgresAdminUrl();
const withPostgres = (stores: StoreKind[]): StoreKind[] => (postgresUrl ? [...stores, 'postgres'] : stores);
const chainRuns = [
  ...(postgresUrl ? [{ store: 'postgres' as const, records: positive('chain', values.chain), mix: 'typical' as const }] : []),
  { store: 'pglite-memory' as const, records: positive('pglite-chain', values['pglite-chain']), mix: 'typical' as const },
  { store: 'pglite-memory' as const, records: positive('gateway-chain', values['gateway-chain']), mix: 'gateway' as const },
];

const result = await runAuditStoreBench({
  sections: sections as Section[],
  postgresUrl,
  throughput: {
    stores: withPostgres(['pglite-memory', 'pglite-file']),
    inFlight: values['in-flight'].split(',').map((v) => positive('in-flight', v.trim())),
    rounds: positive('rounds', values.rounds),
    durationMs: positive('duration', values.duration),
    warmupMs: 500,
    mix: 'typical',
    maxRecordsPerPhase: 1_000_000,
  },
  verification: { runs: chainRuns, batchRows: 2000, checkpointEvery: 1000, distinctContents: 20_000 },
  queries: {
    small: positive('small', values.small),
    smallStores: withPostgres(['pglite-memory']),
    large: positive('large', values.large),
    generatedBase: positive('base', values.base),
    caseRefs: positive('case-refs', values['case-refs']),
    run: { maxRuns: positive('runs', values.runs), minRuns: 3, budgetMs: positive('budget', values.budget), explainAnalyze: true },
  },
  log: (line) => console.log(`[bench:audit] ${line}`),
});

const dir = resolve(values.results);
mkdirSync(dir, { recursive: true });
const file = join(dir, `audit-store-${result.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log('');
console.log(renderAuditReport(result));
console.log('');
console.log(`result written to ${file}`);
