/**
 * Runs one subgraph: Apollo Server on Fastify, with Continuum's defaults (air-gapped: no usage
 * reporting, no inline traces, no landing page), per-request context and a health endpoint; with
 * a tracer, a server span per GraphQL request continuing the gateway's `traceparent` (./tracing.ts).
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Tracer } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import { CONTEXT_EXTENSION, ContextTokenError, REQUEST_ID_HEADER, REQUEST_ID_PATTERN, SPAN_ATTRIBUTES, verifyContext, type ContextPublicKey, type SubgraphContext } from '@continuum/contract';
import { enforceDecisions, fieldCategories, type LocalDecider } from './access.js';
import { ALL_RELEASED, releasedCategories, type ReleasedCategories } from './released.js';
import { buildContinuumSubgraphSchema, subgraphSdl, type Resolvers } from './schema.js';
import { requestSpanPlugin, tracedRoute } from './tracing.js';

/** What every subgraph's resolvers receive, besides their own loaders. */
export interface KitContext {
  /** The gateway's request id, for correlating logs across the federation. */
  requestId: string;
  /** The caller, purpose and decisions the gateway signed for this request. */
  caller: SubgraphContext;
}

/**
 * A subgraph, as a partner writes it: its SDL, resolvers, per-request loaders and a health check.
 * Everything else (server, scalars, vocabulary, health endpoint) comes from the kit.
 */
export interface SubgraphModule<Loaders extends object = object> {
  /** Name in the supergraph, lower-case with dashes, e.g. `be-fedasil`. */
  name: string;
  /** Its own SDL; the kit adds the `@link` header and the shared vocabulary. */
  typeDefs: string;
  resolvers: Resolvers<Loaders & KitContext>;
  /**
   * Builds this request's DataLoaders. Called once per request, never shared across requests.
   * `released` tells which categories of which cases the backend may be asked for: a loader
   * selects only those (./released.ts), so a denied value is never read.
   */
  createLoaders(caller: SubgraphContext, released: ReleasedCategories): Loaders;
  /** Resolves when the backend behind the subgraph answers; rejects otherwise. */
  checkHealth(): Promise<void>;
  /** Decides cases the gateway did not sign decisions for (only a subgraph that holds the facts). */
  localDecider?: LocalDecider;
}

