/**
 * Failing subgraphs, for real: the iq-partner subgraph is routed (through a recomposed supergraph,
 * published to the running gateway) via a small HTTP server on 127.0.0.1 that forwards to the
 * real subgraph — or hangs, answers 500, or closes the connection, as the test says. Every answer
 * arrives within the deadline with the rest of the query; after three failed calls the breaker
 * opens and answers at once without calling; after the cool-down one probe closes it again.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../schema/compose.js';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';

const CASES = 40;
const IQ_PARTNER = 'IQ/NGO/IQ-REINTEGRATION-PARTNER';
const CASE = [...syntheticCases(CASES)].find((c) => c.assignedPartner === IQ_PARTNER && c.partnerFile)!;
const QUERY = 'query PartnerFile($ref: CaseRef!) { case(ref: $ref) { ref status partnerFile { partner } } }';
const RESILIENCE = { timeoutMs: 1000, retries: 2, backoffMs: 20, failureThreshold: 3, cooldownMs: 1500 };

type Mode = 'forward' | 'hang' | '500' | 'close';

/** A stand-in for the subgraph that misbehaves on demand and counts what reaches it. */
async function misbehaving(target: string): Promise<{ server: Server; url: string; mode: Mode; requests: number; lastHeaders: Record<string, unknown> }> {
  const state = { mode: 'forward' as Mode, requests: 0, lastHeaders: {} as Record<string, unknown> };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.requests++;
      state.lastHeaders = { ...request.headers };
      if (state.mode === 'hang') return; // never answers
      if (state.mode === 'close') return request.socket.destroy();
      if (state.mode === '500') {
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"message":"national system failure"}]}');
        return;
      }
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
      fetch(target, { method: 'POST', headers, body: Buffer.concat(chunks) })
        .then(async (upstream) => response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(await upstream.text()))
        .catch(() => response.socket?.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return Object.assign(state, { server, url });
}

