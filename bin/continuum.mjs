#!/usr/bin/env node
// The `continuum` command: runs bin/cli.ts through tsx in a child Node process, with the same
// stdio, and exits with its exit code. tsx is resolved from this package, not the working directory,
// and reads this package's tsconfig.json (whose "paths" map @continuum/contract and
// @continuum/subgraph-kit to their sources) wherever the command is run from.
import { spawn } from 'node:child_process';
import console from 'node:console';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
const child = spawn(process.execPath, ['--import', tsx, cliPath, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
});

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
