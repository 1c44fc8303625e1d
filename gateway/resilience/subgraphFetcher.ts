/**
 * The HTTP client the gateway calls subgraphs with: Node's own `http`/`https` over keep-alive
 * agents, one per process, in place of Apollo Gateway's default fetcher.
 *
 * Apollo's default (`make-fetch-happen`, over minipass-fetch and @npmcli/agent) is a client made
 * for npm's registry traffic: an HTTP cache layer, integrity checks, proxy discovery, and an agent
 * that captures stack traces to tell http from https. On a subgraph call none of that applies, and
 * it cost ≈ 0.8 ms of CPU per call more than a plain keep-alive request (measured in one process,
 * 50-entity answers on loopback: docs/BENCHMARKS.md § Subgraph calls) — on a request that fans out
 * to five subgraphs, more than the gateway's enforcement of the whole answer.
 *
 * What it does, and deliberately does not:
 * - the answer is read whole before the promise resolves, under the caller's AbortSignal (the
 *   resilient fetcher's deadline), so a subgraph that stalls mid-body times out like one that
 *   never answers; an abort rejects with the signal's reason (AbortError / TimeoutError);
 * - redirects are not followed: a 3xx is an answer (`ok` false), so the signed context in the
 *   body is never re-sent to an address the subgraph names;
 * - no compression is asked for, no cache, no proxy (subgraphs are on the hub's own network; a
 *   proxy in between would see every signed context);
 * - a connection failure rejects with Node's error (ECONNREFUSED, ECONNRESET…), which the data
 *   source answers as HUB_SUBGRAPH_UNAVAILABLE.
 * https uses Node's trust store plus NODE_EXTRA_CA_CERTS, as every other client in the hub.
 */
import http from 'node:http';
import https from 'node:https';
import type { Fetcher } from './resilientFetcher.js';

type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

/** An answer held in memory, shaped as the engine's fetcher contract (@apollo/utils.fetcher) asks. */
class BufferedResponse implements FetcherResponse {
  readonly redirected = false;
  private used = false;
  private parsedHeaders: Headers | undefined;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    private readonly rawHeaders: http.IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  // Node's Headers is iterable (entries, keys, values); TypeScript's lib here does not say so.
  get headers(): FetcherResponse['headers'] {
    if (!this.parsedHeaders) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(this.rawHeaders)) {
        if (value === undefined) continue;
        for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
      }
      this.parsedHeaders = headers;
    }
    return this.parsedHeaders as unknown as FetcherResponse['headers'];
  }

  async text(): Promise<string> {
    this.used = true;
    return this.body.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.used = true;
    return this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer;
  }

  clone(): FetcherResponse {
    return new BufferedResponse(this.url, this.status, this.statusText, this.rawHeaders, this.body);
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('the subgraph call was aborted');
  error.name = 'AbortError';
  return error;
}

/** Calls `url` with `init` (POST and a string body, as the engine sends) and resolves with the whole answer. */
export const subgraphFetcher: Fetcher = (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> =>
  new Promise((resolve, reject) => {
    const signal = init?.signal as AbortSignal | undefined;
    if (signal?.aborted) return reject(abortReason(signal));
    let target: URL;
    try {
      target = new URL(url);
    } catch (error) {
      return reject(error as Error);
    }
    const agent = agents[target.protocol as keyof typeof agents];
    if (!agent) return reject(new TypeError(`a subgraph URL must be http: or https:, got ${target.protocol}`));
    const body = init?.body ?? '';
    const headers: Record<string, string | number> = { ...init?.headers, 'content-length': Buffer.byteLength(body) };
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(target, { method: init?.method ?? 'GET', headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('aborted', () => fail(signal?.aborted ? abortReason(signal) : new Error('the subgraph closed the connection mid-answer')));
      response.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(new BufferedResponse(url, response.statusCode ?? 0, response.statusMessage ?? '', response.headers, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      });
    });
    function fail(error: Error) {
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    }
    function onAbort() {
      const reason = abortReason(signal!);
      request.destroy(reason);
      fail(reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', fail);
    request.end(body);
  });