describe.each(testStores)('failing subgraphs on $name', (store) => {
  let federation: TestFederation;
  let stand: Awaited<ReturnType<typeof misbehaving>>;

  const ask = async () => {
    const started = performance.now();
    const response = await federation.query('iq-partner', 'REINTEGRATION_ASSISTANCE', QUERY, { ref: CASE.ref });
    return { ...response, ms: performance.now() - started };
  };
  const circuitState = async () => {
    const text = await (await fetch(federation.gateway.url.replace(/\/graphql$/, '/metrics'))).text();
    return /continuum_subgraph_circuit_state\{subgraph="iq-partner"\} (\d)/.exec(text)?.[1];
  };
  /** One call in `mode`: how many requests reached the stand-in, and the answer. */
  const inMode = async (mode: Mode) => {
    stand.mode = mode;
    const before = stand.requests;
    const answer = await ask();
    return { ...answer, reached: stand.requests - before };
  };

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES, resilience: RESILIENCE });
    const iqPartner = federation.systems.get('iq-partner')!.subgraph;
    stand = await misbehaving(iqPartner.url);
    const composed = composeSupergraph(
      [...federation.systems.values()].map(({ subgraph }) => ({ name: subgraph.name, url: subgraph === iqPartner ? stand.url : subgraph.url, sdl: subgraph.sdl })),
    );
    if (!composed.ok) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
    await federation.gateway.supergraph.publish(composed.supergraphSdl);
    for (let attempt = 0; stand.requests === 0; attempt++) {
      if (attempt === 50) throw new Error('the gateway never called the stand-in');
      await ask();
      if (stand.requests === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    stand?.server.closeAllConnections();
    await new Promise((resolve) => stand?.server.close(resolve));
    await federation?.stop();
  });

  const partial = (code: string, message: string) => ({
    data: { case: { ref: CASE.ref, status: expect.any(String), partnerFile: null } },
    // At the path of the field the failed call would have served.
    errors: [{ message, path: ['case', 'partnerFile'], extensions: { code, hubCode: `HUB_${code}`, serviceName: 'iq-partner' } }],
  });

  it('answers in full while the subgraph is healthy, forwarding the request id and W3C trace context', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const requestId = '00000000-0000-4000-8000-00000000a001';
    const traced = await fetch(federation.gateway.url, {
      method: 'POST',
      headers: { ...(await federation.as('iq-partner', 'REINTEGRATION_ASSISTANCE')), 'content-type': 'application/json', 'x-request-id': requestId, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ query: QUERY, variables: { ref: CASE.ref } }),
    });
    expect(traced.status).toBe(200);
    expect(stand.lastHeaders['x-request-id']).toBe(requestId);
    expect(stand.lastHeaders.traceparent).toMatch(new RegExp(`^00-${traceId}-(?!00f067aa0ba902b7)[0-9a-f]{16}-01$`));
    expect(stand.lastHeaders['x-continuum-fetch-kind']).toBeUndefined();

    const answer = await inMode('forward');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ case: { ref: CASE.ref, status: expect.any(String), partnerFile: { partner: expect.any(String) } } });
    expect(await circuitState()).toBe('0');
  });

  it('a subgraph that hangs: the rest of the answer within the 1 s deadline, no retry', async () => {
    const answer = await inMode('hang');
    expect({ data: answer.data, errors: answer.errors }).toEqual(partial('SUBGRAPH_TIMEOUT', 'Subgraph "iq-partner" did not answer within 1000 ms; its fields are null in this response.'));
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(RESILIENCE.timeoutMs + 1500);
    expect(answer.reached).toBe(1);
  });

  it('a subgraph that answers 500: retried twice, then the rest of the answer', async () => {
    const answer = await inMode('500');
    expect({ data: answer.data, errors: answer.errors }).toEqual(partial('SUBGRAPH_ERROR', 'Subgraph "iq-partner" answered with HTTP 500; its fields are null in this response.'));
    expect(answer.reached).toBe(3);
    expect(answer.ms).toBeLessThan(RESILIENCE.timeoutMs + 1500);
  });

  it('a subgraph that closes connections: retried twice, then the rest of the answer; the third failure opens the circuit', async () => {
    const answer = await inMode('close');
    expect({ data: answer.data, errors: answer.errors }).toEqual(partial('SUBGRAPH_UNAVAILABLE', 'Subgraph "iq-partner" is unavailable; its fields are null in this response.'));
    expect(answer.reached).toBe(3);
    expect(await circuitState()).toBe('2');
  });

  it('open: answers at once without calling the subgraph, naming it', async () => {
    const answer = await inMode('forward'); // healthy again, but the breaker does not know yet
    expect({ data: answer.data, errors: answer.errors }).toEqual(
      partial('SUBGRAPH_CIRCUIT_OPEN', 'Subgraph "iq-partner" is failing and is not being called for a while; its fields are null in this response.'),
    );
    expect(answer.reached).toBe(0);
    expect(answer.ms).toBeLessThan(500);
  });

  it('after the cool-down one probe goes through, succeeds, and closes the circuit', async () => {
    await new Promise((resolve) => setTimeout(resolve, RESILIENCE.cooldownMs + 100));
    const answer = await inMode('forward');
    expect(answer.errors).toBeUndefined();
    expect(answer.reached).toBe(1);
    expect(await circuitState()).toBe('0');
    const metrics = await (await fetch(federation.gateway.url.replace(/\/graphql$/, '/metrics'))).text();
    for (const outcome of ['ok', 'timeout', 'error', 'unavailable', 'circuit_open']) {
      expect(metrics).toMatch(new RegExp(`continuum_subgraph_requests_total\\{subgraph="iq-partner",outcome="${outcome}"\\} [1-9]`));
    }
    expect(metrics).toContain('continuum_subgraph_circuit_transitions_total{subgraph="iq-partner",state="open"} 1');
    expect(metrics).toContain('continuum_subgraph_circuit_transitions_total{subgraph="iq-partner",state="closed"} 1');
  });
});
