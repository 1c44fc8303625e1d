/**
 * One audit record per request, durable before the response leaves. `willSendResponse` builds
 * the record from what the enforcing executor summarised and waits for the group commit; if the
 * record cannot be written, the response is replaced — no data, AUDIT_UNAVAILABLE, HTTP 503 —
 * so personal data is never served unaudited. The next request tries again: nothing to restart.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { requireCode, sha256Hex, type AuditContent, type AuditOutcome, type AuditWriter } from '../audit/index.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../auth/Caller.js';
import type { HubContext } from './context.js';
import { HubErrors } from './errors.js';
import { refusalBody } from './refusal.js';

const CONSENT_MUTATIONS = /\b(recordConsent|withdrawConsent)\b/;

/** Codes of an operation refused before execution: parse, validation, variables, limits. */
const REFUSAL_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE', 'INTROSPECTION_DISABLED']);

interface ResultError {
  extensions?: Record<string, unknown>;
}

/** The code a record gives an error: its catalogue code, else its GraphQL code, else HUB_INTERNAL. */
export function codeOfError(error: ResultError | undefined): string {
  const hubCode = error?.extensions?.hubCode;
  if (typeof hubCode === 'string' && hubCode.length > 0) return hubCode;
  const code = error?.extensions?.code;
  return typeof code === 'string' && code.length > 0 ? code : HubErrors.HUB_INTERNAL.code;
}

function outcomeOf(errors: readonly ResultError[], hasData: boolean, released: number, denied: number): AuditOutcome {
  if (errors.length === 0) return 'OK';
  if (!hasData) return errors.every((e) => REFUSAL_CODES.has(String(e.extensions?.code))) ? 'REFUSED' : 'ERROR';
  if (released === 0 && denied > 0) return 'DENIED';
  return 'PARTIAL';
}

export function buildAccessRecord(ctx: GraphQLRequestContextWillSendResponse<HubContext>): AuditContent | null {
  const { access, requestId } = ctx.contextValue;
  if (ctx.response.body.kind !== 'single') return null;
  const result = ctx.response.body.singleResult;
  const { cases, accesses, paths } = access.cases;
  const released = cases.reduce((n, c) => n + (accesses[c.access]?.released.length ?? 0), 0);
  const denied = cases.reduce((n, c) => n + (accesses[c.access]?.denied.length ?? 0), 0);
  const isConsentChange = ctx.operation?.operation === 'mutation' && CONSENT_MUTATIONS.test(ctx.source ?? '');
  return {
    v: 2,
    kind: isConsentChange ? 'CONSENT_CHANGE' : 'ACCESS',
    time: new Date().toISOString(),
    requestId,
    caller: {
      issuer: access.caller.issuer,
      organisation: access.caller.organisation,
      country: access.caller.country,
      officialId: access.caller.officialId,
      roles: [...access.caller.roles],
    },
    purpose: access.purpose,
    operation: ctx.operation ? { type: ctx.operation.operation, name: ctx.operationName ?? null, hash: access.operationHash ?? ctx.queryHash ?? '' } : null,
    outcome: outcomeOf(result.errors ?? [], result.data !== null && result.data !== undefined, released, denied),
    ...(result.errors?.length ? { code: codeOfError(result.errors[0]) } : {}),
    subgraphs: [...access.subgraphs].sort(),
    cases,
    accesses,
    paths,
    incidents: access.incidents.map((i) => ({ ...i })),
    requestHash: sha256Hex(JSON.stringify({ query: ctx.request.query ?? null, operationName: ctx.request.operationName ?? null, variables: ctx.request.variables ?? null })),
    responseHash: sha256Hex(JSON.stringify(result)),
  };
}

/**
 * @param onRecorded told of each request the plugin has recorded (or answered AUDIT_UNAVAILABLE
 * for), so that the route's `recordUnrecorded` hook does not record it again.
 */
