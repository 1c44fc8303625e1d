/**
 * The gateway's HTTP client for subgraph calls (gateway/resilience/subgraphFetcher.ts), against a
 * real HTTP server on an ephemeral port: whole answers over kept-alive connections, no redirects
 * followed, deadlines that cover the body, and connection failures as Node reports them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { subgraphFetcher } from '../../../gateway/resilience/index.js';

type Handler = (request: http.IncomingMessage, response: http.ServerResponse, body: string) => void;

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve).closeAllConnections())));
});

async function serve(handler: Handler): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, connections: () => connections };
}

const post = (url: string, body: unknown, signal?: AbortSignal) =>
  subgraphFetcher(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-request-id': 'r-1' }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });

describe('the subgraph fetcher', () => {
  it('sends the body and headers as given and resolves with the whole JSON answer', async () => {
    const seen: { body: string; headers: http.IncomingHttpHeaders }[] = [];
    const { url } = await serve((request, response, body) => {
      seen.push({ body, headers: request.headers });
      response.setHeader('content-type', 'application/graphql-response+json; charset=utf-8');
      response.end(JSON.stringify({ data: { echo: JSON.parse(body).query } }));
    });
    const response = await post(url, { query: '{ ping }' });

    expect(response.ok).toBe(true);
    expect(response.headers.get('Content-Type')).toBe('application/graphql-response+json; charset=utf-8');
    expect(await response.json()).toEqual({ data: { echo: '{ ping }' } });
    expect(seen[0]!.headers['x-request-id']).toBe('r-1');
    expect(seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength(seen[0]!.body)));
  });

  it('calls a subgraph over one kept-alive connection, not one connection per call', async () => {
    const server = await serve((_request, response) => response.end('{"data":{}}'));
    for (let i = 0; i < 5; i++) await (await post(server.url, { query: '{ ping }' })).text();

    expect(server.connections()).toBe(1);
  });

  it('answers a redirect as it is, never re-sending the signed body to the address it names', async () => {
    let followed = false;
    const elsewhere = await serve((_request, response) => {
      followed = true;
      response.end('{}');
    });
    const { url } = await serve((_request, response) => {
      response.statusCode = 307;
      response.setHeader('location', elsewhere.url);
      response.end();
    });
    const response = await post(url, { query: '{ ping }' });

    expect(response.status).toBe(307);
    expect(response.ok).toBe(false);
    expect(followed).toBe(false);
  });

  it('rejects with the deadline when a subgraph stalls in the middle of its answer', async () => {
    const { url } = await serve((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.write('{"data":{"cases":[');
    });
    const failure = await post(url, { query: '{ cases }' }, AbortSignal.timeout(200)).catch((error: Error) => error);

    expect((failure as Error).name).toBe('TimeoutError');
  });

  it("rejects with Node's own error when nothing listens", async () => {
    const { url } = await serve(() => {});
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
    const failure = await post(url, { query: '{ ping }' }).catch((error: NodeJS.ErrnoException) => error);

    expect((failure as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('refuses a URL that is neither http nor https before any connection', async () => {
    await expect(post('file:///etc/passwd', {})).rejects.toThrow(/must be http: or https:/);
  });
});
