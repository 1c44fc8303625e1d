/**
 * The gateway process: Apollo Server 5 running Apollo Gateway on Fastify, with the hub's routes
 * (/graphql, /healthz, /readyz, /metrics, /explorer, /console, /audit/export). The federation
 * engine stays behind this module so it could be swapped. The order in which a request meets the
 * abuse limits, authentication and GraphQL is written down once, in ./limits/index.ts.
 */
import './airgap.js';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type GraphQLRequestContext } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import type { Tracer } from '@opentelemetry/api';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ContextKeys } from '../auth/context-token.js';
import type { Policy } from '../auth/policy.js';
import type { TokenVerifier } from '../auth/verify.js';
import type { Db } from '../store/index.js';
import { airGappedPlugins } from '../subgraphs/kit/server.js';
import { requestSpanPlugin, SPAN_ATTRIBUTES, tracedRoute } from '../subgraphs/kit/tracing.js';
import { AccessRuntime } from './access/AccessRuntime.js';
import { enforcingExecutor } from './access/enforce.js';
import { RequestAccess } from './access/RequestAccess.js';
import type { AuditWriter } from '../audit/index.js';
import { auditPlugin, refusalRecord } from './auditPlugin.js';
import { registerAuditExport } from './auditExport.js';
import { authenticate } from './authenticate.js';
import { registerConsole } from './console.js';
import type { HubContext } from './context.js';
import { HubErrors } from './errors.js';
import { registerExplorer } from './explorer.js';
import type { Registry } from './registry/Registry.js';
import { registerRegistryRoutes } from './registry/routes.js';
import { HubDataSource } from './HubDataSource.js';
import { HubGateway } from './HubGateway.js';
import { withLimitCode } from './limits/apolloRefusals.js';
import { bodyLimitErrorHandler, refuseBatches } from './limits/http.js';
import { DEFAULT_LIMITS, limitPlugins, limitRules, type LimitOptions } from './limits/index.js';
import { rateLimitGuard, TokenBuckets } from './limits/rateLimit.js';
import { trustedDocumentsGuard } from './limits/trustedDocuments.js';
import { HubMetrics } from './metrics/HubMetrics.js';
import { requestTrace } from './tracing.js';
import { DEFAULT_RESILIENCE, SubgraphBreakers, type ResilienceOptions } from './resilience/index.js';
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
}

export interface RunningGateway {
  url: string;
  app: FastifyInstance;
  gateway: ApolloGateway;
  supergraph: SupergraphSource;
  metrics: HubMetrics;
  breakers: SubgraphBreakers;
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/;

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
  'FORBIDDEN_FIELD',
  'NO_RELATIONSHIP',
  'CONSENT_REQUIRED',
  'TRANSFER_BLOCKED',
  'FIELDS_OMITTED',
  'BACKEND_UNAVAILABLE',
  'BACKEND_ERROR',
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
    logger: { level: options.logLevel ?? process.env.LOG_LEVEL ?? 'info', base: { component: 'gateway' } },
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

