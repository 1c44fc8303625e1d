/**
 * After execution, one walk over the result along the client's own operation:
 * - every field pre-planning removed is answered `null` at each place it was asked for, with an
 *   error carrying its path, code and rule;
 * - what was released and denied is summarised per case and category — paths, rule, legal basis —
 *   for the audit record (never the values);
 * - the gateway's own helper selections (case references, placeholders) are removed.
 */
import { getOperationAST, Kind, valueFromASTUntyped, type DocumentNode, type GraphQLError, type OperationDefinitionNode } from 'graphql';
import type { Decision } from '../../auth/decide.js';
import type { CaseAccess } from '../../audit/record.js';
import { isCaseRef } from '../../schema/scalars.js';
import { deniedError, MAX_FIELD_ERRORS, summaryError } from './denials.js';
import type { AccessMetadata } from './metadata.js';
import { PLACEHOLDER_KEY, REF_KEY, type StaticDenial } from './staticPlan.js';
import { fragmentsOf, walkSelectionSet, type ResponsePath, type ResultObject } from './walk.js';

const DENIAL_CODES = new Set(['FORBIDDEN_FIELD', 'NO_RELATIONSHIP', 'CONSENT_REQUIRED', 'TRANSFER_BLOCKED']);

export interface FinishedResult {
  /** Errors for removed fields, to append to the response. */
  errors: GraphQLError[];
  /** Per case: what was released and denied. */
  cases: CaseAccess[];
}

interface CaseSummary {
  released: Map<string, { basis: string; rule: string; paths: Set<string> }>;
  denied: Map<string, { code: string; rule: string; paths: Set<string> }>;
}

const pattern = (path: ResponsePath) => path.filter((p) => typeof p === 'string').join('.');

/** Case references passed as arguments to root fields (e.g. `case(ref:)`), by response key. */
function rootArgumentRefs(operation: OperationDefinitionNode, variables: Record<string, unknown>): Map<string, string> {
  const refs = new Map<string, string>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    for (const argument of selection.arguments ?? []) {
      const value = valueFromASTUntyped(argument.value, variables);
      if (isCaseRef(value)) refs.set(selection.alias?.value ?? selection.name.value, value);
    }
  }
  return refs;
}

export function finishResult(
  metadata: AccessMetadata,
  document: DocumentNode,
  operationName: string | null,
  variables: Record<string, unknown>,
  data: Record<string, unknown> | null | undefined,
  priorErrors: readonly { path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[],
  removed: ReadonlyMap<string, StaticDenial>,
  decisionsOf: (ref: string) => ReadonlyMap<string, Decision> | undefined,
): FinishedResult {
  const operation = getOperationAST(document, operationName);
  const summaries = new Map<string, CaseSummary>();
  const summary = (ref: string) => {
    let found = summaries.get(ref);
    if (!found) summaries.set(ref, (found = { released: new Map(), denied: new Map() }));
    return found;
  };
  const deny = (ref: string, category: string, code: string, rule: string, path: string) => {
    const denied = summary(ref).denied;
    const entry = denied.get(category) ?? { code, rule, paths: new Set<string>() };
    entry.paths.add(path);
    denied.set(category, entry);
  };
  const argumentRefs = operation ? rootArgumentRefs(operation, variables) : new Map<string, string>();
  for (const ref of argumentRefs.values()) summary(ref);

  // Denials reported by subgraphs and by the re-check, attributed to the case on their path.
  for (const error of priorErrors) {
    const code = error.extensions?.code;
    if (typeof code !== 'string' || !DENIAL_CODES.has(code) || !error.path) continue;
    let ref: string | null = argumentRefs.get(String(error.path[0])) ?? null;
    let at: unknown = data;
    for (const segment of error.path) {
      if (at && typeof at === 'object') {
        const own = (at as ResultObject)[REF_KEY] ?? (at as ResultObject).ref ?? (at as ResultObject).caseRef;
        if (isCaseRef(own)) ref = own;
        at = (at as Record<string | number, unknown>)[segment];
      }
    }
    if (ref) deny(ref, String(error.extensions?.category ?? 'UNDECLARED'), code, String(error.extensions?.rule ?? ''), pattern([...error.path]));
  }

  const errors: GraphQLError[] = [];
  let omitted = 0;
  const root = operation?.operation === 'mutation' ? metadata.apiSchema.getMutationType() : metadata.apiSchema.getQueryType();
  if (operation && root && data) {
    walkSelectionSet(
      {
        schema: metadata.apiSchema,
        fragments: fragmentsOf(document),
        onObject: (object) => {
          delete object[PLACEHOLDER_KEY];
          delete object[REF_KEY];
        },
        onField: ({ parent, field, key, object, path, ref }) => {
          const coordinate = `${parent.name}.${field}`;
          const denial = removed.get(coordinate);
          if (denial) {
            // Another selection of the same key may have been allowed; only what is missing is denied.
            if (!(key in object)) {
              object[key] = null;
              if (errors.length < MAX_FIELD_ERRORS) errors.push(deniedError(coordinate, denial.category, denial.code, denial.rule, [...path, key]));
              else omitted++;
              if (ref) deny(ref, denial.category, denial.code, denial.rule, pattern([...path, key]));
            }
            return true;
          }
          const category = metadata.categoryOf(parent, field);
          const value = object[key];
          if (!ref || !category || category === 'NOT_PERSONAL' || value === null || value === undefined) return false;
          const decision = decisionsOf(ref)?.get(category);
          const released = summary(ref).released;
          const entry = released.get(category) ?? {
            basis: decision?.released ? decision.basis : 'UNRECORDED',
            rule: decision?.released ? decision.rule : 'UNRECORDED',
            paths: new Set<string>(),
          };
          entry.paths.add(pattern([...path, key]));
          released.set(category, entry);
          return false;
        },
      },
      operation.selectionSet,
      root,
      data,
      [],
      null,
    );
  }
  if (omitted > 0) errors.push(summaryError(omitted));
  const cases: CaseAccess[] = [...summaries.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ref, s]) => ({
      ref,
      released: [...s.released.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([category, r]) => ({ category, basis: r.basis, rule: r.rule, paths: [...r.paths].sort() })),
      denied: [...s.denied.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([category, d]) => ({ category, code: d.code, rule: d.rule, paths: [...d.paths].sort() })),
    }));
  return { errors, cases };
}
