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
import { PLACEHOLDER_KEY, REF_KEY, TYPE_KEY, type StaticDenial } from './staticPlan.js';
import { fragmentsOf, walkSelectionSet, type ResponsePath, type ResultObject } from './walk.js';

const DENIAL_CODES = new Set(['FORBIDDEN_FIELD', 'NO_RELATIONSHIP', 'CONSENT_REQUIRED', 'TRANSFER_BLOCKED']);

export interface FinishedResult {
  /** Errors for denied fields, made by the gateway at their exact paths. */
  errors: GraphQLError[];
  /**
   * The errors from execution to keep: per-case denials reported by subgraphs are replaced by the
   * gateway's own (Apollo Gateway 2.14 can attach a subgraph's entity errors to the wrong list
   * index when a fetch covers only some objects of a page, e.g. only the Belgian files).
   */
  kept: readonly GraphQLError[];
  /** Per case: what was released and denied. */
  cases: CaseAccess[];
}

interface CaseSummary {
  released: Map<string, { basis: string; rule: string; paths: Set<string> }>;
  denied: Map<string, { code: string; rule: string; paths: Set<string> }>;
}

const pattern = (path: ResponsePath) => path.filter((p) => typeof p === 'string').join('.');

/** True when every object on the way to the path's last step is present in the data. */
function reachable(data: unknown, path: readonly (string | number)[]): boolean {
  let at: unknown = data;
  for (const segment of path.slice(0, -1)) {
    if (at === null || typeof at !== 'object') return false;
    at = (at as Record<string | number, unknown>)[segment];
  }
  return at !== null && typeof at === 'object';
}

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
  priorErrors: readonly GraphQLError[],
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

  // Per-case denials are answered by the gateway itself below, at paths it can reach; a denial
  // whose object was nulled on the way (a non-null field propagating null) is kept as reported.
  const regenerated = (error: GraphQLError) =>
    typeof error.extensions?.code === 'string' &&
    DENIAL_CODES.has(error.extensions.code) &&
    typeof error.extensions.category === 'string' &&
    (error.path?.length ?? 0) > 1 &&
    reachable(data, error.path!);
  const kept = priorErrors.filter((error) => !regenerated(error));
  // A denial the gateway had to enforce itself (a subgraph returned the field anyway) stays marked.
  const incidents = new Map<string, unknown>();
  for (const error of priorErrors) if (regenerated(error) && error.extensions?.incident) incidents.set(pattern([...(error.path ?? [])]) + JSON.stringify(error.path), error.extensions.incident);
  // A root field refused for a named case (e.g. case(ref:) → NO_RELATIONSHIP) is a denial too.
  for (const error of kept) {
    const code = error.extensions?.code;
    if (typeof code !== 'string' || !DENIAL_CODES.has(code) || error.path?.length !== 1) continue;
    const ref = argumentRefs.get(String(error.path[0]));
    if (ref) deny(ref, String(error.extensions?.category ?? 'CASE_ADMIN'), code, String(error.extensions?.rule ?? ''), pattern([...error.path]));
  }

  const errors: GraphQLError[] = [];
  let omitted = 0;
  // Helper keys are removed after the walk: fragments on the same object still need them.
  const visited: ResultObject[] = [];
  const root = operation?.operation === 'mutation' ? metadata.apiSchema.getMutationType() : metadata.apiSchema.getQueryType();
  if (operation && root && data) {
    walkSelectionSet(
      {
        schema: metadata.apiSchema,
        fragments: fragmentsOf(document),
        onObject: (object) => {
          visited.push(object);
        },
        onField: ({ parent, typename, field, key, object, path, ref }) => {
          const denial = removed.get(`${parent.name}.${field}`);
          // Errors name the object's own type when the response says it (GermanCaseFile.medical).
          const coordinate = `${typename ?? parent.name}.${field}`;
          if (denial) {
            // Another selection of the same key may have been allowed; only what is missing is denied.
            if (!(key in object)) {
              object[key] = null;
              if (errors.length < MAX_FIELD_ERRORS) errors.push(deniedError(`${parent.name}.${field}`, denial.category, denial.code, denial.rule, [...path, key]));
              else omitted++;
              if (ref) deny(ref, denial.category, denial.code, denial.rule, pattern([...path, key]));
            }
            return true;
          }
          const category = metadata.categoryOf(parent, field);
          if (!ref || !category || category === 'NOT_PERSONAL') return false;
          const decision = decisionsOf(ref)?.get(category);
          if (decision && !decision.released) {
            // Denied for this case: null, with the gateway's own error at this exact path.
            object[key] = null;
            const at = [...path, key];
            const incident = incidents.get(pattern(at) + JSON.stringify(at));
            if (errors.length < MAX_FIELD_ERRORS) errors.push(deniedError(coordinate, category, decision.code, decision.rule, at, incident ? { incident } : {}));
            else omitted++;
            deny(ref, category, decision.code, decision.rule, pattern(at));
            return true;
          }
          const value = object[key];
          if (value === null || value === undefined) return false;
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
  for (const object of visited) {
    delete object[PLACEHOLDER_KEY];
    delete object[REF_KEY];
    delete object[TYPE_KEY];
  }
  if (omitted > 0) errors.push(summaryError(omitted));
  const cases: CaseAccess[] = [...summaries.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ref, s]) => ({
      ref,
      released: [...s.released.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([category, r]) => ({ category, basis: r.basis, rule: r.rule, paths: [...r.paths].sort() })),
      denied: [...s.denied.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([category, d]) => ({ category, code: d.code, rule: d.rule, paths: [...d.paths].sort() })),
    }));
  return { errors, kept, cases };
}
