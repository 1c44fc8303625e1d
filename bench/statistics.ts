/**
 * `npm run bench:statistics [-- --sizes 10000,50000,100000 --runs 5]`: the statistics benchmark
 * on the embedded default (bench/statistics/harness.ts); prints the Markdown table that
 * docs/BENCHMARKS.md § Statistics records.
 */
import { parseArgs } from 'node:util';
import { renderStatisticsReport, runStatisticsBench } from './statistics/harness.js';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,50000,100000' }, runs: { type: 'string', default: '5' } } });
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(runs) || runs < 1) {
  console.error('bench:statistics: --sizes takes positive integers separated by commas, --runs a positive integer.');
  process.exit(2);
}
const results = await runStatisticsBench({ sizes, runs, log: (line) => console.error(line) });
console.log(renderStatisticsReport(results));
