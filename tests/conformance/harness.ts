/**
 * The suite's side of a conformance run: its keys in a fresh directory (as `continuum conformance
 * keygen` makes them), and the endpoint configured to trust them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSuiteKeys, KEY_FILES, type SuiteKeys } from '../../conformance/index.js';
import { edgeLogger, startEdge, type RunningEdge } from '../../edge/index.js';

export const DEMO_CASES = ['EU-2024-000020', 'EU-2024-000015', 'EU-2024-000001'];

export async function suiteKeys(): Promise<{ dir: string; keys: SuiteKeys; jwksFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-conformance-'));
  const keys = await generateSuiteKeys(dir);
  return { dir, keys, jwksFile: join(dir, KEY_FILES.jwks) };
}

/** An edge for `upstreamUrl` trusting the suite's key set (a file, as a partner configures it). */
export async function edgeTrusting(jwksFile: string, upstreamUrl: string, subgraphName = 'housing'): Promise<RunningEdge> {
  const edge = await startEdge(
    { subgraphName, upstreamUrl, host: '127.0.0.1', port: 0, jwksFile, refreshSeconds: 300, cooldownSeconds: 30, upstreamTimeoutMs: 5_000, bodyLimitBytes: 1024 * 1024, logLevel: 'silent' },
    { logger: edgeLogger('silent', subgraphName), retryMs: 50 },
  );
  await edge.ready();
  return edge;
}
