// Types of scripts/build.mjs for the tests that call it (tests/build/).
export interface Project {
  root: string;
  outDir: string;
  inputs: string[];
  modules: string[];
  assets: string[];
  packages: { name: string; module: string }[];
}
export function project(root?: string): Project;
export function fingerprint(root?: string): string;
export function isCurrent(root?: string): boolean;
export function compiled(source: string, root?: string): string;
export function runnable(source: string, root?: string): { compiled: boolean; args: string[]; env: Record<string, string> };
export function build(root?: string, log?: (line: string) => void): boolean;
