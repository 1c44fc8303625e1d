import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node resolves `graphql` to its CommonJS build (package.json "main"), as Apollo's CommonJS
    // packages do; Vite would pick the ESM build ("module") for our code, giving two graphql
    // instances whose types fail each other's instanceof checks. One instance, as in production.
    alias: [
      { find: /^graphql$/, replacement: require.resolve('graphql') },
      // The hub's own packages, from source, as tsconfig.json's "paths" map them for tsc and tsx.
      { find: /^@continuum\/contract$/, replacement: fileURLToPath(new URL('./contract/index.ts', import.meta.url)) },
      { find: /^@continuum\/subgraph-kit$/, replacement: fileURLToPath(new URL('./subgraphs/kit/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    // Every response a test's gateway shapes is shaped by Apollo Gateway's own shaping too, and compared.
    setupFiles: ['tests/setup/shaping.ts'],
    // Integration suites start real servers on ephemeral ports; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { APOLLO_TELEMETRY_DISABLED: 'true' },
  },
});
