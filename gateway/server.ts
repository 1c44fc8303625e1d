/**
 * The gateway process: Apollo Server 5 running Apollo Gateway on Fastify, with the hub's routes
 * (/graphql, /healthz, /readyz, /metrics, /explorer, /console, /audit/export). The federation
 * engine stays behind this module so it could be swapped. The order in which a request meets its
 * stages — method, authentication, body, limits, GraphQL, access, subgraphs, audit — and the codes
 * each refuses with are written down once, in ./pipeline.ts.
 */
import './airgap.js';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type GraphQLRequestContext } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import type { Tracer } from '@opentelemetry/api';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ContextKeys } from '../auth/context-token.js';
import { DENIAL_CODES } from '../auth/decide.js';
import type { Policy } from '../auth/policy.js';
import type { TokenVerifier } from '../auth/verify.js';
import type { Db } from '../store/index.js';
import { FactsCache, type FactsCacheOptions } from '../facts/index.js';
import { SPAN_ATTRIBUTES } from '../contract/index.js';
import { AccessRuntime } from './access/AccessRuntime.js';
import { enforcingExecutor } from './access/enforce.js';
import { ReservedNamesRule } from './access/ReservedNamesRule.js';
import { RequestAccess } from './access/RequestAccess.js';
import type { AuditWriter } from '../audit/index.js';
import { auditPlugin, recordResponses, refusalRecord, type UnsealedRecord } from './auditPlugin.js';
import { registerAuditExport } from './auditExport.js';
import { authenticate } from './authenticate.js';
import { registerConsole } from './console.js';
import { registerMeal } from './meal.js';
import type { HubContext } from './context.js';
import { HubErrors, type HubErrorCode } from './errors.js';
import { registerExplorer } from './explorer.js';
import type { Registry } from './registry/Registry.js';
import { registerRegistryRoutes } from './registry/routes.js';
import { HubDataSource } from './HubDataSource.js';
import { HubGateway } from './HubGateway.js';
import { DEFAULT_STATISTICS_QUESTION_BUDGET, StatisticsStage } from './statisticsStage.js';
import { clientSafeMessage, withLimitCode } from './limits/apolloRefusals.js';
import { bodyLimitErrorHandler, refuseBatches } from './limits/http.js';
import { DEFAULT_LIMITS, limitPlugins, limitRules, type LimitOptions } from './limits/index.js';
import { rateLimitGuard, TokenBuckets } from './limits/rateLimit.js';
import { trustedDocumentsGuard } from './limits/trustedDocuments.js';
import { HubMetrics } from './metrics/HubMetrics.js';
import { HTTP_GUARDS, type HttpGuard } from './pipeline.js';
import { sendRefusal } from './refusal.js';
import { airGappedPlugins } from './airGappedPlugins.js';
import { requestSpanPlugin, tracedRoute } from './serverSpans.js';
import { requestTrace } from './tracing.js';
import { DEFAULT_RESILIENCE, SubgraphBreakers, type ResilienceOptions } from './resilience/index.js';
import { isSuspendedRoutingUrl } from './registry/suspension.js';
import { subgraphsOf, type SupergraphSource } from './SupergraphSource.js';

export interface GatewayOptions {
  supergraph: SupergraphSource;
  /** Verifies callers' tokens against the trust list. */
  verifier: TokenVerifier;
  policy: Policy;
  /** The central store: case index, consents, transfer bases. */
  store: Db;
  /** Signs the context forwarded to subgraphs. */
  contextKeys: ContextKeys;
  /** Where every request's record goes before its response leaves. */
  audit: AuditWriter;
  /** The registry whose control-plane endpoints this gateway serves. */
  registry: Registry;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  logLevel?: string;
  /** Where the JSON log lines go. @default stdout */
  logStream?: { write(line: string): void };
  /** Development mode: introspection and field suggestions on for everyone. */
  development?: boolean;
  /** How long /readyz waits for each subgraph's health endpoint. */
  readinessTimeoutMs?: number;
  /** Abuse limits; DEFAULT_LIMITS for anything not given. */
  limits?: Partial<LimitOptions>;
  /** Subgraph deadline, retries and circuit breakers; DEFAULT_RESILIENCE for anything not given. */
  resilience?: Partial<ResilienceOptions>;
  /**
   * On close, how long to keep serving (with /readyz answering 503 "draining", so a load
   * balancer stops sending) before no longer accepting connections. Requests already on the
   * wire but not yet read would otherwise meet a closed socket. @default 0
   */
  shutdownGraceMs?: number;
  /**
   * Traces on: the gateway's tracer (./tracing.ts), for a server span per GraphQL request. Apollo
   * Gateway's own spans go to the global tracer provider, which tracing registers.
   */
  tracer?: Tracer;
  /** Distinct statistics questions per organisation per month (docs/STATISTICS.md). @default DEFAULT_STATISTICS_QUESTION_BUDGET */
  statisticsQuestionBudget?: number;
  /** The decision facts cache (facts/cache.ts); false reads the store on every request. @default {} */
  facts?: Omit<FactsCacheOptions, 'observer' | 'log'> | false;
}

