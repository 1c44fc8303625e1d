/**
 * The edge starts before the subgraph or the hub can answer, and says so: /healthz answers while
 * it runs, /readyz only once it holds the hub's keys and the subgraph's schema, and until then a
 * GraphQL request is answered 503 EDGE_NOT_READY — never forwarded unchecked.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { generateContextKeys } from '../../auth/context-token.js';
import { edgeLogger, startEdge } from '../../edge/index.js';
import { startPlainSubgraph } from '../../demos/plain-subgraph/server.js';
import { call, decisions, HOUSING_QUERY, publishKeys, releasedAll, representations } from './harness.js';

/** A port nothing listens on (taken, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('edge readiness', () => {
  it('is alive but not ready while the subgraph does not answer, and ready once it does', async () => {
    const hub = await generateContextKeys();
    const jwks = await publishKeys([hub.publicJwk]);
    const port = await freePort();
    const edge = await startEdge(
      { subgraphName: 'housing', upstreamUrl: `http://127.0.0.1:${port}/graphql`, host: '127.0.0.1', port: 0, jwksUrl: jwks.url, refreshSeconds: 300, cooldownSeconds: 30, upstreamTimeoutMs: 2_000, bodyLimitBytes: 65_536, logLevel: 'silent' },
      { logger: edgeLogger('silent', 'housing'), retryMs: 50 },
    );
    try {
      expect((await fetch(`${edge.origin}/healthz`)).status).toBe(200);
      const readyz = await fetch(`${edge.origin}/readyz`);
      expect({ status: readyz.status, body: await readyz.json() }).toEqual({ status: 503, body: { status: 'not-ready', subgraph: 'housing', keys: true, schema: false } });
      const request = { query: HOUSING_QUERY, variables: representations('EU-2024-000020') };
      const context = { keys: hub, decisions: decisions({ 'EU-2024-000020': releasedAll() }) };
      expect(await call(edge.url, request, context)).toEqual({
        status: 503,
        body: { errors: [{ message: "The edge has not loaded the hub's context keys and the subgraph's schema yet, or is stopping.", extensions: { code: 'EDGE_NOT_READY' } }] },
      });

      const subgraph = await startPlainSubgraph({ port });
      try {
        await edge.ready();
        expect((await fetch(`${edge.origin}/readyz`)).status).toBe(200);
        expect((await call(edge.url, request, context)).status).toBe(200);
      } finally {
        await subgraph.close();
      }
    } finally {
      await edge.close();
      await jwks.close();
    }
  });
});
