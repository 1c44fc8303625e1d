/**
 * The module boundaries, checked on the source so they stay true (docs/ARCHITECTURE.md §
 * Components): the gateway and the subgraphs meet only through the contract; the contract needs
 * graphql and Node alone; the kit and the Nigerian referral mechanism import nothing of the hub
 * by path, as a partner's copy of them could not (tests/subgraphs/kit-package.test.ts runs the
 * NRM from the packed kit); case facts belong to neither side.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every TypeScript source file under `dir` (repository-relative), node_modules and builds aside. */
function sources(dir: string): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(join(ROOT, at), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(m|c)?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}

interface Import {
  file: string;
  specifier: string;
  /** Repository-relative target of a relative specifier (with the source's `.ts`), else null. */
  target: string | null;
}

/** Static imports, re-exports, `import type` and dynamic `import('…')` of each file. */
function importsOf(files: readonly string[]): Import[] {
  return files.flatMap((file) =>
    ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true).importedFiles.map(({ fileName: specifier }) => ({
      file,
      specifier,
      target: specifier.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), specifier)).replace(/\.js$/, '.ts') : null,
    })),
  );
}

const within = (path: string | null, dir: string) => path !== null && (path === dir || path.startsWith(`${dir}/`));
const shown = (imports: readonly Import[]) => imports.map((i) => `${i.file} → ${i.specifier}`);
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

describe('module boundaries', () => {
  test('the gateway imports nothing from subgraphs/, but for its composition root through the subgraphs surface', () => {
    const crossing = importsOf(sources('gateway')).filter((i) => within(i.target, 'subgraphs'));
    expect(shown(crossing.filter((i) => !(i.file === 'gateway/embedded.ts' && i.target === 'subgraphs/index.ts')))).toEqual([]);
  });

  test('no subgraph imports anything from gateway/', () => {
    expect(shown(importsOf(sources('subgraphs')).filter((i) => within(i.target, 'gateway')))).toEqual([]);
  });

  test('the edge and the conformance suite import nothing of the gateway or of any subgraph', () => {
    const imports = importsOf([...sources('edge'), ...sources('conformance')]);
    expect(shown(imports.filter((i) => within(i.target, 'gateway') || within(i.target, 'subgraphs') || within(i.target, 'facts') || within(i.target, 'store')))).toEqual([]);
  });

  test('the contract imports graphql, Node built-ins and its own files only', () => {
    const outside = importsOf(sources('contract')).filter((i) => (i.target === null ? i.specifier !== 'graphql' && !NODE_BUILTINS.has(i.specifier) : !within(i.target, 'contract')));
    expect(shown(outside)).toEqual([]);
  });

  test('case facts import neither the gateway nor a subgraph', () => {
    expect(shown(importsOf(sources('facts')).filter((i) => within(i.target, 'gateway') || within(i.target, 'subgraphs')))).toEqual([]);
  });

  test('the kit imports no path outside its folder, and only packages its package.json depends on', () => {
    const kit = JSON.parse(readFileSync(join(ROOT, 'subgraphs/kit/package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    const declared = new Set([...Object.keys(kit.dependencies ?? {}), ...Object.keys(kit.peerDependencies ?? {})]);
    const imports = importsOf(sources('subgraphs/kit'));
    expect(shown(imports.filter((i) => i.target !== null && !within(i.target, 'subgraphs/kit')))).toEqual([]);
    expect(shown(imports.filter((i) => i.target === null && !NODE_BUILTINS.has(i.specifier) && !declared.has(packageOf(i.specifier))))).toEqual([]);
  });

  test('the Nigerian referral mechanism imports no path outside its folder, and only packages its package.json depends on', () => {
    const nrm = JSON.parse(readFileSync(join(ROOT, 'subgraphs/ng-referrals/package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const declared = new Set(Object.keys(nrm.dependencies ?? {}));
    const imports = importsOf(sources('subgraphs/ng-referrals'));
    expect(shown(imports.filter((i) => i.target !== null && !within(i.target, 'subgraphs/ng-referrals')))).toEqual([]);
    expect(shown(imports.filter((i) => i.target === null && !NODE_BUILTINS.has(i.specifier) && !declared.has(packageOf(i.specifier))))).toEqual([]);
  });
});
