/**
 * The enforcement edge: an HTTP reverse proxy a partner runs in front of its own federation
 * subgraph (any language, no Continuum code inside), on its own premises. For every request it
 *
 * 1. refuses anything without a context the hub's gateway signed for this subgraph (HTTP 401,
 *    `UNAUTHENTICATED` with `hubCode: HUB_CONTEXT_INVALID`, as the kit answers);
 * 2. validates the document against the subgraph's own schema (read at start via `_service`);
 * 3. removes what every case of the request denies, forwards the rest (./enforce.ts);
 * 4. rebuilds the answer from the client's selection, every per-case decision applied.
 *
 * GET /healthz answers while the process runs; GET /readyz once the key set and the subgraph's
 * schema are loaded (until then GraphQL requests answer 503 `EDGE_NOT_READY`). `close()` stops
 * accepting, lets requests in flight finish, then closes (SIGTERM in bin/commands/edge.ts).
 * The wire protocol: docs/PARTNER-PROTOCOL.md.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLFormattedError } from 'graphql';
import { ContextTokenError, type SubgraphContext } from '../auth/context-token.js';
import type { EdgeConfig } from './config.js';
import { Enforcer, RefusedDocument, type Operation } from './enforce.js';
import { EDGE_CODES, REFUSAL_MESSAGE } from './errors.js';
import { edgeLogger, type EdgeLogger } from './log.js';
import { edgeSchema } from './schema.js';
import { httpCall } from './http.js';
import { TrustedKeys } from './keys.js';

/** Where a request carries the gateway's signed context: `extensions.continuumContext` of the body. */
export const CONTEXT_EXTENSION = 'continuumContext';

const REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const SERVICE_QUERY = '{ _service { sdl } }';
const DRAIN_MS = 10_000;
/** The largest answer the edge reads from the subgraph. */
const UPSTREAM_LIMIT_BYTES = 64 * 1024 * 1024;

export interface RunningEdge {
  /** The edge's GraphQL endpoint: the routing URL the partner registers with the hub. */
  url: string;
  /** The base URL (for /healthz and /readyz). */
  origin: string;
  /** Resolves once keys and schema are loaded. */
  ready(): Promise<void>;
  readonly isReady: boolean;
  close(): Promise<void>;
}

export interface EdgeOptions {
  logger?: EdgeLogger;
  /** Delay between attempts to load keys and schema while not ready (default 1 s, doubling to 30 s). */
  retryMs?: number;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}

function errorsBody(code: keyof typeof EDGE_CODES, extra?: Partial<GraphQLFormattedError>) {
  return { errors: [{ message: EDGE_CODES[code].message, ...extra, extensions: { code } }] };
}

/** The body, up to `limit` bytes; null when it is larger. */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      request.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

interface GraphQLBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: Record<string, unknown>;
}