  const development = options.development ?? false;
  const runtime = new AccessRuntime(options.policy, options.store, options.contextKeys, development);
  const reportIncident = (incident: Record<string, unknown>) => app.log.warn({ ...incident, incident: 'SUBGRAPH_RETURNED_DENIED_FIELD' }, 'stripped a denied field a subgraph returned');
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraph,
    buildService: ({ name, url }) => new HubDataSource(name, url ?? '', runtime, reportIncident, { options: resilience, breakers, observe: hubMetrics.observeSubgraph }),
    // Stated so nobody turns them on: a document, its variables and error messages can hold personal data.
    telemetry: { includeDocument: false, recordExceptions: false },
    logger: {
      debug: () => {},
      info: (message) => app.log.info({ engine: 'apollo-gateway' }, String(message)),
      warn: (message) => app.log.warn({ engine: 'apollo-gateway' }, String(message)),
      error: (message) => app.log.error({ engine: 'apollo-gateway' }, String(message)),
    },
  });

  const apollo = new ApolloServer<HubContext>({
    gateway: new HubGateway(gateway, enforcingExecutor(runtime), ({ apiSchema, coreSupergraphSdl }) => runtime.update(apiSchema, coreSupergraphSdl)),
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
    validationRules: [...limitRules(limits)],
    plugins: [
      ...airGappedPlugins(),
      fastifyApolloDrainPlugin(app),
      ...limitPlugins(limits),
      hubMetrics.plugin(),
      ...(options.tracer ? [requestSpanPlugin()] : []),
      auditPlugin(hubMetrics.timedAudit(options.audit), (entry) => app.log.error(entry, 'audit record could not be written; response withheld')),
      {
        async requestDidStart({ contextValue }: GraphQLRequestContext<HubContext>) {
          const started = process.hrtime.bigint();
          return {
            async willSendResponse({ response, operationName }) {
              const errors = response.body.kind === 'single' ? (response.body.singleResult.errors?.length ?? 0) : 0;
              app.log.info(
                { requestId: contextValue.requestId, traceId: contextValue.trace?.traceId ?? null, operationName: operationName ?? null, errors, durationMs: Number(process.hrtime.bigint() - started) / 1e6 },
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
      if (typeof code === 'string' && CLIENT_SAFE_CODES.has(code)) return formatted;
      // Unexpected: the details go to the operator's log, the client gets a generic message.
      app.log.error({ code: code ?? null, message: formatted.message, path: formatted.path ?? null }, 'masked error');
      return {
        message: HubErrors.HUB_INTERNAL.message,
        extensions: { code: HubErrors.HUB_INTERNAL.graphqlCode, hubCode: HubErrors.HUB_INTERNAL.code },
        ...(formatted.path ? { path: formatted.path } : {}),
      };
    },
  });
  await apollo.start();

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
  app.get('/readyz', async (_request, reply) => {
    if (draining) return reply.code(503).send({ status: 'draining', code: HubErrors.HUB_NOT_READY.code });
    const timeout = options.readinessTimeoutMs ?? 2000;
    const subgraphs = subgraphsOf(options.supergraph.current);
    const checks = await Promise.all(
      subgraphs.map(async ({ name, url }) => {
        try {
          const response = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(timeout) });
          return { name, ready: response.ok };
        } catch {
          return { name, ready: false };
        }
      }),
    );
    const unavailable = checks.filter((check) => !check.ready).map((check) => check.name);
    const body =
      unavailable.length === 0
        ? { status: 'ready', subgraphs: checks }
        : { status: 'not ready', code: HubErrors.HUB_NOT_READY.code, subgraphs: checks };
    return reply.code(unavailable.length === 0 ? 200 : 503).send(body);
  });
  registerExplorer(app);
  registerRegistryRoutes(app, {
    registry: options.registry,
    verifier: options.verifier,
    contextKeys: options.contextKeys,
    firstSeen: async (digest) => (await options.store.query('INSERT INTO registry.seen_request (digest) VALUES ($1) ON CONFLICT DO NOTHING RETURNING digest', [digest])).length > 0,
  });
  registerConsole(app);
  const authenticated = authenticate(
    options.verifier,
    (entry) => {
      if (typeof entry.hubCode === 'string') refused(entry.hubCode);
      app.log.info(entry);
    },
    (requestId, code, body) => options.audit.append(refusalRecord(requestId, code, body)),
  );
  registerAuditExport(app, { store: options.store, audit: options.audit, authenticate: authenticated, log: (entry, message) => app.log.error(entry, message) });
  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    errorHandler: bodyLimitErrorHandler(limits.bodyLimitBytes, refused),
    // The order of ./limits/index.ts: batches, authentication, rate, trusted documents.
    preHandler: [
      refuseBatches(refused),
      authenticated,
      ...(limits.rateLimit ? [rateLimitGuard(new TokenBuckets(limits.rateLimit), (code) => refused(code))] : []),
      ...(limits.trustedDocuments ? [trustedDocumentsGuard(limits.trustedDocuments, refused)] : []),
    ],
    ...tracedRoute(
      options.tracer,
      '/graphql',
      fastifyApolloHandler(apollo, {
        context: async (request) => ({
          requestId: request.id,
          access: new RequestAccess(runtime, request.caller!, request.purpose!),
          trace: requestTrace(request.headers.traceparent),
        }),
      }),
      (request) => ({ [SPAN_ATTRIBUTES.requestId]: request.id }),
    ),
  });

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}/graphql`,
    app,
    gateway,
    supergraph: options.supergraph,
    metrics: hubMetrics,
    breakers,
    async close() {
      draining = true;
      if (options.shutdownGraceMs) await new Promise((resolve) => setTimeout(resolve, options.shutdownGraceMs));
      // Then: no new connections, in-flight requests answered, Apollo drained.
      await app.close();
      await apollo.stop();
    },
  };
}
