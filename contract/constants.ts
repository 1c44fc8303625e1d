/**
 * The names both sides of the gateway↔subgraph protocol use: where the signed context travels,
 * the headers the gateway sends, where it publishes its key, the denial codes and the span
 * attributes that correlate the gateway's and the subgraphs' traces.
 */

/** Where a subgraph request carries the gateway's signed context (in the body: it can be large). */
export const CONTEXT_EXTENSION = 'continuumContext';

/** The gateway's request id on every subgraph request (8–64 of A–Z, a–z, 0–9 and `-`). */
export const REQUEST_ID_HEADER = 'x-request-id';
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

/** The W3C trace context header the gateway forwards. */
export const TRACEPARENT_HEADER = 'traceparent';

/** Where every gateway publishes the public key subgraphs verify the context with, as a JWKS. */
export const CONTEXT_JWKS_PATH = '/.well-known/continuum/context-jwks.json';

/** The codes a field denial is answered with, by the gateway and by every subgraph. */
export const DENIAL_CODES = Object.freeze(['FORBIDDEN_FIELD', 'NO_RELATIONSHIP', 'CONSENT_REQUIRED', 'TRANSFER_BLOCKED'] as const);
export type DenialCode = (typeof DENIAL_CODES)[number];

const DENIAL_CODE_SET: ReadonlySet<string> = new Set(DENIAL_CODES);

/** Whether an error's `extensions.code` is a field denial's. */
export function isDenialCode(code: unknown): code is DenialCode {
  return typeof code === 'string' && DENIAL_CODE_SET.has(code);
}

/** The hub's own span attributes, on the gateway's spans and every subgraph's. */
export const SPAN_ATTRIBUTES = {
  requestId: 'continuum.request_id',
  subgraph: 'continuum.subgraph',
  /** Distinct codes of the errors answered: `hubCode` where there is one, else `extensions.code`. */
  errorCodes: 'continuum.error_codes',
  operationName: 'graphql.operation.name',
} as const;

/**
 * Where the gateway signs the decision for fields about no one case — a statistics contribution's
 * STATISTICS fields (docs/STATISTICS.md): under this key of the decisions, which no case reference
 * can equal. Without it such a field is denied.
 */
export const CASE_INDEPENDENT_KEY = '*';
