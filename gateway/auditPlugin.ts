/**
 * One audit record per request, durable before the response leaves. `willSendResponse` builds
 * the record from what the enforcing executor summarised; the route's `onSend` hook
 * (`recordResponses`) hashes the body exactly as serialised for the wire — the bytes the caller
 * receives, not a second serialisation of the result — and waits for the group commit. If the
 * record cannot be written, the response is replaced — no data, AUDIT_UNAVAILABLE, HTTP 503 — so
 * personal data is never served unaudited. The next request tries again: nothing to restart.
 */
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Kind, valueFromASTUntyped, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { requireCode, sha256Hex, type AuditContent, type AuditKind, type AuditOutcome, type AuditWriter, type CaseAccesses } from '../audit/index.js';
import type { Caller } from '../auth/Caller.js';
import { isDenialCode } from '../auth/decide.js';
import { isCaseRef } from '../contract/index.js';
import type { AccessOutcome } from './access/RequestAccess.js';
import type { HubContext } from './context.js';
import { HubErrors } from './errors.js';
import { refusalBody } from './refusal.js';
import { statisticsAuditOf } from './statisticsStage.js';

/** Mutations that change what the gates read (docs/POLICY.md), and the kind of record each leaves. */
const CHANGE_KINDS: Readonly<Record<string, AuditKind>> = {
  recordConsent: 'CONSENT_CHANGE',
  withdrawConsent: 'CONSENT_CHANGE',
  recordTransferBasis: 'TRANSFER_BASIS_CHANGE',
  revokeTransferBasis: 'TRANSFER_BASIS_CHANGE',
};

/** The root fields of a mutation that change gate facts, through inline fragments and spreads. */
function changeFields(document: DocumentNode | undefined, operation: OperationDefinitionNode): FieldNode[] {
  const fields: FieldNode[] = [];
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (Object.hasOwn(CHANGE_KINDS, selection.name.value)) fields.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = document?.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
        if (fragment?.kind === Kind.FRAGMENT_DEFINITION) visit(fragment.selectionSet);
      }
    }
  };
  if (operation.operation === 'mutation') visit(operation.selectionSet);
  return fields;
}

interface RefusedChange {
  kind: AuditKind;
  code: string | null;
  rule: string | null;
  /** The case the change names, when given and well-formed (consents: input.caseRef). */
  caseRef: string | null;
  path: string;
}

/** The change fields the response refused: their code and rule, and the case each names. */
function refusedChanges(fields: readonly FieldNode[], variables: Record<string, unknown>, errors: readonly { path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[]): RefusedChange[] {
  const refused: RefusedChange[] = [];
  for (const field of fields) {
    const key = field.alias?.value ?? field.name.value;
    const error = errors.find((e) => e.path?.length === 1 && e.path[0] === key);
    if (!error) continue;
    const input = field.arguments?.find((a) => a.name.value === 'input');
    const value = input ? valueFromASTUntyped(input.value, variables) : null;
    const caseRef = value !== null && typeof value === 'object' ? (value as Record<string, unknown>).caseRef : null;
    const text = (name: string) => (typeof error.extensions?.[name] === 'string' ? (error.extensions[name] as string) : null);
    refused.push({ kind: CHANGE_KINDS[field.name.value] as AuditKind, code: text('code'), rule: text('rule'), caseRef: isCaseRef(caseRef) ? caseRef : null, path: key });
  }
  return refused;
}

/** The cases of the record, with each refused consent change's case and its denial added. */
function withRefusedCases(cases: CaseAccesses, refused: readonly RefusedChange[]): CaseAccesses {
  const named = refused.filter((r) => r.caseRef !== null && !cases.cases.some((c) => c.ref === r.caseRef));
  if (named.length === 0) return cases;
  const result: CaseAccesses = { cases: [...cases.cases], accesses: [...cases.accesses], paths: [...cases.paths] };
  for (const change of named) {
    let path = result.paths.indexOf(change.path);
    if (path < 0) path = result.paths.push(change.path) - 1;
    const access = result.accesses.push({ released: [], denied: [{ category: 'CONSENT', code: change.code ?? 'UNKNOWN', rule: change.rule ?? change.code ?? 'UNKNOWN', paths: [path] }] }) - 1;
    result.cases.push({ ref: change.caseRef as string, access });
  }
  result.cases.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  return result;
}

/** Codes of an operation refused before execution: parse, validation, variables, limits. */
const REFUSAL_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE', 'INTROSPECTION_DISABLED', HubErrors.HUB_STATISTICS_BUDGET_EXHAUSTED.graphqlCode]);

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
  // Nothing served, and every error a refusal (a bad request, or a denial such as a refused change): REFUSED.
  if (!hasData) return errors.every((e) => REFUSAL_CODES.has(String(e.extensions?.code)) || isDenialCode(e.extensions?.code)) ? 'REFUSED' : 'ERROR';
  if (released === 0 && denied > 0) return 'DENIED';
  return 'PARTIAL';
}

