/**
 * The edge at its HTTP door: bodies it will not read, paths and methods it does not serve,
 * introspection, a subgraph that stops answering, and a graceful stop that lets a request in
 * flight finish — each answered with its code from docs/PARTNER-PROTOCOL.md §7.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlainSubgraph, type RunningPlainSubgraph } from '../../demos/plain-subgraph/server.js';
import { call, decisions, HOUSING_QUERY, releasedAll, representations, startEdgeFor, type EdgeUnderTest } from './harness.js';

let subgraph: RunningPlainSubgraph;
let under: EdgeUnderTest;

beforeAll(async () => {
  subgraph = await startPlainSubgraph();
  under = await startEdgeFor(subgraph.url);
});

afterAll(async () => {
  await under?.close();
  await subgraph?.close();
});

async function raw(url: string, init: RequestInit) {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as unknown };
}

const context = () => ({ keys: under.hub, decisions: decisions({ 'EU-2024-000020': releasedAll() }) });

describe('the edge at its HTTP door', () => {
  it('answers a body that is not JSON with 400 BAD_REQUEST', async () => {
    expect(await raw(under.edge.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' })).toEqual({
      status: 400,
      body: { errors: [{ message: 'The request body must be a JSON object with a "query" string, optional "variables" (an object) and "operationName" (a string).', extensions: { code: 'BAD_REQUEST' } }] },
    });
  });

  it('answers a batch (a JSON array) with 400 BAD_REQUEST', async () => {
    expect((await raw(under.edge.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })).status).toBe(400);
  });

  it('answers a body larger than its limit with 413, without reading it', async () => {
    expect(await raw(under.edge.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'x'.repeat(2 * 1024 * 1024) }) })).toEqual({
      status: 413,
      body: { errors: [{ message: 'The request body is larger than this edge accepts.', extensions: { code: 'BAD_REQUEST_TOO_LARGE' } }] },
    });
  });

  it('serves only POST /graphql, /healthz and /readyz', async () => {
    expect((await raw(`${under.edge.origin}/admin`, {})).status).toBe(404);
    expect(await raw(under.edge.url, {})).toEqual({ status: 405, body: { errors: [{ message: 'GraphQL requests to this edge are POST /graphql with a JSON body.', extensions: { code: 'METHOD_NOT_ALLOWED' } }] } });
  });

  it('refuses introspection even with a valid context: the schema is _service { sdl }', async () => {
    expect(await call(under.edge.url, { query: '{ __schema { types { name } } }' }, context())).toEqual({
      status: 400,
      body: { errors: [{ message: 'Introspection is not served through the Continuum edge; the schema is `_service { sdl }`.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] },
    });
  });

  it('passes _service { sdl } to a valid caller', async () => {
    expect(await call(under.edge.url, { query: '{ _service { sdl } }' }, context())).toEqual({ status: 200, body: { data: { _service: { sdl: expect.stringContaining('type HousingSupport') } } } });
  });
});

describe('the edge when the subgraph fails or the edge stops', () => {
  let slow: Server;
  const noAnswer = () => {};
  let release: () => void = noAnswer;
  let slowEdge: EdgeUnderTest;

  beforeAll(async () => {
    // A subgraph that answers its schema at once, and entity fetches only when the test says so.
    slow = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        // The answer is the plain subgraph's, whenever it comes.
        const answer = () =>
          void fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (upstream) => {
            response.writeHead(upstream.status, { 'content-type': 'application/json' });
            response.end(await upstream.text());
          });
        if (body.includes('_service')) answer();
        else release = answer;
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    slowEdge = await startEdgeFor(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/graphql`);
  });

  afterAll(async () => {
    await slowEdge?.close();
    await new Promise((resolve) => slow.close(resolve));
  });

  it('lets a request in flight finish when it stops', async () => {
    const inFlight = call(slowEdge.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020') }, { keys: slowEdge.hub, decisions: decisions({ 'EU-2024-000020': releasedAll() }) });
    // Wait until the request has reached the subgraph (it holds the answer back).
    while (release === noAnswer) await new Promise((resolve) => setTimeout(resolve, 10));
    const stopped = slowEdge.edge.close();
    release();
    expect(await inFlight).toEqual({
      status: 200,
      body: { data: { _entities: [{ housing: { address: '14 Synthetic Lane, Ikeja', movedInOn: '2026-02-03', needs: [{ kind: 'RENT', healthNote: null }, { kind: 'ACCESSIBILITY', healthNote: 'Uses a wheelchair since 2024 (synthetic).' }] } }] } },
    });
    await stopped;
    expect(slowEdge.logs.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
  });
});

describe('the edge when the subgraph stops answering', () => {
  it('answers 502 BACKEND_UNAVAILABLE, naming neither the subgraph nor its address', async () => {
    const own = await startPlainSubgraph();
    const edge = await startEdgeFor(own.url);
    await own.close();
    try {
      expect(await call(edge.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020') }, { keys: edge.hub, decisions: decisions({ 'EU-2024-000020': releasedAll() }) })).toEqual({
        status: 502,
        body: { errors: [{ message: 'The subgraph behind this edge did not answer.', extensions: { code: 'BACKEND_UNAVAILABLE' } }] },
      });
    } finally {
      await edge.close();
    }
  });
});