export interface RunningSubgraph {
  name: string;
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4101/graphql`. */
  url: string;
  /** The full SDL (for composition). */
  sdl: string;
  /** GraphQL requests served: each is one query-plan fetch from the gateway. */
  readonly stats: { requests: number };
  close(): Promise<void>;
}

export type StartOptions = {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  logLevel?: string;
  /** Traces on: this subgraph's tracer (gateway/tracing.ts names it `continuum-subgraph-<name>`). */
  tracer?: Tracer;
} & (
  | {
      /** The gateway's public key: every GraphQL request must carry a context signed with it. */
      contextKey: ContextPublicKey;
      enforcement?: 'on';
    }
  | {
      /**
       * No context check and no field enforcement. Only for the benchmark baseline (bare Apollo
       * Gateway over the same subgraphs): never in a deployment.
       */
      enforcement: 'off-for-baseline-benchmark';
      contextKey?: undefined;
    }
);

/** Codes of errors that mean the system behind the subgraph failed (resolver errors are masked as INTERNAL_SERVER_ERROR). */
const BACKEND_FAILURE_CODES = new Set(['INTERNAL_SERVER_ERROR', 'BACKEND_UNAVAILABLE', 'BACKEND_ERROR']);

/** The caller seen by an unenforced baseline subgraph (benchmarks only); it decides nothing. */
const BASELINE_CALLER: SubgraphContext = {
  officialId: 'baseline-benchmark',
  organisation: 'BASELINE/BENCHMARK/NONE',
  country: 'EU',
  roles: ['HUB_OPERATOR'],
  purpose: 'OPERATIONS',
  requestId: 'baseline-benchmark',
};

/** The gateway's request id, if the request carries a well-formed one. */
function forwardedRequestId(request: FastifyRequest): string | undefined {
  const header = request.headers[REQUEST_ID_HEADER];
  return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : undefined;
}

function requestIdOf(request: FastifyRequest): string {
  return forwardedRequestId(request) ?? randomUUID();
}

/**
 * The plugins Apollo Server would otherwise install by itself, turned off: usage reporting and
 * the landing page reach out to Apollo's cloud (the hub runs air-gapped), inline traces would
 * send per-field timings to the gateway, and cache control would compute a cache hint for every
 * field resolved — work for HTTP caching that responses of personal data must never get.
 */
export function airGappedPlugins(): ApolloServerPlugin[] {
  return [
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginInlineTraceDisabled(),
    ApolloServerPluginLandingPageDisabled(),
    ApolloServerPluginCacheControlDisabled(),
  ];
}

export async function startSubgraph<Loaders extends object>(
  module: SubgraphModule<Loaders>,
  options: StartOptions,
): Promise<RunningSubgraph> {
  const app = Fastify({
    logger: { level: options.logLevel ?? process.env.LOG_LEVEL ?? 'info', base: { component: `subgraph:${module.name}` } },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 10 * 1024 * 1024,
  });
  const schema = buildContinuumSubgraphSchema(module.typeDefs, module.resolvers);
  // The backend as the last answered operation found it: a probe's `SELECT 1` can pass while the
  // system's own queries fail, so /healthz reports both (the gateway's /readyz shows it per system).
  let backendFailing = false;
  const backendWatch: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          backendFailing = (response.body.singleResult.errors ?? []).some((e) => BACKEND_FAILURE_CODES.has(String(e.extensions?.code)));
        },
      };
    },
  };
  const enforced = options.enforcement !== 'off-for-baseline-benchmark';
  if (enforced) enforceDecisions(schema, fieldCategories(module.typeDefs), module.localDecider);
  const apollo = new ApolloServer<Loaders & KitContext>({
    schema,
    plugins: [...airGappedPlugins(), fastifyApolloDrainPlugin(app), backendWatch, ...(options.tracer ? [requestSpanPlugin()] : [])],
    includeStacktraceInErrorResponses: false,
    // The process owns its signals and closes subgraphs after the gateway has drained (see gateway/server.ts).
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => {
      const code = formatted.extensions?.code;
      if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
        app.log.error({ err: { message: (error as Error)?.message }, subgraph: module.name }, 'unexpected resolver error');
        return { ...formatted, message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      }
      return formatted;
    },
  });
  await apollo.start();

  const stats = { requests: 0 };
  app.addHook('onRequest', async (request) => {
    if (request.method === 'POST' && request.url.startsWith('/graphql')) stats.requests++;
  });

  app.get('/healthz', async (_request, reply) => {
    try {
      await module.checkHealth();
    } catch {
      return reply.code(503).send({ status: 'unavailable', subgraph: module.name, backend: 'failing' });
    }
    if (backendFailing) return reply.code(503).send({ status: 'unavailable', subgraph: module.name, backend: 'failing' });
    return { status: 'ok', subgraph: module.name, backend: 'ok' };
  });
  const graphql = fastifyApolloHandler(apollo, {
    context: async (request) => {
      const body = request.body as { extensions?: Record<string, unknown> } | undefined;
      let caller: SubgraphContext;
      if (!options.contextKey) return { ...module.createLoaders(BASELINE_CALLER, ALL_RELEASED), requestId: requestIdOf(request), caller: BASELINE_CALLER };
      try {
        caller = await verifyContext(options.contextKey, module.name, body?.extensions?.[CONTEXT_EXTENSION]);
      } catch (error) {
        const reason = error instanceof ContextTokenError ? error.reason : 'invalid';
        app.log.warn({ subgraph: module.name, reason, requestId: requestIdOf(request) }, 'refused a request without a valid gateway context');
        throw new GraphQLError(new ContextTokenError(reason).message, {
          extensions: { code: 'UNAUTHENTICATED', hubCode: 'HUB_CONTEXT_INVALID', http: { status: 401 } },
        });
      }
      // Correlation for operators: the gateway's request id and W3C trace (never caller or case data).
      app.log.debug({ subgraph: module.name, requestId: caller.requestId, traceparent: request.headers.traceparent ?? null }, 'operation');
      return { ...module.createLoaders(caller, releasedCategories(caller, { decidesUnsignedCases: module.localDecider !== undefined })), requestId: caller.requestId, caller };
    },
  });
  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    ...tracedRoute(options.tracer, '/graphql', graphql, (request) => {
      const requestId = forwardedRequestId(request);
      return { [SPAN_ATTRIBUTES.subgraph]: module.name, ...(requestId ? { [SPAN_ATTRIBUTES.requestId]: requestId } : {}) };
    }),
  });

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  return {
    name: module.name,
    stats,
    url: `http://${address.address}:${address.port}/graphql`,
    sdl: subgraphSdl(module.typeDefs),
    async close() {
      await app.close();
    },
  };
}
