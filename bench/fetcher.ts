/**
 * `npm run bench:fetcher`: the CPU one subgraph call costs the gateway's process with Apollo
 * Gateway's default fetcher (make-fetch-happen, what bare Apollo Gateway uses) against Continuum's
 * (gateway/resilience/subgraphFetcher.ts: node:http with a keep-alive agent). One process holds a
 * plain node:http server on an ephemeral port that answers every POST with the same JSON body, and
 * the client; calls go one at a time, the two fetchers alternating round by round.
 *
 *   npm run bench:fetcher -- [--rounds 5] [--calls 2000] [--entities 50]
 *
 * Prints CPU µs per call (client and server together: the server's share is the same for both)
 * and wall µs per call, per round and as medians, and the ratio. The server answers with
 * `--entities` objects shaped like an entity fetch's answer (a W2 page fetch has 50).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { subgraphFetcher } from '../gateway/resilience/subgraphFetcher.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    calls: { type: 'string', default: '2000' },
    entities: { type: 'string', default: '50' },
  },
});
const rounds = Number(values.rounds);
const calls = Number(values.calls);
const entities = Number(values.entities);
for (const [name, n] of Object.entries({ rounds, calls, entities })) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
}

// Synthetic, shaped like an entity answer: a case reference, a name-like string and a number.
const answer = JSON.stringify({ data: { _entities: Array.from({ length: entities }, (_, i) => ({ __typename: 'Case', ref: `EU-2024-${String(i).padStart(6, '0')}`, label: 'synthetic '.repeat(6), n: i })) } });
const body = JSON.stringify({
  query: 'query($representations:[_Any!]!){_entities(representations:$representations){...on Case{ref label n}}}',
  variables: { representations: Array.from({ length: entities }, (_, i) => ({ __typename: 'Case', ref: `EU-2024-${String(i).padStart(6, '0')}` })) },
});
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.setHeader('content-type', 'application/json');
    response.end(answer);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

type Fetcher = RemoteGraphQLDataSource['fetcher'];
const fetchers: Record<string, Fetcher> = {
  'make-fetch-happen (Apollo default)': new RemoteGraphQLDataSource({ url }).fetcher,
  'subgraphFetcher (Continuum)': subgraphFetcher,
};
const init = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body };

async function run(fetcher: Fetcher, n: number): Promise<{ cpu: number; wall: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < n; i++) await (await fetcher(url, init)).json();
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / n, wall: ((performance.now() - started) * 1000) / n };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, { cpu: number[]; wall: number[] }> = {};
for (const name of Object.keys(fetchers)) await run(fetchers[name]!, Math.min(500, calls)); // warm-up
for (let round = 0; round < rounds; round++) {
  for (const [name, fetcher] of Object.entries(fetchers)) {
    const { cpu, wall } = await run(fetcher, calls);
    (results[name] ??= { cpu: [], wall: [] }).cpu.push(cpu);
    results[name]!.wall.push(wall);
  }
}
server.close();
console.log(`${calls} calls × ${rounds} rounds per fetcher, ${entities} entities (${answer.length} bytes) per answer`);
for (const [name, r] of Object.entries(results)) {
  console.log(`${name}: CPU µs/call ${r.cpu.map((x) => x.toFixed(0)).join(' / ')} (median ${median(r.cpu).toFixed(0)}), wall µs/call median ${median(r.wall).toFixed(0)}`);
}
const [apollo, ours] = Object.values(results);
console.log(`CPU per call, Apollo default / Continuum: ${(median(apollo!.cpu) / median(ours!.cpu)).toFixed(2)}×`);
process.exit(0);
