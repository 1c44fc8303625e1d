/**
 * `continuum conformance` as a partner runs it: keys made with `keygen`, an edge configured to trust
 * them, the report on stdout and the exit code saying the result — 0 passed, 1 failed, 2 usage.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlainSubgraph, type RunningPlainSubgraph } from '../../demos/plain-subgraph/server.js';
import type { RunningEdge } from '../../edge/index.js';
import { DEMO_CASES, edgeTrusting } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/continuum.mjs', import.meta.url));

function continuum(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 120_000, encoding: 'utf8' }, (error: ExecFileException | null, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

let dir: string;
let plain: RunningPlainSubgraph;
let edge: RunningEdge;

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'continuum-conformance-cli-')), 'keys');
  const made = await continuum('conformance', 'keygen', '--out', dir);
  expect(made.code).toBe(0);
  plain = await startPlainSubgraph();
  edge = await edgeTrusting(join(dir, 'jwks.json'), plain.url);
});

afterAll(async () => {
  await edge?.close();
  await plain?.close();
});

describe('continuum conformance', () => {
  it('keygen writes a key set of two public keys and no private part', () => {
    const jwks = JSON.parse(readFileSync(join(dir, 'jwks.json'), 'utf8')) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((key) => [key.kty, key.crv, key.kid, 'd' in key])).toEqual([
      ['OKP', 'Ed25519', 'conformance-current', false],
      ['OKP', 'Ed25519', 'conformance-next', false],
    ]);
  });

  it('prints a passing report and exits 0 for the edge', async () => {
    const result = await continuum('conformance', edge.url, '--name', 'housing', '--keys', dir, '--cases', DEMO_CASES.join(','));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# Continuum conformance report\n/);
    expect(result.stdout).toContain('**PASSED**: 52 passed, 0 failed, 1 not applicable, of 53 checks.');
  });

  it('exits 1 for a subgraph without the edge, the failures marked in the report', async () => {
    const result = await continuum('conformance', plain.url, '--name', 'housing', '--keys', dir, '--cases', DEMO_CASES.join(','));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('| 1 | a request without a context is refused | **FAIL** | expected HTTP 401 with the refusal body of §4; got HTTP 200 with data |');
  });

  it('exits 2 with the reason for a bad case reference', async () => {
    const result = await continuum('conformance', edge.url, '--name', 'housing', '--keys', dir, '--cases', 'EU-2024-000020,BE-85');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'continuum conformance: --cases each must be a case reference EU-YYYY-NNNNNN.\n\nUsage: continuum conformance <url> --name NAME --keys DIR --cases REF,REF[,REF…] [options]\n       continuum conformance keygen --out DIR\nRun "continuum conformance --help" for every option.\n',
    });
  });

  it('exits 1 naming what to do when the keys were never made', async () => {
    const missing = join(dir, 'nowhere');
    const result = await continuum('conformance', edge.url, '--name', 'housing', '--keys', missing, '--cases', DEMO_CASES.join(','));
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `conformance: no suite keys in ${missing}. Make them with "continuum conformance keygen --out ${missing}" and configure the endpoint to trust ${join(missing, 'jwks.json')}.\n`,
    });
  });
});
