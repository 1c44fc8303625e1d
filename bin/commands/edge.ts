/**
 * `continuum edge [--config FILE]`: runs the enforcement edge in front of a partner's own
 * federation subgraph (edge/server.ts). Configuration from the JSON file and/or the environment
 * (edge/config.ts); every problem is listed before anything listens. SIGTERM or SIGINT stops it
 * gracefully: no new requests, those in flight finish, then exit 0.
 */
import { EDGE_ENV, EdgeConfigError, loadEdgeConfig, startEdge } from '../../edge/index.js';
import type { SubcommandHandler } from './types.js';
import { parseCommand, type CommandSpec } from './usage.js';

export const SPEC = {
  name: 'edge',
  summary: "Run the enforcement edge in front of your own federation subgraph: it verifies the hub's signed context and enforces its decisions.",
  options: {
    config: { type: 'string', value: 'FILE', description: 'a JSON file with the settings below (the environment overrides it)' },
  },
  notes: [
    'Settings (file key, environment variable):',
    ...Object.entries(EDGE_ENV).map(([key, variable]) => `  ${key.padEnd(18)} ${variable}`),
    '',
    'Required: subgraphName, upstreamUrl, and one of jwksUrl / jwksFile. See docs/PARTNER-PROTOCOL.md.',
    'Exit status: 0 stopped by SIGTERM/SIGINT, 1 invalid configuration or failed start, 2 usage error.',
  ].join('\n'),
} satisfies CommandSpec;

export const run: SubcommandHandler = async (args) => {
  const parsed = parseCommand(SPEC, args);
  if (typeof parsed === 'number') return parsed;
  let config;
  try {
    config = loadEdgeConfig({ file: parsed.values.config });
  } catch (error) {
    if (error instanceof EdgeConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const edge = await startEdge(config);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await edge.close();
  return 0;
};
