#!/usr/bin/env node
// The `continuum` command: runs the CLI in a child Node process, with the same stdio, and exits
// with its exit code.
// - With a current build (dist/ built from exactly these sources, scripts/build.mjs), it runs the
//   compiled CLI, dist/bin/cli.js, with plain node: no TypeScript loader (production).
// - Otherwise (no build, or a source changed since), it runs bin/cli.ts through tsx, never a stale
//   build (development). tsx is resolved from this package, not the working directory, and reads
//   this package's tsconfig.json (whose "paths" map @continuum/contract and
//   @continuum/subgraph-kit to their sources) wherever the command is run from.
import { spawn } from 'node:child_process';
import console from 'node:console';
import process from 'node:process';
import { runnable } from '../scripts/build.mjs';

const cli = runnable('bin/cli.ts');
const child = spawn(process.execPath, [...cli.args, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, ...cli.env } });

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}

child.on('error', (error) => {
  console.error(`continuum: cannot start the CLI: ${error.message}`);
  process.exit(1);
});

child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
