#!/usr/bin/env node
/**
 * `npm run build`: the compiled hub in dist/, run by plain `node` with no TypeScript loader
 * (docs/DEPLOYMENT.md, "Build and run"). It
 * - compiles every module of tsconfig.build.json's "include" with tsc (incremental: a rebuild
 *   re-emits what changed), no source maps;
 * - copies beside them the files the code reads at run time through import.meta.url (schemas,
 *   the policy, the console and MEAL pages, benchmark data);
 * - lays out the in-repo packages that tsconfig.json "paths" maps (`@continuum/contract`,
 *   `@continuum/subgraph-kit`) as dist/node_modules/<name>, a package whose entry re-exports the
 *   compiled module, so that node resolves the same specifiers the sources use, with no loader
 *   and no rewriting of the emitted code;
 * - removes outputs whose source is gone;
 * - writes dist/.fingerprint last: one hash over every input (the modules and declarations, the
 *   assets, the tsconfigs, package.json, package-lock.json, this script).
 *
 * The build is current when that fingerprint equals the inputs' hash now: `npm start` then skips
 * tsc entirely, and `npx continuum` runs the compiled CLI. When any input changed, the build is
 * stale and never runs: `npm start` rebuilds first, the CLI falls back to the sources.
 */
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

/** The files beside the modules that the code reads at run time (by extension). */
const ASSET_EXTENSIONS = ['.graphql', '.yaml', '.json', '.html', '.css', '.js'];
/** Not assets: package and compiler configuration. */
const NOT_ASSETS = /^(package\.json|tsconfig(\..+)?\.json)$/;
/** Configuration at the project root that changes what the build emits or how it resolves. */
const ROOT_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
/** What the build writes in dist/ besides compiled modules and assets. */
const FINGERPRINT = '.fingerprint';
const OWN_FILES = new Set([FINGERPRINT, '.tsbuildinfo', 'package.json']);

