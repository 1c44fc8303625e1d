/**
 * How the gateway calls a subgraph: Apollo's RemoteGraphQLDataSource, plus
 * - the context signed for this subgraph (caller, purpose, request id and, for entity fetches, the
 *   decisions for each case in the representations) — one signature per subgraph request;
 * - the re-check of the response against those decisions, stripping and reporting what a
 *   subgraph returned although it was denied;
 * - coded errors naming the subgraph when it cannot be reached, so the rest of the query answers,
 *   with the paths of the fields the fetch would have served (answered as the subgraph's own
 *   errors, which the engine places in the client's response: a thrown error would lose them);
 * - a failure of the system behind the subgraph (its database, its REST backend) answered as
 *   HUB_SUBGRAPH_BACKEND_FAILED naming the subgraph, never with the subgraph's own message;
 * - no call at all to a subgraph whose participant is suspended (routed to the registry's
 *   suspension marker): its fields are null with HUB_SUBGRAPH_SUSPENDED;
 * - a deadline, retries for queries and the subgraph's circuit breaker (../resilience/), so a
 *   failing subgraph costs a partial answer, never a hung request;
 * - the request id and a W3C `traceparent` (./tracing.ts) on every call.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { GraphQLError, Kind, parse, type DocumentNode, type FieldNode, type GraphQLFormattedError, type SelectionNode } from 'graphql';
import { DENIAL_CODES } from '../auth/decide.js';
import { signContext } from '../auth/context-token.js';
import { caseRefIn, CONTEXT_EXTENSION, encodeDecisions, REQUEST_ID_HEADER, SPAN_ATTRIBUTES, TRACEPARENT_HEADER } from '../contract/index.js';
import type { AccessRuntime } from './access/AccessRuntime.js';
import { recheckSubgraphResponse } from './access/recheck.js';
import { subgraphFetcher } from './resilience/subgraphFetcher.js';
import type { DecisionVector } from './access/RequestAccess.js';
import type { HubContext } from './context.js';
import { hubError, HubErrors, type HubErrorCode } from './errors.js';
import { CircuitOpenError, FETCH_KIND_HEADER, isAbort, resilientFetcher, SubgraphTimeoutError, type ResilienceOptions, type SubgraphBreakers, type SubgraphOutcome } from './resilience/index.js';
import { isSuspendedRoutingUrl } from './registry/suspension.js';
import { outgoingTraceparent } from './tracing.js';

export interface IncidentLogger {
  (incident: { requestId: string; subgraph: string; coordinate: string; code: string; rule: string }): void;
}

const parsedFetches = new Map<string, DocumentNode>();

/**
 * Codes a subgraph's own errors may carry to the client: field denials, a value its mapping
 * cannot represent, a bad argument, and the catalogue's answers that the central subgraph gives
 * (a stored audit checkpoint that does not verify). Anything else — INTERNAL_SERVER_ERROR,
 * BACKEND_UNAVAILABLE, BACKEND_ERROR, no code — is a failure of the system behind it:
 * HUB_SUBGRAPH_BACKEND_FAILED.
 */
const SUBGRAPH_ANSWER_CODES = new Set<string>([...DENIAL_CODES, 'FIELDS_OMITTED', 'MAPPING_FAILED', 'BAD_USER_INPUT', HubErrors.HUB_AUDIT_CHECKPOINT_INVALID.graphqlCode]);

/** The response names of the fields selected directly, or in inline fragments on `typename`. */
function fieldNames(selections: readonly SelectionNode[], typename?: string): string[] {
  const names: string[] = [];
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.alias?.value ?? selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT && (!selection.typeCondition || selection.typeCondition.name.value === typename)) names.push(...fieldNames(selection.selectionSet.selections, typename));
  }
  return names;
}

/**
 * Where a failed fetch's fields land in the client's answer, as paths in the subgraph's response
 * (the engine turns them into the client's paths, as for the subgraph's own errors): each
 * top-level field of a root fetch; for an entity fetch, each field the fetch would have added to
 * each entity (`_entities.<i>.<field>` becomes that entity's path plus the field).
 */