export function auditPlugin(writer: Pick<AuditWriter, 'append'>, log: (entry: Record<string, unknown>) => void, onRecorded: (context: HubContext) => void = () => {}): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(ctx) {
          const content = buildAccessRecord(ctx);
          if (!content || ctx.response.body.kind !== 'single') return;
          onRecorded(ctx.contextValue);
          try {
            await writer.append(requireCode(content));
          } catch (error) {
            log({ requestId: ctx.contextValue.requestId, hubCode: HubErrors.HUB_AUDIT_UNAVAILABLE.code, cause: (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : null });
            ctx.response.body.singleResult = { data: null, ...refusalBody('HUB_AUDIT_UNAVAILABLE', ctx.contextValue.requestId) };
            ctx.response.http.status = HubErrors.HUB_AUDIT_UNAVAILABLE.httpStatus;
          }
        },
      };
    },
  };
}

/** What the hub knows of a request refused outside GraphQL execution. */
export interface Refusal {
  requestId: string;
  /** The verified caller, when the token was verified before the refusal. */
  caller?: Caller;
  /** The declared purpose, once it is known to be one the caller may declare. */
  purpose?: string;
  code: string;
  outcome: Extract<AuditOutcome, 'REFUSED' | 'ERROR'>;
  /** The request as read so far (the parsed body, or null when it was not read). */
  request: unknown;
  /** The response body sent. */
  response: unknown;
}

/** The record of a request refused before or outside GraphQL execution (HTTP layer, authentication, Apollo's own checks). */
export function refusalRecord(refusal: Refusal): AuditContent {
  const { caller } = refusal;
  return requireCode({
    v: 2,
    kind: 'ACCESS',
    time: new Date().toISOString(),
    requestId: refusal.requestId,
    caller: caller ? { issuer: caller.issuer, organisation: caller.organisation, country: caller.country, officialId: caller.officialId, roles: [...caller.roles] } : null,
    purpose: refusal.purpose ?? null,
    operation: null,
    outcome: refusal.outcome,
    code: refusal.code,
    subgraphs: [],
    cases: [],
    accesses: [],
    paths: [],
    incidents: [],
    requestHash: sha256Hex(JSON.stringify(refusal.request ?? null)),
    responseHash: sha256Hex(JSON.stringify(refusal.response ?? null)),
  });
}

function firstErrorOf(payload: unknown): ResultError | undefined {
  if (typeof payload !== 'string' || payload.length === 0) return undefined;
  try {
    const parsed = JSON.parse(payload) as { errors?: unknown };
    return Array.isArray(parsed.errors) ? (parsed.errors[0] as ResultError) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An `onSend` hook for /graphql: every response the audit plugin has not recorded — a refusal by
 * the HTTP layer or authentication (./refusal.ts notes its code), or by Apollo Server before a
 * request's plugins run (CSRF, a malformed request) — is recorded here, with the caller when the
 * token was verified, before it leaves. If the record cannot be written the response becomes
 * AUDIT_UNAVAILABLE (fail closed, as for data).
 */
export function recordUnrecorded(options: {
  writer: Pick<AuditWriter, 'append'>;
  recorded: (request: FastifyRequest) => boolean;
  onRefusal: (code: string) => void;
  log: (entry: Record<string, unknown>) => void;
}) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (options.recorded(request)) return payload;
    const code = request.refusedWith ?? codeOfError(firstErrorOf(payload));
    options.onRefusal(code);
    try {
      await options.writer.append(
        refusalRecord({
          requestId: request.id,
          caller: request.caller,
          purpose: request.purpose,
          code,
          outcome: reply.statusCode >= 500 ? 'ERROR' : 'REFUSED',
          request: request.body ?? null,
          response: typeof payload === 'string' ? payload : null,
        }),
      );
      return payload;
    } catch (error) {
      options.log({ requestId: request.id, hubCode: HubErrors.HUB_AUDIT_UNAVAILABLE.code, refusedWith: code, cause: (error as Error).message });
      request.refusedWith = 'HUB_AUDIT_UNAVAILABLE';
      reply.code(HubErrors.HUB_AUDIT_UNAVAILABLE.httpStatus).header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify(refusalBody('HUB_AUDIT_UNAVAILABLE', request.id));
    }
  };
}
