/**
 * What the edge answers besides the subgraph's own answers: its refusal of a request the gateway
 * did not sign (the kit's, word for word) and its own codes, each with its HTTP status. Listed in
 * docs/PARTNER-PROTOCOL.md; tests/edge/protocol-doc.test.ts keeps the two in step.
 */

/** The message of every refusal of a context (HTTP 401, `UNAUTHENTICATED`, `hubCode: HUB_CONTEXT_INVALID`). */
export const REFUSAL_MESSAGE = 'Requests to this subgraph must come through the Continuum gateway.';

export const EDGE_CODES = {
  BAD_REQUEST: { status: 400, message: 'The request body must be a JSON object with a "query" string, optional "variables" (an object) and "operationName" (a string).' },
  BAD_REQUEST_TOO_LARGE: { status: 413, message: 'The request body is larger than this edge accepts.' },
  EDGE_NOT_READY: { status: 503, message: "The edge has not loaded the hub's context keys and the subgraph's schema yet, or is stopping." },
  BACKEND_UNAVAILABLE: { status: 502, message: 'The subgraph behind this edge did not answer.' },
  BACKEND_ERROR: { status: 502, message: 'The subgraph behind this edge did not answer with a GraphQL response.' },
  NOT_FOUND: { status: 404, message: 'Not found: this edge serves POST /graphql, GET /healthz and GET /readyz.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'GraphQL requests to this edge are POST /graphql with a JSON body.' },
  INTERNAL_SERVER_ERROR: { status: 500, message: 'Unexpected error.' },
} as const;