/** The outcome of a request refused before execution (parse, validation, limits): nothing released. */
const NOTHING_RAN: AccessOutcome = Object.freeze({ cases: { cases: [], accesses: [], paths: [] }, operationHash: null, subgraphs: [], incidents: [] });

/** The caller as a record names them: keys in RFC 8785 order, so the writer copies nothing. */
function callerOf(caller: Pick<Caller, 'country' | 'issuer' | 'officialId' | 'organisation' | 'roles'>): NonNullable<AuditContent['caller']> {
  return { country: caller.country, issuer: caller.issuer, officialId: caller.officialId, organisation: caller.organisation, roles: [...caller.roles] };
}

/** A record whose `responseHash` is still to be set from the body as sent (`recordResponses`). */
export type UnsealedRecord = Omit<AuditContent, 'responseHash'>;

export function buildAccessRecord(ctx: GraphQLRequestContextWillSendResponse<HubContext>): UnsealedRecord | null {
  const { access, requestId } = ctx.contextValue;
  if (ctx.response.body.kind !== 'single') return null;
  const result = ctx.response.body.singleResult;
  const outcome = access.outcome ?? NOTHING_RAN;
  const changes = ctx.operation ? changeFields(ctx.document, ctx.operation) : [];
  const refused = refusedChanges(changes, ctx.request.variables ?? {}, result.errors ?? []);
  const { cases, accesses, paths } = withRefusedCases(outcome.cases, refused);
  const released = cases.reduce((n, c) => n + (accesses[c.access]?.released.length ?? 0), 0);
  const denied = cases.reduce((n, c) => n + (accesses[c.access]?.denied.length ?? 0), 0);
  const firstRefusal = refused.find((r) => r.code !== null);
  const statistics = statisticsAuditOf(access);
  return {
    v: 2,
    kind: changes.length > 0 ? CHANGE_KINDS[changes[0]!.name.value]! : 'ACCESS',
    // A refused change keeps its own code and rule; any other record with errors, its first error's code.
    ...(firstRefusal
      ? { code: firstRefusal.code as string, ...(firstRefusal.rule ? { rule: firstRefusal.rule } : {}) }
      : result.errors?.length
        ? { code: codeOfError(result.errors[0]) }
        : {}),
    time: new Date().toISOString(),
    requestId,
    // Objects under the top level are built with their keys in RFC 8785 order, so the writer's
    // canonical JSON stringifies them as they are (audit/chain.ts canonicalJson).
    caller: callerOf(access.caller),
    purpose: access.purpose,
    operation: ctx.operation ? { hash: outcome.operationHash ?? ctx.queryHash ?? '', name: ctx.operationName ?? null, type: ctx.operation.operation } : null,
    outcome: outcomeOf(result.errors ?? [], result.data !== null && result.data !== undefined, released, denied),
    subgraphs: [...outcome.subgraphs],
    cases,
    accesses,
    paths,
    incidents: outcome.incidents.map(({ code, coordinate, rule, subgraph }) => ({ code, coordinate, rule, subgraph })),
    ...(statistics ? { statistics } : {}),
    requestHash: sha256Hex(JSON.stringify({ query: ctx.request.query ?? null, operationName: ctx.request.operationName ?? null, variables: ctx.request.variables ?? null })),
  };
}