function fetchPaths(document: DocumentNode, representations: unknown): (string | number)[][] {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return [];
  if (!Array.isArray(representations)) return fieldNames(operation.selectionSet.selections).map((name) => [name]);
  const entities = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (!entities?.selectionSet) return [];
  const selections = entities.selectionSet.selections;
  return (representations as { __typename?: unknown }[]).flatMap((representation, i) =>
    fieldNames(selections, typeof representation?.__typename === 'string' ? representation.__typename : undefined).map((name) => ['_entities', i, name]),
  );
}

function refsOf(variables: Record<string, unknown> | undefined): string[] {
  const representations = variables?.representations;
  if (!Array.isArray(representations)) return [];
  const refs = new Set<string>();
  for (const representation of representations as { ref?: unknown; caseRef?: unknown }[]) {
    const ref = caseRefIn(representation);
    if (ref) refs.add(ref);
  }
  return [...refs];
}

/**
 * A fetch that cannot be made, answered as the subgraph's errors, one per field the fetch would
 * have served: the engine gives each its path in the client's response (a thrown error would have none).
 */
function answeredAtPaths(error: GraphQLError, document: DocumentNode, variables: Record<string, unknown> | undefined) {
  const paths = fetchPaths(document, variables?.representations);
  return { errors: (paths.length > 0 ? paths : [undefined]).map((path) => ({ message: error.message, ...(path ? { path } : {}), extensions: error.extensions })) };
}

export class HubDataSource extends RemoteGraphQLDataSource<HubContext> {
  private readonly suspended: boolean;

  constructor(
    readonly subgraphName: string,
    url: string,
    private readonly runtime: AccessRuntime,
    private readonly onIncident: IncidentLogger,
    private readonly resilience?: { options: ResilienceOptions; breakers: SubgraphBreakers; observe?: (subgraph: string, outcome: SubgraphOutcome, seconds: number) => void },
    private readonly onBackendFailure?: (failure: { requestId: string; subgraph: string; code: string | null }) => void,
  ) {
    super({ url });
    this.suspended = isSuspendedRoutingUrl(url);
    // Node's keep-alive http client, not the engine's npm-registry client (resilience/subgraphFetcher.ts).
    this.fetcher = subgraphFetcher;
    if (resilience) {
      this.fetcher = resilientFetcher({ subgraph: subgraphName, inner: this.fetcher, breaker: resilience.breakers.for(subgraphName), options: resilience.options, observe: resilience.observe });
    }
  }

  override async process(options: GraphQLDataSourceProcessOptions<HubContext>) {
    // Health checks and schema loading carry no caller; only operations are signed and checked.
    if ((options.kind as string) !== 'incoming operation') return super.process(options);
    const incoming = options as Extract<GraphQLDataSourceProcessOptions<HubContext>, { incomingRequestContext: unknown }>;
    const { access, requestId } = incoming.context;
    const { request } = incoming;
    // Suspended by the hub operator (gateway/registry/suspension.ts): never called, not even signed for.
    if (this.suspended) {
      const document = incoming.document ?? this.parsedFetch(request.query ?? '');
      return answeredAtPaths(hubError('HUB_SUBGRAPH_SUSPENDED', [this.subgraphName], { serviceName: this.subgraphName }), document, request.variables);
    }
    access.calledSubgraph(this.subgraphName);
    const refs = refsOf(request.variables);
    const vectors: Map<string, DecisionVector> = refs.length > 0 ? await access.vectorsFor(refs) : new Map();
    const token = await signContext(this.runtime.keys, this.subgraphName, {
      officialId: access.caller.officialId,
      organisation: access.caller.organisation,
      country: access.caller.country,
      roles: access.caller.roles,
      purpose: access.purpose,
      requestId,
      quietDenials: true,
      ...(refs.length > 0 ? { decisions: encodeDecisions(vectors) } : {}),
    });
    request.extensions = { ...request.extensions, [CONTEXT_EXTENSION]: token };

    const document = incoming.document ?? this.parsedFetch(request.query ?? '');
    let response: Awaited<ReturnType<RemoteGraphQLDataSource<HubContext>['process']>>;
    try {
      response = await super.process(options);
    } catch (error) {
      if (!(error instanceof GraphQLError) || typeof error.extensions.hubCode !== 'string') throw error;
      return answeredAtPaths(error, document, request.variables);
    }
    if (response.errors) response.errors = response.errors.map((error) => this.answerable(error, requestId));
    // Judged by the supergraph version the request was planned with, never a newer one.
    const metadata = access.metadata ?? this.runtime.metadata;
    const incidents = await recheckSubgraphResponse(this.subgraphName, metadata, this.runtime.policy, access, document, request.variables, response, vectors);
    for (const incident of incidents) {
      access.reportIncident(incident);
      this.onIncident({ requestId, ...incident });
    }
    return response;
  }

