/**
 * The compiled build (scripts/build.mjs, docs/DEPLOYMENT.md "Build and run"): `npm start` builds
 * dist/ once and runs it with plain node, no TypeScript loader.
 * - The hub's own build starts and answers a query (the build is made here if it is not current,
 *   so a fresh clone's `npm test` needs no prior build).
 * - On a small project of its own, in a temporary folder: the "paths" aliases resolve with plain
 *   node, a second build with nothing changed does not compile, any changed input makes the build
 *   stale (and the CLI's runner then takes the sources), and outputs of deleted sources go.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevIdentities, issueDevToken } from '../../auth/dev-identities.js';
import { build, compiled, isCurrent, runnable } from '../../scripts/build.mjs';
import { startHubProcess } from '../harness/processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const quiet = () => {};

describe('the hub, compiled', () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-compiled-'));
  let child: ChildProcess | undefined;
  let url: string;
  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'ignore' });
    const hub = await startHubProcess(
      {
        // Plain node: no loader inherited from this test process either.
        NODE_OPTIONS: '',
        NODE_ENV: 'production',
        PORT: '0',
        SUBGRAPH_PORT_BASE: '0',
        LOG_LEVEL: 'error',
        CONTINUUM_SEED_CASES: '12',
        CONTINUUM_DATA_DIR: join(dir, 'pglite'),
        CONTINUUM_DEV_IDENTITIES_DIR: join(dir, 'identities'),
        CONTINUUM_AUDIT_KEY_DIR: join(dir, 'audit-keys'),
        CONTINUUM_CONTEXT_KEY_DIR: join(dir, 'context-keys'),
        DATABASE_URL: undefined,
      },
      [compiled('gateway/main.ts')],
    );
    child = hub.child;
    url = hub.url;
  }, 300_000); // a fresh clone's first build: a full tsc run, on a machine the other suites share
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('is current after the build, so `npm start` and the CLI run it', () => {
    expect(isCurrent()).toBe(true);
    expect(runnable('bin/cli.ts')).toEqual({ compiled: true, args: [join(ROOT, 'dist/bin/cli.js')], env: {} });
  });

  it('stays current when a benchmark writes its results (bench/results/*.json are not inputs)', () => {
    const result = join(ROOT, 'bench/results', `build-test-${process.pid}.json`);
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(result, '{"rps":1}\n');
    try {
      expect(isCurrent()).toBe(true);
    } finally {
      rmSync(result, { force: true });
    }
  });

  it('starts with plain node and answers a query', async () => {
    const identities = await ensureDevIdentities(join(dir, 'identities'));
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await issueDevToken(identities, 'be-counsellor')}`, 'x-purpose': 'RETURN_COUNSELLING' },
      body: JSON.stringify({ query: '{ cases(first: 2) { edges { node { ref owningMemberState } } } }' }),
    });
    const body = (await response.json()) as { data?: { cases: { edges: { node: { ref: string; owningMemberState: string } }[] } }; errors?: unknown };
    expect(response.status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.cases.edges).toHaveLength(2);
    expect(body.data?.cases.edges.every(({ node }) => node.owningMemberState === 'BE')).toBe(true);
  });
});

describe('the build of a small project', () => {
  const root = mkdtempSync(join(tmpdir(), 'continuum-build-'));
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  const run = (file: string) => execFileSync(process.execPath, [join(root, 'dist', file)], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }).trim();

  beforeAll(() => {
    write('package.json', JSON.stringify({ name: 'fixture', version: '1.2.3', type: 'module' }));
    write('tsconfig.json', JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true,
        typeRoots: [join(ROOT, 'node_modules/@types')], types: ['node'],
        paths: { '@fixture/greeting': ['./lib/index.ts'] },
      },
    }));
    write('tsconfig.build.json', JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { noEmit: false, outDir: 'dist', rootDir: '.', incremental: true, tsBuildInfoFile: 'dist/.tsbuildinfo' },
      include: ['app', 'lib'],
    }));
    write('lib/index.ts', "import { readFileSync } from 'node:fs';\nexport const greeting = (): string => readFileSync(new URL('./greeting.yaml', import.meta.url), 'utf8').trim();\n");
    write('lib/greeting.yaml', 'hello\n');
    write('app/main.ts', "import { greeting } from '@fixture/greeting';\nconsole.log(greeting());\n");
    write('app/old.ts', 'export const old = 1;\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('compiles, copies the assets and resolves the "paths" aliases with plain node', () => {
    expect(build(root, quiet)).toBe(true);
    expect(run('app/main.js')).toBe('hello');
    expect(JSON.parse(readFileSync(join(root, 'dist/package.json'), 'utf8'))).toEqual({ name: 'fixture', version: '1.2.3', private: true, type: 'module' });
  });

  it('does not compile again when nothing changed', () => {
    expect(isCurrent(root)).toBe(true);
    expect(build(root, quiet)).toBe(false);
  });

  it('stays current when a file the build does not read appears among the sources', () => {
    write('app/notes.txt', 'left by a run\n');
    expect(isCurrent(root)).toBe(true);
  });

  it('is stale after an asset changed, the CLI runner then takes the source, and the rebuild carries the change', () => {
    write('lib/greeting.yaml', 'bonjour\n');
    expect(isCurrent(root)).toBe(false);
    expect(runnable('app/main.ts', root).args).toEqual(['--import', expect.stringContaining('tsx'), join(root, 'app/main.ts')]);
    expect(build(root, quiet)).toBe(true);
    expect(run('app/main.js')).toBe('bonjour');
  });

  it('is stale after a configuration file changed', () => {
    write('package.json', JSON.stringify({ name: 'fixture', version: '1.2.4', type: 'module' }));
    expect(isCurrent(root)).toBe(false);
  });

  it('removes the output of a deleted source', () => {
    expect(existsSync(join(root, 'dist/app/old.js'))).toBe(true);
    rmSync(join(root, 'app/old.ts'));
    expect(build(root, quiet)).toBe(true);
    expect(existsSync(join(root, 'dist/app/old.js'))).toBe(false);
  });

  it('compiles everything again when an output was deleted behind its back', () => {
    rmSync(join(root, 'dist/lib/index.js'));
    write('app/main.ts', "import { greeting } from '@fixture/greeting';\nconsole.log(greeting().toUpperCase());\n");
    expect(build(root, quiet)).toBe(true);
    expect(run('app/main.js')).toBe('BONJOUR');
  });

  it('is not current after a failed compile', () => {
    write('app/main.ts', 'const n: number = "not a number";\n');
    expect(() => build(root, quiet)).toThrow(/tsc failed/);
    expect(isCurrent(root)).toBe(false);
  });
});