const toPosix = (path) => path.split(sep).join('/');

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * Folders inside the compiled ones that runs write into (all gitignored): never inputs, or every
 * benchmark run would leave the build stale (bench/results/*.json are data files by extension).
 */
const RUN_OUTPUT = new Set(['bench/results']);

/** Every file under root/dir (relative to root, posix separators), skipping the folders `skip` names and run output. */
function walk(root, dir, skip = new Set(), out = []) {
  if (RUN_OUTPUT.has(dir)) return out;
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.isDirectory() && skip.has(entry.name)) continue;
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) walk(root, path, skip, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** The project as the build sees it: its inputs and what each becomes in dist/. */
export function project(root = ROOT) {
  const build = readJson(join(root, 'tsconfig.build.json'));
  const outDir = join(root, build.compilerOptions?.outDir ?? 'dist');
  const sources = build.include.flatMap((dir) => walk(root, dir, new Set(['node_modules', 'dist']))).sort();
  const modules = sources.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
  const assets = sources.filter((file) => ASSET_EXTENSIONS.includes(posix.extname(file)) && !NOT_ASSETS.test(posix.basename(file)));
  const paths = readJson(join(root, 'tsconfig.json')).compilerOptions?.paths ?? {};
  const packages = Object.entries(paths).map(([name, [target]]) => ({ name, module: posix.normalize(target).replace(/\.ts$/, '.js') }));
  // What the build reads: the modules and declarations, the assets, the root configuration (not
  // whatever else a run or a test leaves in those folders).
  const inputs = [...sources.filter((file) => file.endsWith('.ts') || assets.includes(file)), ...ROOT_INPUTS.filter((file) => existsSync(join(root, file)))];
  return { root, outDir, inputs, modules, assets, packages };
}

/** One hash over every input's path and content, and this script's. */
export function fingerprint(root = ROOT) {
  const { inputs } = project(root);
  const hash = createHash('sha256');
  for (const file of inputs) hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0');
  hash.update(readFileSync(SELF));
  return hash.digest('hex');
}

/** Whether dist/ was built from exactly the sources there are now. */
export function isCurrent(root = ROOT) {
  const { outDir } = project(root);
  const path = join(outDir, FINGERPRINT);
  return existsSync(path) && readFileSync(path, 'utf8').trim() === fingerprint(root);
}

/** Where a source module's compiled file is: `bin/cli.ts` → …/dist/bin/cli.js. */
export function compiled(source, root = ROOT) {
  return join(project(root).outDir, source.replace(/\.ts$/, '.js'));
}

/**
 * How to run a source module (`bin/cli.ts`): its compiled file with plain node when the build is
 * current, else the source itself through tsx (reading the project's tsconfig.json for "paths"),
 * never a stale build. `env` is what to lay over the environment.
 */
export function runnable(source, root = ROOT) {
  if (isCurrent(root)) return { compiled: true, args: [compiled(source, root)], env: {} };
  return { compiled: false, args: ['--import', import.meta.resolve('tsx'), join(root, source)], env: { TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') } };
}

/**
 * Builds dist/ unless it is current. Returns whether it built; throws when tsc fails (the old
 * fingerprint is removed first, so a failed build leaves dist/ stale, never current).
 */
export function build(root = ROOT, log = (line) => process.stderr.write(`${line}\n`)) {
  const before = fingerprint(root);
  const { outDir, modules, assets, packages } = project(root);
  const fingerprintPath = join(outDir, FINGERPRINT);
  const built = existsSync(fingerprintPath) ? readFileSync(fingerprintPath, 'utf8').trim() : undefined;
  if (built === before) return false;
  const started = performance.now();
  log(`Continuum: building dist/ (${built === undefined ? 'no current build' : 'sources changed since the last build'})…`);
  rmSync(fingerprintPath, { force: true });

  // tsc --incremental trusts its .tsbuildinfo and does not check that the outputs are still
  // there: with any compiled module missing, build everything again.
  if (modules.some((file) => !existsSync(join(outDir, file.replace(/\.ts$/, '.js'))))) rmSync(join(outDir, '.tsbuildinfo'), { force: true });
  // Resolved here, not on import: running a current build (bin/continuum.mjs) needs no compiler.
  const tscPath = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const tsc = spawnSync(process.execPath, [tscPath, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status ?? tsc.signal}); dist/ is not current`);

  for (const file of assets) {
    mkdirSync(dirname(join(outDir, file)), { recursive: true });
    copyFileSync(join(root, file), join(outDir, file));
  }

  // The version gateway/tracing.ts reads from ../package.json, and "type": "module" for dist/.
  const pkg = readJson(join(root, 'package.json'));
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: 'module' }, null, 2)}\n`);

  const expected = new Set([...modules.map((file) => file.replace(/\.ts$/, '.js')), ...assets, ...OWN_FILES]);
  for (const { name, module } of packages) {
    const dir = join(outDir, 'node_modules', ...name.split('/'));
    mkdirSync(dir, { recursive: true });
    const target = toPosix(relative(dir, join(outDir, module)));
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, private: true, type: 'module', exports: './index.js' }, null, 2)}\n`);
    writeFileSync(join(dir, 'index.js'), `// ${name}, compiled from ${module.replace(/\.js$/, '.ts')} (scripts/build.mjs).\nexport * from '${target}';\n`);
    expected.add(`node_modules/${name}/package.json`).add(`node_modules/${name}/index.js`);
  }

  // Outputs of sources that are gone (a deleted or renamed module or asset).
  for (const file of walk(outDir, '')) if (!expected.has(file)) rmSync(join(outDir, file));

  // The fingerprint of the inputs as they were when the build began: an edit made during the
  // build leaves it stale.
  writeFileSync(fingerprintPath, `${before}\n`);
  log(`Continuum: built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    if (!build()) process.stderr.write('Continuum: dist/ is up to date\n');
  } catch (error) {
    console.error(`continuum build: ${error.message}`);
    process.exit(1);
  }
}