/**
 * Builds each executed request's record when Apollo Server is about to send the response and hands
 * it to `onRecord` (the server keeps it for the route's `recordResponses` hook, which seals and
 * writes it). Responses that are not a single result are left to that hook as refusals.
 */
export function auditPlugin(onRecord: (context: HubContext, record: UnsealedRecord) => void): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(ctx) {
          if (ctx.response.body.kind !== 'single') return;
          const content = buildAccessRecord(ctx);
          if (content) onRecord(ctx.contextValue, content);
        },
      };
    },
  };
}

/** SHA-256 of a response body as it leaves: the string Fastify is about to write, or its bytes. */
export function bodyHash(payload: unknown): string {
  if (typeof payload === 'string') return sha256Hex(payload);
  if (payload instanceof Uint8Array) return createHash('sha256').update(payload).digest('hex');
  return sha256Hex('');
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
  /** The response body as sent. */
  response: string | null;
}

/** The record of a request refused before or outside GraphQL execution (HTTP layer, authentication, Apollo's own checks). */
export function refusalRecord(refusal: Refusal): AuditContent {
  const { caller } = refusal;
  return requireCode({
    v: 2,
    kind: 'ACCESS',
    time: new Date().toISOString(),
    requestId: refusal.requestId,
    caller: caller ? callerOf(caller) : null,
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
    responseHash: bodyHash(refusal.response ?? ''),
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
 * The `onSend` hook of /graphql: no response leaves unrecorded. An executed request's record (built
 * by `auditPlugin`) is sealed with the hash of the body as sent and written; every other response —
 * a refusal by the HTTP layer or authentication (./refusal.ts notes its code), or by Apollo Server
 * before a request's plugins run (CSRF, a malformed request) — is recorded as a refusal, with the
 * caller when the token was verified. Either way the body leaves only once its record is durable;
 * if it cannot be written the response becomes AUDIT_UNAVAILABLE (fail closed).
 */
export function recordResponses(options: {
  writer: Pick<AuditWriter, 'append'>;
  /** The record `auditPlugin` built for this request, taken (once) by this hook. */
  takeRecord: (request: FastifyRequest) => UnsealedRecord | undefined;
  onRefusal: (code: string) => void;
  log: (entry: Record<string, unknown>, message: string) => void;
}) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const executed = options.takeRecord(request);
    if (executed) {
      try {
        await options.writer.append(requireCode({ ...executed, responseHash: bodyHash(payload) }));
        return payload;
      } catch (error) {
        options.log(
          { requestId: request.id, hubCode: HubErrors.HUB_AUDIT_UNAVAILABLE.code, cause: (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : null },
          'audit record could not be written; response withheld',
        );
        reply.code(HubErrors.HUB_AUDIT_UNAVAILABLE.httpStatus).header('content-type', 'application/json; charset=utf-8');
        return JSON.stringify({ data: null, ...refusalBody('HUB_AUDIT_UNAVAILABLE', request.id) });
      }
    }
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
      options.log({ requestId: request.id, hubCode: HubErrors.HUB_AUDIT_UNAVAILABLE.code, refusedWith: code, cause: (error as Error).message }, 'refusal record could not be written; answered AUDIT_UNAVAILABLE');
      request.refusedWith = 'HUB_AUDIT_UNAVAILABLE';
      reply.code(HubErrors.HUB_AUDIT_UNAVAILABLE.httpStatus).header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify(refusalBody('HUB_AUDIT_UNAVAILABLE', request.id));
    }
  };
}
