/**
 * One audit record per request, durable before the response leaves. `willSendResponse` builds
 * the record from what the enforcing executor summarised and waits for the group commit; if the
 * record cannot be written, the response is replaced — no data, AUDIT_UNAVAILABLE, HTTP 503 —
 * so personal data is never served unaudited. The next request tries again: nothing to restart.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { Kind, valueFromASTUntyped, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { sha256Hex, type AuditContent, type AuditKind, type AuditOutcome, type AuditWriter, type CaseAccesses } from '../audit/index.js';
import { isCaseRef } from '../schema/scalars.js';
import type { AccessOutcome } from './access/RequestAccess.js';
import type { HubContext } from './context.js';
import { HubErrors } from './errors.js';

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
  const changes = ctx.operation ? changeFields(ctx.document, ctx.operation) : [];
  const refused = refusedChanges(changes, ctx.request.variables ?? {}, result.errors ?? []);
  const { cases, accesses, paths } = withRefusedCases(outcome.cases, refused);
  const released = cases.reduce((n, c) => n + (accesses[c.access]?.released.length ?? 0), 0);
  const denied = cases.reduce((n, c) => n + (accesses[c.access]?.denied.length ?? 0), 0);
  const firstRefusal = refused.find((r) => r.code !== null);
  return {
    v: 2,
    kind: changes.length > 0 ? CHANGE_KINDS[changes[0]!.name.value]! : 'ACCESS',
    ...(firstRefusal ? { code: firstRefusal.code as string, ...(firstRefusal.rule ? { rule: firstRefusal.rule } : {}) } : {}),
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
