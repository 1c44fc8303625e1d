/**
 * `npm run bench`: Continuum with everything on against bare Apollo Gateway over the same
 * subgraphs and backends, alternating rounds, plus the public federation benchmark's deep query.
 * Prints a table and writes the full result as JSON under bench/results/ (gitignored).
 *
 *   npm run bench -- [--cases 2000] [--rounds 3] [--duration 8] [--warmup 2] [--connections 20]
 *                    [--workloads case,programme-page,partner-care,federation-benchmark]
 *                    [--profile] [--cpu-prof] [--results bench/results]
 *
 * DATABASE_URL (postgres://…) runs the backends on PostgreSQL instead of in-memory PGlite.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runBench } from './harness.js';
import { renderReport } from './report.js';
import { WORKLOAD_IDS, type WorkloadId } from './workloads.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '20' },
    workloads: { type: 'string', default: WORKLOAD_IDS.join(',') },
    profile: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    results: { type: 'string', default: 'bench/results' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log('usage: npm run bench -- [--cases N] [--rounds N] [--duration S] [--warmup S] [--connections N] [--workloads a,b] [--profile] [--cpu-prof] [--results DIR]');
  console.log(`workloads: ${WORKLOAD_IDS.join(', ')}`);
  process.exit(0);
}

function positive(name: string, text: string, allowZero = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${text}`);
  return n;
}

const workloads = values.workloads.split(',').map((w) => w.trim()).filter(Boolean);
for (const w of workloads) if (!(WORKLOAD_IDS as readonly string[]).includes(w)) throw new Error(`unknown workload ${w}; choose from ${WORKLOAD_IDS.join(', ')}`);

const result = await runBench({
  cases: positive('cases', values.cases),
  rounds: positive('rounds', values.rounds),
  durationSec: positive('duration', values.duration),
  warmupSec: positive('warmup', values.warmup, true),
  connections: positive('connections', values.connections),
  workloads: workloads as WorkloadId[],
  databaseUrl: process.env.DATABASE_URL || undefined,
  profile: values.profile,
  cpuProfProcess: values['cpu-prof'],
  resultsDir: resolve(values.results),
  log: (line) => console.log(`[bench] ${line}`),
});

const file = join(resolve(values.results), `bench-${result.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log('');
console.log(renderReport(result));
console.log('');
console.log(`result written to ${file}`);