  /** Called by the engine once `request.http` exists (it does not yet in `process`). */
  override willSendRequest(options: GraphQLDataSourceProcessOptions<HubContext>): void {
    if ((options.kind as string) !== 'incoming operation') return;
    const { request, context } = options as Extract<GraphQLDataSourceProcessOptions<HubContext>, { incomingRequestContext: unknown }>;
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.trace) request.http?.headers.set(TRACEPARENT_HEADER, outgoingTraceparent(context.trace));
    // Only queries are retried; the fetcher reads and removes this before the request leaves.
    request.http?.headers.set(FETCH_KIND_HEADER, /^\s*mutation\b/.test(request.query ?? '') ? 'mutation' : 'query');
  }

  /** A subgraph error as the client may see it: an answer passes, a failure behind the subgraph is coded. */
  private answerable(error: GraphQLFormattedError, requestId: string): GraphQLFormattedError {
    const code = error.extensions?.code;
    if (typeof code === 'string' && SUBGRAPH_ANSWER_CODES.has(code)) return error;
    // The operator learns the subgraph's code; its message may name the backend or hold a value.
    this.onBackendFailure?.({ requestId, subgraph: this.subgraphName, code: typeof code === 'string' ? code : null });
    const failed = hubError('HUB_SUBGRAPH_BACKEND_FAILED', [this.subgraphName], { serviceName: this.subgraphName });
    return { message: failed.message, ...(error.path ? { path: error.path } : {}), extensions: failed.extensions };
  }

  private parsedFetch(query: string): DocumentNode {
    let document = parsedFetches.get(query);
    if (!document) {
      document = parse(query);
      if (parsedFetches.size > 1000) parsedFetches.clear();
      parsedFetches.set(query, document);
    }
    return document;
  }

  /**
   * Called for network failures and non-2xx answers. The client learns which subgraph failed and
   * how, never the subgraph's URL or response body (they go to the operator's log).
   */
  override didEncounterError(error: Error): void {
    const failure = this.failureOf(error);
    // Traces on: the code goes on the engine's `gateway.fetch` span for this call (a code, never
    // the message), and the span fails: `process` answers the failure as errors, so the engine does not mark it.
    trace.getActiveSpan()?.setAttribute(SPAN_ATTRIBUTES.errorCodes, [failure.code]).setStatus({ code: SpanStatusCode.ERROR, message: failure.code });
    throw hubError(failure.code, failure.args, { serviceName: this.subgraphName });
  }

  private failureOf(error: Error): { code: HubErrorCode; args: string[] } {
    if (error instanceof CircuitOpenError) return { code: 'HUB_SUBGRAPH_CIRCUIT_OPEN', args: [this.subgraphName] };
    if (error instanceof SubgraphTimeoutError || isAbort(error)) {
      return { code: 'HUB_SUBGRAPH_TIMEOUT', args: [this.subgraphName, String(this.resilience?.options.timeoutMs ?? '')] };
    }
    const status = error instanceof GraphQLError ? (error.extensions?.response as { status?: number } | undefined)?.status : undefined;
    if (typeof status === 'number') return { code: 'HUB_SUBGRAPH_ERROR', args: [this.subgraphName, String(status)] };
    return { code: 'HUB_SUBGRAPH_UNAVAILABLE', args: [this.subgraphName] };
  }
}
