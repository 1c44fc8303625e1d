/**
 * The kit as a partner gets it: `npm pack` of the contract and of the kit, both tarballs installed
 * with `npm install --offline` into a folder of their own, and the Nigerian referral mechanism
 * (subgraphs/ng-referrals, copied there) started from that folder as its main.ts starts it —
 * resolving @continuum/contract and @continuum/subgraph-kit from the installed tarballs, not from
 * the sources. The kit's registry packages are peer dependencies (one graphql, Apollo Server and
 * Fastify per process); offline, the folder sits under the repository's .scratch/ so Node finds
 * them, and the NRM's own, in the repository's node_modules.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateContextKeys, signContext, type ContextKeys } from '../../auth/context-token.js';
import { CONTEXT_EXTENSION } from '../../contract/index.js';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import { syntheticNrmFile } from '../../subgraphs/ng-referrals/index.js';
import { TEST_CALLER, releaseAll } from '../harness/subgraph.js';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = fileURLToPath(import.meta.resolve('tsx'));
const CASES = 300;

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Case { ref referrals { reference service referredOn provider status outcomeOn } }
    }
  }
`;

let scratch: string;
let app: string;
let keys: ContextKeys;
let jwks: Server;
let child: ChildProcess | undefined;
let url: string;

/** Packs the package in `dir` into `scratch` (its prepack builds it) and returns the tarball's name. */
async function pack(dir: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--pack-destination', scratch, '--json', '--silent'], { cwd: join(ROOT, dir) });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  return packed!.filename;
}

/** The files under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

beforeAll(async () => {
  mkdirSync(join(ROOT, '.scratch'), { recursive: true });
  scratch = mkdtempSync(join(ROOT, '.scratch', 'kit-package-'));
  const contract = await pack('contract');
  const kit = await pack('subgraphs/kit');
  app = join(scratch, 'ng-referrals');
  cpSync(join(ROOT, 'subgraphs/ng-referrals'), app, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(app, 'package.json'), JSON.stringify({ ...manifest, dependencies: { '@continuum/contract': `file:../${contract}`, '@continuum/subgraph-kit': `file:../${kit}` } }, null, 2));
  // Its own tsconfig: tsx would otherwise find the repository's, whose paths map the packages to their sources.
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true } }));
  await run('npm', ['install', '--offline', '--legacy-peer-deps', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app });

  keys = await generateContextKeys();
  jwks = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [keys.publicJwk] })));
  await new Promise<void>((done) => jwks.listen(0, '127.0.0.1', done));
  const env = {
    PATH: process.env.PATH,
    TSX_TSCONFIG_PATH: join(app, 'tsconfig.json'),
    PORT: '0',
    NG_REFERRALS_DATA_DIR: join(scratch, 'data'),
    CONTINUUM_CONTEXT_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/continuum/context-jwks.json`,
    NG_REFERRALS_SEED_CASES: String(CASES),
    LOG_LEVEL: 'silent',
  };
  const started = spawn(process.execPath, ['--import', TSX, 'main.ts'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child = started;
  url = await new Promise<string>((found, failed) => {
    let out = '';
    let err = '';
    started.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /subgraph\s+ng-referrals\s+(http:\/\/\S+\/graphql)/.exec(out);
      if (match) found(match[1]!);
    });
    started.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    started.on('exit', (code) => failed(new Error(`ng-referrals exited with ${code}: ${err}`)));
  });
});

afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((done) => child!.once('exit', done));
    process.kill(child.pid, 'SIGTERM');
    await exited;
  }
  await new Promise<void>((done) => (jwks ? jwks.close(() => done()) : done()));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packed kit', () => {
  it('installs as two packages holding their build and manifest only', () => {
    for (const name of ['contract', 'subgraph-kit']) {
      const installed = join(app, 'node_modules/@continuum', name);
      expect(filesUnder(installed).filter((file) => !file.startsWith('dist/'))).toEqual(['package.json']);
      expect(existsSync(join(installed, 'dist/index.js')) && existsSync(join(installed, 'dist/index.d.ts'))).toBe(true);
    }
    const kit = JSON.parse(readFileSync(join(app, 'node_modules/@continuum/subgraph-kit/package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };
    expect(Object.keys(kit.dependencies)).toEqual(['@continuum/contract']);
    expect(Object.keys(kit.peerDependencies).sort()).toEqual(['@apollo/server', '@apollo/subgraph', '@as-integrations/fastify', '@opentelemetry/api', 'fastify', 'graphql']);
  });

  it('serves the NRM from the installed packages: hub-signed entity fetches answered exactly, unsigned ones refused', async () => {
    const nigerian = [...syntheticCases(CASES)].filter((c) => syntheticNrmFile(c));
    const refs = nigerian.map((c) => c.ref);
    const query = { query: ENTITIES, variables: { representations: refs.map((ref) => ({ __typename: 'Case', ref })) } };
    const token = await signContext(keys, 'ng-referrals', { ...TEST_CALLER, decisions: releaseAll({ representations: refs.map((ref) => ({ ref })) }) });
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...query, extensions: { [CONTEXT_EXTENSION]: token } }) });
    expect(response.status).toBe(200);
    const expected = nigerian.map((c) => ({
      ref: c.ref,
      referrals: syntheticNrmFile(c)!.referrals.map((r) => ({ reference: r.slipNo, service: r.service, referredOn: r.referredOn, provider: r.provider, status: r.status, outcomeOn: r.outcomeOn })),
    }));
    expect(await response.json()).toEqual({ data: { _entities: expected } });

    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(query) });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { errors: { extensions: { hubCode: string } }[] }).errors.map((e) => e.extensions.hubCode)).toEqual(['HUB_CONTEXT_INVALID']);
  });
});
