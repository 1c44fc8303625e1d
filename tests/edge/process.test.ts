/**
 * `continuum edge` as a partner runs it, in its own process: configured from a file and the
 * environment (validated before it listens), not ready until it holds the hub's keys and the
 * subgraph's schema, logging JSON lines with no personal data, and stopping gracefully on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateContextKeys, type ContextKeys } from '../../auth/context-token.js';
import { startPlainSubgraph, type RunningPlainSubgraph } from '../../demos/plain-subgraph/server.js';
import { call, CALLER, decisions, HOUSING_QUERY, publishKeys, released, representations, type PublishedKeys } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/continuum.mjs', import.meta.url));

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

function startEdgeProcess(args: string[], env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [BIN, 'edge', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`edge did not start:\n${out}`)), 60_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"msg":"listening","url":"(http:\/\/[^"]+)"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => out, exited });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`edge exited (${code}):\n${out}`));
    });
  });
}

function runEdgeProcess(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'edge', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function waitReady(origin: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const response = await fetch(`${origin}/readyz`);
    await response.body?.cancel();
    if (response.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('edge never became ready');
}

let subgraph: RunningPlainSubgraph;
let hub: ContextKeys;
let jwks: PublishedKeys;
let dir: string;

beforeAll(async () => {
  subgraph = await startPlainSubgraph();
  hub = await generateContextKeys();
  jwks = await publishKeys([hub.publicJwk]);
  dir = mkdtempSync(join(tmpdir(), 'continuum-edge-'));
});

afterAll(async () => {
  await jwks?.close();
  await subgraph?.close();
});

describe('continuum edge (the process)', () => {
  it('refuses an invalid configuration before listening, naming every problem and its variable', async () => {
    const result = await runEdgeProcess([], { CONTINUUM_EDGE_SUBGRAPH: 'Housing!', CONTINUUM_EDGE_UPSTREAM_URL: 'ftp://x', CONTINUUM_EDGE_JWKS_URL: '', CONTINUUM_EDGE_JWKS_FILE: '' });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'edge: invalid configuration: subgraphName (CONTINUUM_EDGE_SUBGRAPH): must be the registered subgraph name: lower case, digits and dashes; upstreamUrl (CONTINUUM_EDGE_UPSTREAM_URL): must be an http:// or https:// URL; jwksUrl (CONTINUUM_EDGE_JWKS_URL): set exactly one of jwksUrl and jwksFile\n',
    });
  });

  it('reads a configuration file, is ready once it holds keys and schema, answers, logs no personal data, and stops on SIGTERM', async () => {
    const file = join(dir, 'edge.json');
    writeFileSync(file, JSON.stringify({ subgraphName: 'housing', upstreamUrl: subgraph.url, jwksUrl: jwks.url, port: 0, logLevel: 'debug' }));
    const edge = await startEdgeProcess(['--config', file], {});
    const origin = edge.url.replace(/\/graphql$/, '');
    expect(await (await fetch(`${origin}/healthz`)).json()).toEqual({ status: 'ok', subgraph: 'housing' });
    await waitReady(origin);
    expect(await (await fetch(`${origin}/readyz`)).json()).toEqual({ status: 'ready', subgraph: 'housing', keys: true, schema: true });

    const answer = await call(edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020') }, { keys: hub, decisions: decisions({ 'EU-2024-000020': released('CASE_ADMIN', 'REINTEGRATION') }) });
    expect(answer.status).toBe(200);
    await call(edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020') }, { token: null });

    edge.child.kill('SIGTERM');
    expect(await edge.exited).toBe(0);
    const lines = edge
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['listening', 'context key set loaded', 'subgraph schema loaded', 'ready', 'answered', 'refused a request without a valid gateway context', 'stopped']),
    );
    expect(lines.find((line) => line.msg === 'answered')).toMatchObject({ level: 'debug', component: 'continuum-edge', subgraph: 'housing', status: 200, requestId: CALLER.requestId });
    const text = edge.output();
    for (const personal of [CALLER.officialId, CALLER.organisation, 'EU-2024-000020', '14 Synthetic Lane', 'Synthetic']) expect(text).not.toContain(personal);
  });
});
