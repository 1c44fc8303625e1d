/**
 * `npm run bench:edge -- [--requests N] [--concurrency C] [--cases K]`: what the enforcement edge
 * adds per subgraph fetch. One plain @apollo/subgraph server (demos/plain-subgraph) is called
 * directly and through `continuum edge` (its own process, as a partner runs it) in the same run,
 * batches interleaved (direct, edge, direct, …) so both see the same machine; each request is the
 * entity fetch the gateway makes for `Case.housing` over K cases with mixed decisions (one case of
 * every three denied HEALTH, one CONTACT), signed as the gateway signs it. Reports p50/p99 of
 * each, the p99 added by the edge, the edge process's CPU time per request (steadier than latency
 * on a shared machine) and its RSS after the run (budget: ≤ 3 ms p99
 * added, ≤ 150 MB RSS; docs/BENCHMARKS.md, "Enforcement edge").
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { encodeDecisions, generateContextKeys, signContext } from '../auth/context-token.js';
import { startPlainSubgraph } from '../demos/plain-subgraph/server.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '4000' }, concurrency: { type: 'string', default: '8' }, cases: { type: 'string', default: '10' } } });
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const CASES = Number(values.cases);
const BATCH = 200;

const QUERY = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Case { housing { address movedInOn needs { kind healthNote } } } } }';
const ALL = ['CASE_ADMIN', 'REINTEGRATION', 'CONTACT', 'HEALTH'];
const refs = Array.from({ length: CASES }, (_, i) => ['EU-2024-000020', 'EU-2024-000015', 'EU-2024-000001'][i % 3]!);
const decisions = encodeDecisions(
  new Map(refs.map((ref, i) => [ref, Object.fromEntries(ALL.map((c) => [c, (i % 3 === 1 && c === 'HEALTH') || (i % 3 === 2 && c === 'CONTACT') ? 'FORBIDDEN_FIELD policy.no-grant' : 'R']))])),
);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const plain = await startPlainSubgraph();
  const hub = await generateContextKeys();
  const dir = mkdtempSync(join(tmpdir(), 'continuum-edge-bench-'));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [hub.publicJwk] }));
  // The edge as this benchmark runs: compiled with plain node from the build, or the sources through tsx.
  const cli = import.meta.url.endsWith('.js') ? [fileURLToPath(new URL('../bin/cli.js', import.meta.url))] : ['--import', 'tsx', fileURLToPath(new URL('../bin/cli.ts', import.meta.url))];
  const child = spawn(process.execPath, [...cli, 'edge'], {
    env: { ...process.env, CONTINUUM_EDGE_SUBGRAPH: 'housing', CONTINUUM_EDGE_UPSTREAM_URL: plain.url, CONTINUUM_EDGE_JWKS_FILE: join(dir, 'jwks.json'), CONTINUUM_EDGE_PORT: '0', CONTINUUM_EDGE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const edgeUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"msg":"listening","url":"([^"]+)"/.exec(out);
      if (match && out.includes('"msg":"ready"')) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`edge exited ${code}: ${out}`)));
  });

  let token = await signContext(hub, 'housing', { officialId: 'bench-official', organisation: 'EU/GOV/BE-RETURN', country: 'BE', roles: ['MS_CASE_OFFICER'], purpose: 'RETURN_COUNSELLING', requestId: 'bench-request-0001', quietDenials: true, decisions });
  let signedAt = Date.now();
  const body = () => JSON.stringify({ query: QUERY, variables: { representations: refs.map((ref) => ({ __typename: 'Case', ref })) }, extensions: { continuumContext: token } });

  async function batch(url: string, count: number, into: number[]) {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          next++;
          const text = body();
          const started = performance.now();
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
          await response.text();
          into.push(performance.now() - started);
          if (response.status !== 200) throw new Error(`HTTP ${response.status} from ${url}`);
        }
      }),
    );
  }

  // Warm-up: both paths, JIT and connection pools.
  await batch(plain.url, 500, []);
  await batch(edgeUrl, 500, []);
  const direct: number[] = [];
  const edged: number[] = [];
  // The edge process's CPU time (user + system, /proc/<pid>/stat), summed over its batches only.
  const cpuMs = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  };
  let edgeCpuMs = 0;
  for (let done = 0; done < REQUESTS; done += BATCH) {
    if (Date.now() - signedAt > 30_000) {
      token = await signContext(hub, 'housing', { officialId: 'bench-official', organisation: 'EU/GOV/BE-RETURN', country: 'BE', roles: ['MS_CASE_OFFICER'], purpose: 'RETURN_COUNSELLING', requestId: 'bench-request-0001', quietDenials: true, decisions });
      signedAt = Date.now();
    }
    await batch(plain.url, BATCH, direct);
    const before = cpuMs();
    await batch(edgeUrl, BATCH, edged);
    edgeCpuMs += cpuMs() - before;
  }
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
  const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
  direct.sort((a, b) => a - b);
  edged.sort((a, b) => a - b);
  const result = {
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    casesPerFetch: CASES,
    directMs: { p50: percentile(direct, 50), p99: percentile(direct, 99) },
    edgeMs: { p50: percentile(edged, 50), p99: percentile(edged, 99) },
    addedMs: { p50: percentile(edged, 50) - percentile(direct, 50), p99: percentile(edged, 99) - percentile(direct, 99) },
    edgeCpuMsPerRequest: edgeCpuMs / edged.length,
    edgeRssMb: rssKb / 1024,
    edgePeakRssMb: hwmKb / 1024,
  };
  console.log(JSON.stringify(result, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v), 2));
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await plain.close();
}

await main();
