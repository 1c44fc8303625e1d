/**
 * The stages a request to /graphql meets, in order, each with what it checks and every code it
 * may refuse with — the one list. gateway/server.ts builds the route's hooks in this order
 * (`HTTP_GUARDS`), README.md draws it ("The request pipeline"), and
 * tests/gateway/pipeline.test.ts keeps the drawing, the catalogue and this list in step.
 *
 * Whatever stage refuses, the request gets exactly one audit record before its response
 * (./auditPlugin.ts), naming the caller once `authentication` has passed.
 */
import { AUTH_ERRORS } from '../auth/errors.js';
import { DENIAL_CODES } from '../auth/decide.js';
import type { HubErrorCode } from './errors.js';

export interface Stage {
  /** Stable name, as drawn in README.md. */
  name: string;
  /** Who runs it: Fastify before GraphQL, Apollo Server, or the hub's executor and data sources. */
  runBy: 'fastify' | 'apollo' | 'executor';
  checks: string;
  /** Catalogue codes (HUB_…) or, for GraphQL's own checks and field denials, `extensions.code`s. */
  refusesWith: readonly string[];
}

const stage = (name: string, runBy: Stage['runBy'], checks: string, refusesWith: readonly (HubErrorCode | string)[]): Stage => Object.freeze({ name, runBy, checks, refusesWith: Object.freeze([...refusesWith]) });

export const PIPELINE: readonly Stage[] = Object.freeze([
  stage('method', 'fastify', 'GET or POST; OPTIONS answered 204 with no CORS allowance; any other method refused', ['HUB_METHOD_NOT_ALLOWED']),
  stage('authentication', 'fastify', 'a token of a trusted issuer, and a purpose it may assert (before the body is read)', [...Object.keys(AUTH_ERRORS), 'HUB_PURPOSE_MISSING', 'HUB_PURPOSE_UNKNOWN', 'HUB_PURPOSE_NOT_ALLOWED']),
  stage('body', 'fastify', 'at most bodyLimitBytes, application/json, valid JSON', ['HUB_LIMIT_BODY_TOO_LARGE', 'HUB_CONTENT_TYPE_UNSUPPORTED', 'HUB_REQUEST_MALFORMED']),
  stage('batches', 'fastify', 'one operation per request', ['HUB_LIMIT_BATCHED']),
  stage('rate', 'fastify', "the organisation's token bucket", ['HUB_LIMIT_RATE']),
  stage('trusted-documents', 'fastify', 'a registered document, when a manifest is configured', ['HUB_LIMIT_UNTRUSTED_DOCUMENT', 'HUB_LIMIT_UNKNOWN_DOCUMENT']),
  stage('csrf', 'apollo', 'a preflighted request (JSON content type or a preflight header)', ['HUB_CSRF_REFUSED']),
  stage('parse', 'apollo', 'GraphQL syntax, at most maxTokens tokens', ['HUB_LIMIT_TOKENS', 'GRAPHQL_PARSE_FAILED']),
  stage('validation', 'apollo', "graphql-js's specified rules, then the hub's: reserved names, aliases, depth, introspection depth", [
    'GRAPHQL_VALIDATION_FAILED',
    'HUB_RESERVED_NAME',
    'HUB_LIMIT_ALIASES',
    'HUB_LIMIT_DEPTH',
    'HUB_LIMIT_INTROSPECTION_DEPTH',
    'HUB_LIMIT_INTROSPECTION_LISTS',
  ]),
  stage('cost', 'apollo', 'the operation costed on the coerced variables of this request, before planning', ['HUB_LIMIT_COST']),
  stage('variables', 'apollo', 'variable values coerced to their types', ['BAD_USER_INPUT']),
  stage('access', 'executor', 'one supergraph version per request; introspection for the hub operator only; fields the policy denies removed before planning, per-case decisions', ['HUB_SUPERGRAPH_CHANGED', 'HUB_INTROSPECTION_DISABLED', ...DENIAL_CODES]),
  stage('statistics', 'executor', "Query.statistics only: a declared question, asked alone, within the organisation's budget; every contribution fetched whole (docs/STATISTICS.md)", ['HUB_STATISTICS_QUESTION_INVALID', 'HUB_STATISTICS_BUDGET_EXHAUSTED', 'HUB_STATISTICS_UNAVAILABLE']),
  stage('subgraphs', 'executor', "signed context per subgraph call, deadline, circuit breaker, the answer re-checked", ['HUB_SUBGRAPH_UNAVAILABLE', 'HUB_SUBGRAPH_ERROR', 'HUB_SUBGRAPH_TIMEOUT', 'HUB_SUBGRAPH_CIRCUIT_OPEN', 'HUB_SUBGRAPH_BACKEND_FAILED', 'HUB_SUBGRAPH_SUSPENDED']),
  stage('audit', 'executor', 'the record durable before the response leaves', ['HUB_AUDIT_UNAVAILABLE']),
]);

/** The Fastify preHandler stages, in pipeline order (gateway/server.ts supplies one guard per name). */
export const HTTP_GUARDS = Object.freeze(['batches', 'rate', 'trusted-documents'] as const);
export type HttpGuard = (typeof HTTP_GUARDS)[number];
