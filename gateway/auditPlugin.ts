/**
 * One audit record per request, durable before the response leaves. `willSendResponse` builds
 * the record from what the enforcing executor summarised and waits for the group commit; if the
 * record cannot be written, the response is replaced — no data, AUDIT_UNAVAILABLE, HTTP 503 —
 * so personal data is never served unaudited. The next request tries again: nothing to restart.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { sha256Hex, type AuditContent, type AuditOutcome, type AuditWriter } from '../audit/index.js';
import type { AccessOutcome } from './access/RequestAccess.js';
import type { HubContext } from './context.js';
import { HubErrors } from './errors.js';

const CONSENT_MUTATIONS = /\b(recordConsent|withdrawConsent)\b/;

function outcomeOf(errors: number, hasData: boolean, released: number, denied: number): AuditOutcome {
  if (errors === 0) return 'OK';
  if (!hasData) return 'ERROR';
  if (released === 0 && denied > 0) return 'DENIED';
  return 'PARTIAL';
}

/** The outcome of a request refused before execution (parse, validation, limits): nothing released. */
const NOTHING_RAN: AccessOutcome = Object.freeze({ cases: { cases: [], accesses: [], paths: [] }, operationHash: null, subgraphs: [], incidents: [] });

export function buildAccessRecord(ctx: GraphQLRequestContextWillSendResponse<HubContext>): AuditContent | null {
  const { access, requestId } = ctx.contextValue;
  if (ctx.response.body.kind !== 'single') return null;
  const result = ctx.response.body.singleResult;
  const outcome = access.outcome ?? NOTHING_RAN;
  const { cases, accesses, paths } = outcome.cases;
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
    operation: ctx.operation ? { type: ctx.operation.operation, name: ctx.operationName ?? null, hash: outcome.operationHash ?? ctx.queryHash ?? '' } : null,
    outcome: outcomeOf(result.errors?.length ?? 0, result.data !== null && result.data !== undefined, released, denied),
    subgraphs: [...outcome.subgraphs],
    cases,
    accesses,
    paths,
    incidents: outcome.incidents.map((i) => ({ ...i })),
    requestHash: sha256Hex(JSON.stringify({ query: ctx.request.query ?? null, operationName: ctx.request.operationName ?? null, variables: ctx.request.variables ?? null })),
    responseHash: sha256Hex(JSON.stringify(result)),
  };
}

export function auditPlugin(writer: Pick<AuditWriter, 'append'>, log: (entry: Record<string, unknown>) => void): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(ctx) {
          const content = buildAccessRecord(ctx);
          if (!content || ctx.response.body.kind !== 'single') return;
          try {
            await writer.append(content);
          } catch (error) {
            log({ requestId: ctx.contextValue.requestId, hubCode: HubErrors.HUB_AUDIT_UNAVAILABLE.code, cause: (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : null });
            const definition = HubErrors.HUB_AUDIT_UNAVAILABLE;
            ctx.response.body.singleResult = {
              data: null,
              errors: [{ message: definition.message, extensions: { code: definition.graphqlCode, hubCode: definition.code, requestId: ctx.contextValue.requestId } }],
            };
            ctx.response.http.status = definition.httpStatus;
          }
        },
      };
    },
  };
}

/** The record of a request refused before GraphQL (bad token or purpose). */
export function refusalRecord(requestId: string, code: string, requestBody: unknown): AuditContent {
  return {
    v: 2,
    kind: 'ACCESS',
    time: new Date().toISOString(),
    requestId,
    caller: null,
    purpose: null,
    operation: null,
    outcome: 'REFUSED',
    code,
    subgraphs: [],
    cases: [],
    accesses: [],
    paths: [],
    incidents: [],
    requestHash: sha256Hex(JSON.stringify(requestBody ?? null)),
    responseHash: sha256Hex(code),
  };
}
