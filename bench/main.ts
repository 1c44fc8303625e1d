/**
 * `npm run bench`: Continuum with everything on against bare Apollo Gateway over the same
 * subgraphs and backends, alternating rounds, plus the public federation benchmark's deep query.
 * Prints a table and writes the full result as JSON under bench/results/ (gitignored).
 *
 *   npm run bench -- [--cases 2000] [--rounds 3] [--duration 8] [--warmup 2] [--initial-warmup 10] [--connections 20]
 *                    [--workloads case,programme-page,partner-care,federation-benchmark]
 *                    [--split] [--profile] [--cpu-prof] [--results bench/results]
 *
 * By default one server process holds everything; DATABASE_URL (postgres://…) runs the backends
 * on PostgreSQL instead of in-memory PGlite. `--split` is the deployment-shaped layout: the
 * systems, bare Apollo Gateway and Continuum's gateway each in their own process, so RSS and CPU
 * per request are each gateway's own. It needs a PostgreSQL server (DATABASE_URL, else
 * CONTINUUM_TEST_DATABASE_URL), on which it creates a fresh database for the run and drops it
 * afterwards, also when interrupted.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runBench } from './harness.js';
import { renderReport } from './report.js';
import { splitServerUrl } from './servers/database.js';
import { abortSplitRuns } from './servers/split.js';
import { WORKLOAD_IDS, type WorkloadId } from './workloads.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    'initial-warmup': { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    workloads: { type: 'string', default: WORKLOAD_IDS.join(',') },
    profile: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    split: { type: 'boolean', default: false },
    results: { type: 'string', default: 'bench/results' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log('usage: npm run bench -- [--cases N] [--rounds N] [--duration S] [--warmup S] [--initial-warmup S] [--connections N] [--workloads a,b] [--split] [--profile] [--cpu-prof] [--results DIR]');
  console.log(`workloads: ${WORKLOAD_IDS.join(', ')}`);
  console.log('--split: systems, bare gateway and Continuum gateway in separate processes, over a fresh database on DATABASE_URL or CONTINUUM_TEST_DATABASE_URL');
  process.exit(0);
}

function positive(name: string, text: string, allowZero = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${text}`);
  return n;
}

const splitUrl = values.split ? splitServerUrl() : undefined;
if (values.split && !splitUrl) {
  console.error('npm run bench -- --split needs a PostgreSQL server (in-memory PGlite cannot be shared by processes): set DATABASE_URL or CONTINUUM_TEST_DATABASE_URL to postgres://…');
  process.exit(2);
}
if (splitUrl) {
  // Interrupted: stop the processes and drop the run's database and folder before leaving. A
  // Ctrl-C often arrives twice (from the terminal, and relayed by npm and tsx): the cleanup
  // already under way must not be cut short by the second one.
  let aborting = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (aborting) return;
      aborting = true;
      console.error(`[bench] ${signal}: stopping the server processes and dropping the run's database`);
      void abortSplitRuns().finally(() => process.exit(130));
    });
  }
}

const workloads = values.workloads.split(',').map((w) => w.trim()).filter(Boolean);
for (const w of workloads) if (!(WORKLOAD_IDS as readonly string[]).includes(w)) throw new Error(`unknown workload ${w}; choose from ${WORKLOAD_IDS.join(', ')}`);

const result = await runBench({
  cases: positive('cases', values.cases),
  rounds: positive('rounds', values.rounds),
  durationSec: positive('duration', values.duration),
  warmupSec: positive('warmup', values.warmup, true),
  initialWarmupSec: positive('initial-warmup', values['initial-warmup'], true),
  connections: positive('connections', values.connections),
  workloads: workloads as WorkloadId[],
  databaseUrl: process.env.DATABASE_URL || undefined,
  split: splitUrl ? { postgresUrl: splitUrl } : undefined,
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