export interface RunningGateway {
  url: string;
  app: FastifyInstance;
  gateway: ApolloGateway;
  supergraph: SupergraphSource;
  metrics: HubMetrics;
  breakers: SubgraphBreakers;
  /** The decision facts cache, when on. */
  facts: FactsCache | undefined;
  close(): Promise<void>;
}

/**
 * A caller's x-request-id is kept only if it is a UUID: it goes into logs, the audit log and every
 * subgraph call, and free text there could carry anything (a name, a case file number).
 */
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Methods /graphql refuses (GET and POST are served, OPTIONS answered without CORS allowance). */
const REFUSED_METHODS = ['HEAD', 'PUT', 'DELETE', 'PATCH'] as const;
const ALLOWED_METHODS = 'GET, POST, OPTIONS';

/** Codes whose messages are safe and useful to show a client; anything else is masked. */
const CLIENT_SAFE_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'MAPPING_FAILED',
  ...DENIAL_CODES,
  'FIELDS_OMITTED',
  ...Object.values(HubErrors).map((e) => e.graphqlCode),
]);

function requestIdOf(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const limits: LimitOptions = { ...DEFAULT_LIMITS, ...options.limits };
  const resilience: ResilienceOptions = { ...DEFAULT_RESILIENCE, ...options.resilience };
  const app = Fastify({
    logger: { level: options.logLevel ?? process.env.LOG_LEVEL ?? 'info', base: { component: 'gateway' }, ...(options.logStream ? { stream: options.logStream } : {}) },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyLimitBytes,
    genReqId: requestIdOf,
  });
  const breakers = new SubgraphBreakers(resilience, (subgraph, from, to) => {
    hubMetrics.circuitChanged(subgraph, from, to);
    app.log.warn({ subgraph, from, to }, 'subgraph circuit breaker changed state');
  });
  const hubMetrics = new HubMetrics({ breakers, audit: options.audit });
  const refused = (code: string) => hubMetrics.refusals.inc({ code });
  const auditWriter = hubMetrics.timedAudit(options.audit);
  // The records the audit plugin built, per /graphql request, for the route's onSend hook to seal
  // with the body's hash and write. Keyed by the request's RequestAccess: Apollo Server passes
  // plugins a copy of the context.
  const requestOf = new WeakMap<RequestAccess, FastifyRequest>();
  const builtRecords = new WeakMap<FastifyRequest, UnsealedRecord>();

  const development = options.development ?? false;
  let supergraphLoaded = false;
  const runtime = new AccessRuntime(options.policy, options.store, options.contextKeys, development);
  // Answers Query.statistics inside the enforcing executor (docs/STATISTICS.md).
  const statistics = new StatisticsStage(runtime, { questionBudget: options.statisticsQuestionBudget ?? DEFAULT_STATISTICS_QUESTION_BUDGET, timeoutMs: resilience.timeoutMs });
  const reportIncident = (incident: Record<string, unknown>) => app.log.warn({ ...incident, incident: 'SUBGRAPH_RETURNED_DENIED_FIELD' }, 'stripped a denied field a subgraph returned');
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraph,
    buildService: ({ name, url }) =>
      new HubDataSource(name, url ?? '', runtime, reportIncident, { options: resilience, breakers, observe: hubMetrics.observeSubgraph }, (failure) =>
        app.log.warn(failure, 'the system behind a subgraph failed; answered HUB_SUBGRAPH_BACKEND_FAILED'),
      ),
    // Stated so nobody turns them on: a document, its variables and error messages can hold personal data.
    telemetry: { includeDocument: false, recordExceptions: false },
    logger: {
      debug: () => {},
      info: (message) => app.log.info({ engine: 'apollo-gateway' }, String(message)),
      warn: (message) => app.log.warn({ engine: 'apollo-gateway' }, String(message)),
      error: (message) => app.log.error({ engine: 'apollo-gateway' }, String(message)),
    },
  });

  const hubGateway = new HubGateway(
    gateway,
    (inner) => enforcingExecutor(runtime)(statistics.wrap(inner)),
    ({ apiSchema, coreSupergraphSdl }) => {
      runtime.update(apiSchema, coreSupergraphSdl);
      statistics.update(coreSupergraphSdl);
      supergraphLoaded = true;
    },
    (reason) => app.log.warn({ engine: 'apollo-gateway', reason }, "Continuum's result shaping is not in place; responses are shaped by Apollo Gateway's own (same responses, more CPU)"),
  );

  const apollo = new ApolloServer<HubContext>({
    gateway: hubGateway,
    // Apollo's own switch stays on: who may introspect is decided per caller by the enforcing
    // executor (the hub operator, or anyone in development).
    introspection: true,
    // No "Did you mean …" outside development: suggestions would reveal fields a caller cannot see.
    hideSchemaDetailsFromClientErrors: !development,
    includeStacktraceInErrorResponses: false,
    // The process owns its signals (gateway/main.ts drains, flushes the audit log, then exits).
    // Left on, Apollo Server stops itself on SIGTERM when NODE_ENV is not 'test' and re-raises
    // the signal, racing the drain: in production the hub never finished shutting down.
    stopOnTerminationSignals: false,
    // One operation per HTTP request: batching would multiply the work behind one authentication.
    allowBatchedHttpRequests: false,
    // Apollo's default, stated so nobody turns it off by accident: no simple (form-like) requests.
    csrfPrevention: true,
    parseOptions: { maxLexicalTokens: limits.maxTokens },
    // The client's names and the gateway's are disjoint before anything else looks at the document.
    validationRules: [ReservedNamesRule, ...limitRules(limits)],
    plugins: [
      ...airGappedPlugins(),
      fastifyApolloDrainPlugin(app),
      ...limitPlugins(limits),
      hubMetrics.plugin(),
      ...(options.tracer ? [requestSpanPlugin()] : []),
      auditPlugin((context, record) => {
        const request = requestOf.get(context.access);
        if (request) builtRecords.set(request, record);
      }),
      {
        async requestDidStart({ contextValue }: GraphQLRequestContext<HubContext>) {
          const started = process.hrtime.bigint();
          return {
            async willSendResponse({ response, operation, queryHash }) {
              // An answer of catalogue errors and no data gets the catalogue's status (Apollo
              // Server would answer 400 for any answer without data, e.g. HUB_INTROSPECTION_DISABLED).
              if (response.body.kind === 'single' && response.body.singleResult.data === undefined) {
                const hubCode = response.body.singleResult.errors?.[0]?.extensions?.hubCode;
                if (typeof hubCode === 'string' && hubCode in HubErrors) response.http.status = HubErrors[hubCode as HubErrorCode].httpStatus;
              }
              const errors = response.body.kind === 'single' ? (response.body.singleResult.errors?.length ?? 0) : 0;
              // The operation's type and the document's hash, never its client-chosen name.
              app.log.info(
                { requestId: contextValue.requestId, traceId: contextValue.trace?.traceId ?? null, operation: operation?.operation ?? null, documentHash: queryHash ?? null, errors, durationMs: Number(process.hrtime.bigint() - started) / 1e6 },
                'graphql request',
              );
            },
          };
        },
      },
    ],
    formatError: (unlabelled) => {
      const formatted = withLimitCode(unlabelled);
      const code = formatted.extensions?.code;
      // Quoted values shortened, and outside development no "Did you mean …" (./limits/apolloRefusals.ts).
      if (typeof code === 'string' && CLIENT_SAFE_CODES.has(code)) return { ...formatted, message: clientSafeMessage(formatted.message, { suggestions: development }) };
      // Unexpected: the details go to the operator's log (bounded; no path: aliases are the client's words), the client gets a generic message.
      app.log.error({ code: code ?? null, message: clientSafeMessage(formatted.message, { suggestions: false }) }, 'masked error');
      return {
        message: HubErrors.HUB_INTERNAL.message,
        extensions: { code: HubErrors.HUB_INTERNAL.graphqlCode, hubCode: HubErrors.HUB_INTERNAL.code },
        ...(formatted.path ? { path: formatted.path } : {}),
      };
    },
  });
  await apollo.start();

  const timeout = options.readinessTimeoutMs ?? 2000;
  const withTimeout = <T>(work: Promise<T>): Promise<T> =>
    Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), timeout).unref())]);
  /** What the hub itself needs to serve. */
  const hubReadiness = async () => {
    const [store, audit] = await Promise.all([
      withTimeout(options.store.query('SELECT 1')).then(() => true, () => false),
      // Writable: the audit table accepts inserts here (not a read-only replica, privilege held).
      withTimeout(options.store.query<{ writable: boolean }>("SELECT has_table_privilege('audit.record', 'INSERT') AND NOT pg_is_in_recovery() AS writable")).then(
        (rows) => rows[0]?.writable === true,
        () => false,
      ),
    ]);
    return { supergraph: supergraphLoaded, store, audit };
  };
  /** Each subgraph of the active supergraph (registered names only), as its own health endpoint — backend included — reports it. */
  const subgraphStates = () =>
    Promise.all(
      subgraphsOf(options.supergraph.current).map(async ({ name, url }) => {
        // Suspended by the hub operator: deliberately not called, so not probed either.
        if (isSuspendedRoutingUrl(url)) return { name, ready: false, backend: 'suspended' };
        try {
          const response = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(timeout) });
          const body = (await response.json().catch(() => ({}))) as { backend?: unknown };
          return { name, ready: response.ok, backend: typeof body.backend === 'string' ? body.backend : response.ok ? 'ok' : 'failing' };
        } catch {
          return { name, ready: false, backend: 'unreachable' };
        }
      }),
    );
  hubMetrics.subgraphReadiness(async () => (await subgraphStates()).map(({ name, ready }) => ({ name, ready })));

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Draining (shutting down): both probes say so, so a load balancer checking either stops sending.
  let draining = false;
  app.get('/healthz', async (_request, reply) => (draining ? reply.code(503).send({ status: 'draining' }) : { status: 'ok' }));
  // For the monitoring network only (see docs/DEPLOYMENT.md); no label carries personal data.
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await hubMetrics.render();
    return reply.header('content-type', contentType).send(body);
  });
  // Readiness is whether this hub can serve: a supergraph loaded, the central store answering,
  // the audit log writable. One partner's subgraph (or the system behind it) being down is not a
  // reason to take the hub out of service: each system's state is in the body and in the
  // continuum_subgraph_ready gauge, for the operators of that system (docs/DEPLOYMENT.md).
  app.get('/readyz', async (_request, reply) => {
    if (draining) return reply.code(503).send({ status: 'draining', code: HubErrors.HUB_NOT_READY.code });
    const [hub, subgraphs] = await Promise.all([hubReadiness(), subgraphStates()]);
    const failing = Object.entries(hub).filter(([, ok]) => !ok).map(([check]) => check);
    const body = { status: failing.length === 0 ? 'ready' : 'not ready', ...(failing.length ? { code: HubErrors.HUB_NOT_READY.code, failing } : {}), checks: hub, subgraphs };
    return reply.code(failing.length === 0 ? 200 : 503).send(body);
  });
  registerExplorer(app);
  registerRegistryRoutes(app, {
    registry: options.registry,
    verifier: options.verifier,
    contextKeys: options.contextKeys,
    firstSeen: async (digest) => (await options.store.query('INSERT INTO registry.seen_request (digest) VALUES ($1) ON CONFLICT DO NOTHING RETURNING digest', [digest])).length > 0,
    recordRefusal: ({ requestId, route, code, caller, purpose }) =>
      auditWriter.append({
        ...refusalRecord({ requestId, caller, purpose, code, outcome: 'REFUSED', request: null, response: null }),
        kind: 'REGISTRY',
        registry: { action: 'refused', route },
      }),
  });
  registerConsole(app);
  registerMeal(app);
  const authenticated = authenticate(options.verifier, (entry) => app.log.info(entry));
  // /audit/export records its own refusals (kind ACCESS, with the caller once verified).
  const authenticatedExport = authenticate(
    options.verifier,
    (entry) => app.log.info(entry),
    (request, code) => {
      refused(code);
      return auditWriter.append(refusalRecord({ requestId: request.id, caller: request.caller, purpose: request.purpose, code, outcome: 'REFUSED', request: null, response: null }));
    },
  );
  registerAuditExport(app, { store: options.store, audit: options.audit, authenticate: authenticatedExport, log: (entry, message) => app.log.error(entry, message) });

  // Every /graphql response is recorded before it leaves: an executed request with the record the
  // audit plugin built, sealed with the hash of the body as sent; a refusal at any stage before
  // GraphQL execution as such, with the caller once the token was verified.
  const recordEveryResponse = recordResponses({
    writer: auditWriter,
    takeRecord: (request) => {
      const record = builtRecords.get(request);
      builtRecords.delete(request);
      return record;
    },
    onRefusal: refused,
    log: (entry, message) => app.log.error(entry, message),
  });
  // CORS preflight: answered, with no Access-Control-Allow-* header, so browsers on other origins
  // are not allowed in (the hub serves systems, not web pages elsewhere; docs/DEPLOYMENT.md).
  app.route({
    url: '/graphql',
    method: 'OPTIONS',
    handler: async (_request, reply) => reply.code(204).header('allow', ALLOWED_METHODS).send(),
  });
  app.route({
    url: '/graphql',
    method: [...REFUSED_METHODS],
    onRequest: authenticated,
    onSend: recordEveryResponse,
    handler: async (request, reply) => sendRefusal(request, reply.header('allow', ALLOWED_METHODS), 'HUB_METHOD_NOT_ALLOWED'),
  });
  const guards: Record<HttpGuard, ((request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) | null> = {
    batches: refuseBatches(),
    rate: limits.rateLimit ? rateLimitGuard(new TokenBuckets(limits.rateLimit)) : null,
    'trusted-documents': limits.trustedDocuments ? trustedDocumentsGuard(limits.trustedDocuments) : null,
  };
  const traced: {
    onRequest?: (request: FastifyRequest) => Promise<void>;
    onSend?: (request: FastifyRequest, reply: FastifyReply, payload: unknown) => Promise<unknown>;
    onResponse?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    handler: ReturnType<typeof fastifyApolloHandler>;
  } = tracedRoute(
    options.tracer,
    '/graphql',
    fastifyApolloHandler(apollo, {
      context: async (request) => {
        const context: HubContext = {
          requestId: request.id,
          access: new RequestAccess(runtime, request.caller!, request.purpose!),
          trace: requestTrace(request.headers.traceparent),
        };
        requestOf.set(context.access, request as FastifyRequest);
        return context;
      },
    }),
    (request) => ({ [SPAN_ATTRIBUTES.requestId]: request.id }),
  );
  app.route({
    url: '/graphql',
    method: ['GET', 'POST'],
    // HEAD is refused above rather than run as a GET.
    exposeHeadRoute: false,
    // The stages of ./pipeline.ts: authentication before the body is read, then the body, then the guards.
    onRequest: [...(traced.onRequest ? [traced.onRequest] : []), authenticated],
    errorHandler: bodyLimitErrorHandler(limits.bodyLimitBytes, () => {}, (entry) => app.log.error(entry, 'unexpected error on /graphql')),
    preHandler: HTTP_GUARDS.flatMap((name) => guards[name] ?? []),
    // Recorded first, so that the span sees the code actually answered.
    onSend: [recordEveryResponse, ...(traced.onSend ? [traced.onSend] : [])],
    ...(traced.onResponse ? { onResponse: traced.onResponse } : {}),
    handler: traced.handler,
  });

  // Subscribed before the first request: nothing is cached that a change could miss.
  runtime.facts =
    options.facts === false
      ? undefined
      : await FactsCache.open(options.store, { ...options.facts, observer: hubMetrics.factsObserver, log: (entry, message) => app.log.warn(entry, message) });
  try {
    await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await runtime.facts?.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}/graphql`,
    app,
    gateway,
    supergraph: options.supergraph,
    metrics: hubMetrics,
    breakers,
    facts: runtime.facts,
    async close() {
      draining = true;
      if (options.shutdownGraceMs) await new Promise((resolve) => setTimeout(resolve, options.shutdownGraceMs));
      // Then: no new connections, in-flight requests answered, Apollo drained.
      await app.close();
      await apollo.stop();
      await runtime.facts?.close();
    },
  };
}