export async function startEdge(config: EdgeConfig, options: EdgeOptions = {}): Promise<RunningEdge> {
  const log = options.logger ?? edgeLogger(config.logLevel, config.subgraphName);
  const keys = new TrustedKeys(config.jwksUrl ? { jwksUrl: config.jwksUrl } : { jwksFile: config.jwksFile! }, {
    refreshSeconds: config.refreshSeconds,
    cooldownSeconds: config.cooldownSeconds,
    fetchTimeoutMs: 5_000,
    onRefreshFailed: (problem) => log.warn('context key set refresh failed; keeping the keys already trusted', { problem }),
  });
  let enforcer: Enforcer | null = null;
  let stopping = false;
  let inFlight = 0;

  async function upstream(body: unknown, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
    const answer = await httpCall(config.upstreamUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      timeoutMs: config.upstreamTimeoutMs,
      maxBytes: UPSTREAM_LIMIT_BYTES,
    });
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      json = undefined;
    }
    return { status: answer.status, json };
  }

  async function loadSchema(): Promise<Enforcer> {
    const { status, json } = await upstream({ query: SERVICE_QUERY }, {});
    const sdl = (json as { data?: { _service?: { sdl?: unknown } } } | undefined)?.data?._service?.sdl;
    if (status !== 200 || typeof sdl !== 'string') throw new Error(`the subgraph did not answer _service { sdl } (HTTP ${status})`);
    return new Enforcer(edgeSchema(sdl));
  }

  // Keys and schema load in the background, retried, so the edge can start before the hub or the subgraph.
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => (resolveReady = resolve));
  let retryTimer: NodeJS.Timeout | null = null;
  const prepare = async (delay: number): Promise<void> => {
    if (stopping) return;
    try {
      if (!keys.loaded) {
        await keys.start();
        log.info('context key set loaded', { keys: keys.size });
      }
      if (!enforcer) {
        enforcer = await loadSchema();
        log.info("subgraph schema loaded", { fields: enforcer.edge.categories.size });
      }
      log.info('ready');
      resolveReady();
    } catch (error) {
      log.warn('not ready yet; retrying', { problem: (error as Error).message });
      retryTimer = setTimeout(() => void prepare(Math.min(delay * 2, 30_000)), delay);
      retryTimer.unref();
    }
  };

  async function graphql(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const header = request.headers['x-request-id'];
    const forwardedId = typeof header === 'string' && REQUEST_ID.test(header) ? header : undefined;
    const raw = await readBody(request, config.bodyLimitBytes);
    if (raw === null) return send(response, 413, errorsBody('BAD_REQUEST_TOO_LARGE'));
    let body: GraphQLBody;
    try {
      body = JSON.parse(raw.toString('utf8')) as GraphQLBody;
    } catch {
      return send(response, 400, errorsBody('BAD_REQUEST'));
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return send(response, 400, errorsBody('BAD_REQUEST'));
    if (!enforcer) return send(response, 503, errorsBody('EDGE_NOT_READY'));

    let caller: SubgraphContext;
    try {
      const extensions = typeof body.extensions === 'object' && body.extensions !== null ? body.extensions : {};
      caller = await keys.verify(extensions[CONTEXT_EXTENSION], config.subgraphName);
    } catch (error) {
      const reason = error instanceof ContextTokenError ? error.reason : 'invalid';
      log.warn('refused a request without a valid gateway context', { reason, ...(forwardedId ? { requestId: forwardedId } : {}) });
      return send(response, 401, { errors: [{ message: REFUSAL_MESSAGE, extensions: { code: 'UNAUTHENTICATED', hubCode: 'HUB_CONTEXT_INVALID' } }] });
    }
    const requestId = REQUEST_ID.test(caller.requestId) ? caller.requestId : undefined;
    if (typeof body.query !== 'string' || body.query.length === 0) return send(response, 400, errorsBody('BAD_REQUEST'));
    if (body.variables !== undefined && body.variables !== null && (typeof body.variables !== 'object' || Array.isArray(body.variables))) {
      return send(response, 400, errorsBody('BAD_REQUEST'));
    }
    if (body.operationName !== undefined && body.operationName !== null && typeof body.operationName !== 'string') return send(response, 400, errorsBody('BAD_REQUEST'));
    const variables = (body.variables ?? {}) as Record<string, unknown>;
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;

    let forwarded: string;
    let operation: Operation;
    try {
      operation = enforcer.operationOf(body.query, operationName);
      forwarded = enforcer.prepareForward(body.query, operation, enforcer.deniedForAll(caller, operation, variables));
    } catch (error) {
      if (!(error instanceof RefusedDocument)) throw error;
      log.info('refused a document', { reason: 'invalid-document', status: 400, ...(requestId ? { requestId } : {}) });
      return send(response, 400, { errors: error.errors });
    }

    const headers: Record<string, string> = {};
    if (requestId) headers['x-request-id'] = requestId;
    const traceparent = request.headers.traceparent;
    if (typeof traceparent === 'string' && TRACEPARENT.test(traceparent)) headers.traceparent = traceparent;
    const upstreamStarted = performance.now();
    let answer: { status: number; json: unknown };
    try {
      answer = await upstream({ query: forwarded, variables, ...(operationName ? { operationName } : {}) }, headers);
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? 'upstream-timeout' : 'upstream-unreachable';
      log.warn('the subgraph did not answer', { reason, status: 502, ...(requestId ? { requestId } : {}) });
      return send(response, 502, errorsBody('BACKEND_UNAVAILABLE'));
    }
    const upstreamMs = performance.now() - upstreamStarted;
    const json = answer.json as { data?: unknown; errors?: unknown } | undefined;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      log.warn('the subgraph answered something other than a GraphQL response', { reason: 'upstream-not-graphql', status: 502, ...(requestId ? { requestId } : {}) });
      return send(response, 502, errorsBody('BACKEND_ERROR'));
    }
    const enforced = enforcer.enforceAnswer(caller, operation, variables, answer.status === 200 ? json : { errors: json.errors });
    const status = answer.status === 200 ? 200 : answer.status >= 400 && answer.status < 500 ? answer.status : 502;
    log.debug('answered', { status, ms: performance.now() - started, upstreamMs, ...(requestId ? { requestId } : {}) });
    send(response, status, enforced);
  }

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/healthz') return send(response, 200, { status: 'ok', subgraph: config.subgraphName });
    if (request.method === 'GET' && path === '/readyz') {
      const ready = !stopping && keys.loaded && enforcer !== null;
      return send(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not-ready', subgraph: config.subgraphName, keys: keys.loaded, schema: enforcer !== null });
    }
    if (path !== '/graphql') return send(response, 404, errorsBody('NOT_FOUND'));
    if (request.method !== 'POST') return send(response, 405, errorsBody('METHOD_NOT_ALLOWED'));
    if (stopping) return send(response, 503, errorsBody('EDGE_NOT_READY'));
    inFlight++;
    graphql(request, response)
      .catch((error: unknown) => {
        log.error('unexpected failure', { problem: (error as Error).name, status: 500 });
        if (!response.headersSent) send(response, 500, errorsBody('INTERNAL_SERVER_ERROR'));
      })
      .finally(() => inFlight--);
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `http://${host}:${address.port}`;
  log.info('listening', { url: `${origin}/graphql` });
  void prepare(options.retryMs ?? 1_000);

  return {
    url: `${origin}/graphql`,
    origin,
    ready: () => readyPromise,
    get isReady() {
      return keys.loaded && enforcer !== null;
    },
    async close() {
      if (stopping) return;
      stopping = true;
      if (retryTimer) clearTimeout(retryTimer);
      keys.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + DRAIN_MS;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      server.closeAllConnections();
      await closed;
      log.info('stopped');
    },
  };
}
