/**
 * The hub's error catalogue: every error the gateway itself produces, with a stable code, its
 * HTTP status and the GraphQL `extensions.code` a client sees. Documented in docs/ERRORS.md; a
 * test keeps the two in step. Messages never include personal data.
 */
import { GraphQLError } from 'graphql';
import { AUTH_ERRORS } from '../auth/errors.js';

export interface HubErrorDefinition {
  /** Stable catalogue code, HUB_<AREA>_<REASON>. */
  code: string;
  /** GraphQL extensions.code a client can branch on. */
  graphqlCode: string;
  httpStatus: number;
  message: string;
}

function define<const C extends string>(code: C, graphqlCode: string, httpStatus: number, message: string) {
  return { code, graphqlCode, httpStatus, message } as const satisfies HubErrorDefinition;
}

export const HubErrors = {
  // Authentication (auth/errors.ts): 401, or 503 when an issuer's keys cannot be fetched.
  ...AUTH_ERRORS,
  HUB_PURPOSE_MISSING: define('HUB_PURPOSE_MISSING', 'BAD_REQUEST', 400, 'Declare the purpose of the request in the x-purpose header; your token allows %s.'),
  HUB_PURPOSE_UNKNOWN: define('HUB_PURPOSE_UNKNOWN', 'BAD_REQUEST', 400, 'x-purpose: %s is not a purpose the hub knows; your token allows %s.'),
  HUB_PURPOSE_NOT_ALLOWED: define('HUB_PURPOSE_NOT_ALLOWED', 'FORBIDDEN', 403, 'Your token does not allow the purpose %s; it allows %s.'),
  HUB_AUDIT_UNAVAILABLE: define('HUB_AUDIT_UNAVAILABLE', 'AUDIT_UNAVAILABLE', 503, 'The access log cannot be written right now, so no data is served. Try again shortly.'),
  HUB_AUDIT_EXPORT_INVALID: define('HUB_AUDIT_EXPORT_INVALID', 'BAD_REQUEST', 400, 'The export parameters are invalid: %s.'),
  HUB_AUDIT_EXPORT_FORBIDDEN: define('HUB_AUDIT_EXPORT_FORBIDDEN', 'FORBIDDEN', 403, 'The access log export is open to auditors and data protection officers, for purpose AUDIT.'),
  // Raised by the central subgraph's auditCheckpoint, which builds the same message itself (a subgraph never imports the gateway).
  HUB_AUDIT_CHECKPOINT_INVALID: define('HUB_AUDIT_CHECKPOINT_INVALID', 'AUDIT_CHECKPOINT_INVALID', 500, "The stored checkpoint of record %s is not signed by the hub's audit key; see auditChainStatus."),
  HUB_REGISTRY_INVALID_REQUEST: define('HUB_REGISTRY_INVALID_REQUEST', 'BAD_REQUEST', 400, 'The registry request is malformed.'),
  HUB_REGISTRY_UNKNOWN_PARTICIPANT: define('HUB_REGISTRY_UNKNOWN_PARTICIPANT', 'UNAUTHENTICATED', 401, 'The signing participant is not known to the registry.'),
  HUB_REGISTRY_BAD_SIGNATURE: define('HUB_REGISTRY_BAD_SIGNATURE', 'UNAUTHENTICATED', 401, "The request is not signed with the participant's registered key."),
  HUB_REGISTRY_STALE_REQUEST: define('HUB_REGISTRY_STALE_REQUEST', 'UNAUTHENTICATED', 401, 'The signed request is too old or from the future (5 minutes at most).'),
  HUB_REGISTRY_REPLAYED: define('HUB_REGISTRY_REPLAYED', 'CONFLICT', 409, 'This signed request was already received.'),
  HUB_REGISTRY_NOT_APPROVED: define('HUB_REGISTRY_NOT_APPROVED', 'FORBIDDEN', 403, 'The participant is not approved.'),
  HUB_REGISTRY_FORBIDDEN: define('HUB_REGISTRY_FORBIDDEN', 'FORBIDDEN', 403, 'Registry administration needs the hub operator role and purpose OPERATIONS.'),
  HUB_REGISTRY_CHECK_FAILED: define('HUB_REGISTRY_CHECK_FAILED', 'CHECK_FAILED', 422, 'The subgraph failed its checks; nothing was changed.'),
  HUB_REGISTRY_NOT_FOUND: define('HUB_REGISTRY_NOT_FOUND', 'NOT_FOUND', 404, 'No such participant or version.'),
  HUB_REGISTRY_CONFLICT: define('HUB_REGISTRY_CONFLICT', 'CONFLICT', 409, 'The registry cannot do that in its current state.'),
  HUB_REGISTRY_NO_SUPERGRAPH: define('HUB_REGISTRY_NO_SUPERGRAPH', 'NOT_READY', 503, 'No supergraph is active.'),
  HUB_RESERVED_NAME: define('HUB_RESERVED_NAME', 'GRAPHQL_VALIDATION_FAILED', 400, 'Names beginning with "__" are reserved for the schema and the hub: rename the %s.'),
  HUB_SUPERGRAPH_CHANGED: define('HUB_SUPERGRAPH_CHANGED', 'SUPERGRAPH_CHANGED', 200, 'The schema changed while the request was under way, and the operation does not fit the new one; nothing was served. Retry with an operation valid in the current schema.'),
  HUB_REGISTRY_HELD: define('HUB_REGISTRY_HELD', 'HELD', 202, 'The subgraph passed its checks, but it breaks consumers or widens who may see a field: it is held until the hub operator approves it.'),
  HUB_INTROSPECTION_DISABLED: define('HUB_INTROSPECTION_DISABLED', 'INTROSPECTION_DISABLED', 200, 'Introspection is available to the hub operator only.'),
  HUB_SUBGRAPH_UNAVAILABLE: define('HUB_SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_UNAVAILABLE', 200, 'Subgraph "%s" is unavailable; its fields are null in this response.'),
  HUB_SUBGRAPH_ERROR: define('HUB_SUBGRAPH_ERROR', 'SUBGRAPH_ERROR', 200, 'Subgraph "%s" answered with HTTP %s; its fields are null in this response.'),
  HUB_SUBGRAPH_TIMEOUT: define('HUB_SUBGRAPH_TIMEOUT', 'SUBGRAPH_TIMEOUT', 200, 'Subgraph "%s" did not answer within %s ms; its fields are null in this response.'),
  HUB_SUBGRAPH_SUSPENDED: define('HUB_SUBGRAPH_SUSPENDED', 'SUBGRAPH_SUSPENDED', 200, 'Subgraph "%s" is suspended by the hub operator and is not called; its fields are null in this response.'),
  HUB_SUBGRAPH_BACKEND_FAILED: define('HUB_SUBGRAPH_BACKEND_FAILED', 'SUBGRAPH_BACKEND_FAILED', 200, 'The system behind subgraph "%s" failed; its fields are null in this response.'),
  HUB_SUBGRAPH_CIRCUIT_OPEN: define('HUB_SUBGRAPH_CIRCUIT_OPEN', 'SUBGRAPH_CIRCUIT_OPEN', 200, 'Subgraph "%s" is failing and is not being called for a while; its fields are null in this response.'),
  // Statistics (statistics/stage.ts, docs/STATISTICS.md): a question outside the declared tables, or one that cannot be answered whole.
  HUB_STATISTICS_QUESTION_INVALID: define('HUB_STATISTICS_QUESTION_INVALID', 'BAD_USER_INPUT', 200, 'The statistics question cannot be asked: %s'),
  HUB_STATISTICS_BUDGET_EXHAUSTED: define('HUB_STATISTICS_BUDGET_EXHAUSTED', 'STATISTICS_BUDGET_EXHAUSTED', 200, 'Your organisation has asked its %s distinct statistics questions for %s; questions already asked still answer.'),
  HUB_STATISTICS_UNAVAILABLE: define('HUB_STATISTICS_UNAVAILABLE', 'STATISTICS_UNAVAILABLE', 200, 'The statistics cannot be computed now: %s. No partial table is released.'),
  // Abuse limits (gateway/limits/): each refuses its attack before any subgraph is called.
  HUB_LIMIT_BODY_TOO_LARGE: define('HUB_LIMIT_BODY_TOO_LARGE', 'PAYLOAD_TOO_LARGE', 413, 'The request body is larger than %s bytes.'),
  HUB_LIMIT_BATCHED: define('HUB_LIMIT_BATCHED', 'BAD_REQUEST', 400, 'Send one operation per request: batched requests are refused.'),
  HUB_LIMIT_TOKENS: define('HUB_LIMIT_TOKENS', 'GRAPHQL_PARSE_FAILED', 400, 'The document has more than %s tokens.'),
  HUB_LIMIT_DEPTH: define('HUB_LIMIT_DEPTH', 'GRAPHQL_VALIDATION_FAILED', 400, 'The operation nests fields more than %s levels deep.'),
  HUB_LIMIT_INTROSPECTION_DEPTH: define('HUB_LIMIT_INTROSPECTION_DEPTH', 'GRAPHQL_VALIDATION_FAILED', 400, 'The introspection query nests fields more than %s levels deep.'),
  HUB_LIMIT_INTROSPECTION_LISTS: define('HUB_LIMIT_INTROSPECTION_LISTS', 'GRAPHQL_VALIDATION_FAILED', 400, 'The introspection query nests lists of fields, interfaces, possible types or input fields more than 2 deep.'),
  HUB_LIMIT_ALIASES: define('HUB_LIMIT_ALIASES', 'GRAPHQL_VALIDATION_FAILED', 400, 'The operation has %s aliases, counting each fragment at every spread; the limit is %s.'),
  HUB_LIMIT_COST: define('HUB_LIMIT_COST', 'GRAPHQL_VALIDATION_FAILED', 400, 'The operation could return more than %s fields (estimated: lists multiply). Ask for smaller pages or fewer nested lists.'),
  HUB_LIMIT_RATE: define('HUB_LIMIT_RATE', 'RATE_LIMITED', 429, 'Too many requests from your organisation; retry after %s s.'),
  HUB_LIMIT_UNTRUSTED_DOCUMENT: define('HUB_LIMIT_UNTRUSTED_DOCUMENT', 'PERSISTED_QUERY_REQUIRED', 400, 'Only registered operations run on this hub: send the id of a registered document.'),
  HUB_LIMIT_UNKNOWN_DOCUMENT: define('HUB_LIMIT_UNKNOWN_DOCUMENT', 'PERSISTED_QUERY_NOT_FOUND', 400, 'No registered document has this id.'),
  HUB_METHOD_NOT_ALLOWED: define('HUB_METHOD_NOT_ALLOWED', 'METHOD_NOT_ALLOWED', 405, 'Send GraphQL requests to /graphql with GET or POST.'),
  HUB_CONTENT_TYPE_UNSUPPORTED: define('HUB_CONTENT_TYPE_UNSUPPORTED', 'UNSUPPORTED_MEDIA_TYPE', 415, 'Send the request body as application/json.'),
  HUB_REQUEST_MALFORMED: define('HUB_REQUEST_MALFORMED', 'BAD_REQUEST', 400, 'The request body is not valid JSON.'),
  HUB_CSRF_REFUSED: define('HUB_CSRF_REFUSED', 'BAD_REQUEST', 400, 'Refused as a possible cross-site request forgery: send content-type application/json (or an apollo-require-preflight header).'),
  HUB_INTERNAL: define('HUB_INTERNAL', 'INTERNAL_SERVER_ERROR', 500, 'Unexpected error.'),
  HUB_NOT_READY: define('HUB_NOT_READY', 'NOT_READY', 503, 'The hub is not ready: %s.'),
} as const;

export type HubErrorCode = keyof typeof HubErrors;

/** Fills a catalogue message's `%s` placeholders in order. */
export function formatMessage(message: string, args: readonly string[]): string {
  let i = 0;
  return message.replace(/%s/g, () => args[i++] ?? '');
}

/** A catalogue entry's message with its placeholders filled. */
export function hubMessage(code: HubErrorCode, args: readonly string[] = []): string {
  return formatMessage(HubErrors[code].message, args);
}

/** Builds the GraphQL error for a catalogue entry. */
export function hubError(code: HubErrorCode, args: readonly string[] = [], extensions: Record<string, unknown> = {}): GraphQLError {
  const definition: HubErrorDefinition = HubErrors[code];
  return new GraphQLError(hubMessage(code, args), {
    extensions: { code: definition.graphqlCode, hubCode: definition.code, ...extensions },
  });
}
