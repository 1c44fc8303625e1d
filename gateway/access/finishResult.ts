/**
 * After execution, one walk over the result along the client's own operation:
 * - every field pre-planning removed is answered `null` at each place it was asked for, with an
 *   error carrying its path, code and rule;
 * - what was released and denied is summarised per case and category — paths, rule, legal basis —
 *   for the audit record (never the values);
 * - the gateway's own helper selections (case references, placeholders) are removed.
 */
import { getOperationAST, valueFromASTUntyped, type DocumentNode, type GraphQLError, type OperationDefinitionNode } from 'graphql';
import { CASE_INDEPENDENT, disclosed, isDenialCode, type Decision } from '../../auth/decide.js';
import type { CaseAccesses, StoredPattern } from '../../audit/record.js';
import { isCaseRef } from '../../contract/index.js';
import { deniedError, MAX_FIELD_ERRORS, summaryError } from './denials.js';
import type { AccessMetadata, FieldInfo, FieldInput } from './metadata.js';
import { PLACEHOLDER_KEY, REF_KEY, TYPE_KEY, type StaticDenial } from './staticPlan.js';
import { collectRootFields, fragmentsOf, walkPlanFor, walkSelectionSet, type CollectedField, type ResponsePath, type ResultObject, type WalkContext } from './walk.js';


export interface FinishedResult {
  /** Errors for denied fields, made by the gateway at their exact paths. */
  errors: GraphQLError[];
  /**
   * The errors from execution to keep: per-case denials reported by subgraphs are replaced by the
   * gateway's own (Apollo Gateway 2.14 can attach a subgraph's entity errors to the wrong list
   * index when a fetch covers only some objects of a page, e.g. only the Belgian files).
   */
  kept: readonly GraphQLError[];
  /** Per case: what was released and denied, cases with the same access sharing one pattern. */
  cases: CaseAccesses;
}

interface CaseEntry {
  slots: Set<number>;
  /** The same slots in the order first touched, and whether that order is ascending. */
  order: number[];
  ascending: boolean;
  reasons: Map<string, { released: boolean; reason: string; rule: string }>;
  /** Each reason's number (AccessSummary.reasonId), in the order first set, and whether ascending. */
  reasonIds: number[];
  reasonsAscending: boolean;
}

/**
 * What was released and denied, per case, collected during the walk. It runs for every personal
 * field of every case, so a field costs two map look-ups: each distinct (path, category,
 * released or denied) is numbered once per response and a case keeps the numbers it touched,
 * plus its reason (basis or code, and rule) per category. Cases with the same numbers and
 * reasons share one stored pattern.
 */
class AccessSummary {
  private readonly slots: { released: boolean; category: string; path: string }[] = [];
  private readonly slotIds = [new Map<string, Map<string, number>>(), new Map<string, Map<string, number>>()];
  private readonly byCase = new Map<string, CaseEntry>();
  /** Every distinct (released or denied category, basis or code, rule), numbered once per response. */
  private readonly reasonIds = new Map<string, Map<string, Map<string, number>>>();
  private reasonCount = 0;
  /** The case the last field belonged to: a walk hands an object's fields one after another. */
  private lastRef: string | null = null;
  private lastEntry: CaseEntry | null = null;

  touch(ref: string): CaseEntry {
    if (ref === this.lastRef) return this.lastEntry!;
    let entry = this.byCase.get(ref);
    if (!entry) this.byCase.set(ref, (entry = { slots: new Set(), order: [], ascending: true, reasons: new Map(), reasonIds: [], reasonsAscending: true }));
    this.lastRef = ref;
    this.lastEntry = entry;
    return entry;
  }

  add(ref: string, released: boolean, category: string, reason: string, rule: string, path: string): void {
    const byPath = this.slotIds[released ? 0 : 1]!;
    let byCategory = byPath.get(path);
    if (!byCategory) byPath.set(path, (byCategory = new Map()));
    let slot = byCategory.get(category);
    if (slot === undefined) {
      slot = this.slots.push({ released, category, path }) - 1;
      byCategory.set(category, slot);
    }
    const entry = this.touch(ref);
    if (!entry.slots.has(slot)) {
      entry.slots.add(slot);
      if (entry.order.length > 0 && slot < entry.order[entry.order.length - 1]!) entry.ascending = false;
      entry.order.push(slot);
    }
    const key = released ? category : `!${category}`;
    if (!entry.reasons.has(key)) {
      entry.reasons.set(key, { released, reason, rule });
      const id = this.reasonId(key, reason, rule);
      const ids = entry.reasonIds;
      if (ids.length > 0 && id < ids[ids.length - 1]!) entry.reasonsAscending = false;
      ids.push(id);
    }
  }

  private reasonId(key: string, reason: string, rule: string): number {
    let byReason = this.reasonIds.get(key);
    if (!byReason) this.reasonIds.set(key, (byReason = new Map()));
    let byRule = byReason.get(reason);
    if (!byRule) byReason.set(reason, (byRule = new Map()));
    let id = byRule.get(rule);
    if (id === undefined) byRule.set(rule, (id = this.reasonCount++));
    return id;
  }

  result(): CaseAccesses {
    const result: CaseAccesses = { cases: [], accesses: [], paths: [] };
    const patterns = new Map<string, number>();
    const pathIndex = new Map<string, number>();
    const indexOf = (path: string) => {
      let i = pathIndex.get(path);
      if (i === undefined) pathIndex.set(path, (i = result.paths.push(path) - 1));
      return i;
    };
    for (const ref of [...this.byCase.keys()].sort()) {
      const entry = this.byCase.get(ref)!;
      // Slots are numbered as the walk first meets them, so most cases touched theirs in order.
      const slots = entry.ascending ? entry.order : [...entry.order].sort((a, b) => a - b);
      // Cases with the same slots and the same reasons share a pattern: reasons are compared by
      // their numbers, one per distinct (category, basis or code, rule) in this response.
      const reasons = entry.reasonsAscending ? entry.reasonIds : [...entry.reasonIds].sort((a, b) => a - b);
      const signature = `${slots.join(',')}#${reasons.join(',')}`;
      let access = patterns.get(signature);
      if (access === undefined) {
        access = result.accesses.push(this.pattern(slots, entry.reasons, indexOf)) - 1;
        patterns.set(signature, access);
      }
      // Keys in RFC 8785 order here and in the patterns: the audit writer serialises them as they are.
      result.cases.push({ access, ref });
    }
    return result;
  }

  private pattern(slots: readonly number[], reasons: ReadonlyMap<string, { reason: string; rule: string }>, indexOf: (path: string) => number): StoredPattern {
    const released = new Map<string, { category: string; basis: string; rule: string; paths: string[] }>();
    const denied = new Map<string, { category: string; code: string; rule: string; paths: string[] }>();
    for (const id of slots) {
      const slot = this.slots[id]!;
      if (slot.released) {
        const why = reasons.get(slot.category)!;
        const entry = released.get(slot.category) ?? { category: slot.category, basis: why.reason, rule: why.rule, paths: [] };
        entry.paths.push(slot.path);
        released.set(slot.category, entry);
      } else {
        const why = reasons.get(`!${slot.category}`)!;
        const entry = denied.get(slot.category) ?? { category: slot.category, code: why.reason, rule: why.rule, paths: [] };
        entry.paths.push(slot.path);
        denied.set(slot.category, entry);
      }
    }
    const byCategory = <T extends { category: string }>(entries: Map<string, T>) => [...entries.values()].sort((a, b) => (a.category < b.category ? -1 : 1));
    return {
      denied: byCategory(denied).map(({ category, code, paths, rule }) => ({ category, code, paths: paths.sort().map(indexOf), rule })),
      released: byCategory(released).map(({ basis, category, paths, rule }) => ({ basis, category, paths: paths.sort().map(indexOf), rule })),
    };
  }
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

/**
 * Case references passed as arguments to root fields (e.g. `case(ref:)`), by response key — root
 * fields spread from fragments included, as execution collects them.
 */
export function rootArgumentRefs(context: Pick<WalkContext, 'metadata' | 'fragments' | 'variables'>, operation: OperationDefinitionNode): Map<string, string> {
  const refs = new Map<string, string>();
  const root = rootTypeOf(context.metadata, operation);
  if (!root) return refs;
  for (const { key, nodes } of collectRootFields(context, operation.selectionSet, root)) {
    for (const node of nodes) {
      for (const argument of node.arguments ?? []) {
        const value = valueFromASTUntyped(argument.value, context.variables);
        if (isCaseRef(value)) refs.set(key, value);
      }
    }
  }
  return refs;
}

function rootTypeOf(metadata: AccessMetadata, operation: OperationDefinitionNode) {
  return operation.operation === 'mutation' ? metadata.apiSchema.getMutationType() : metadata.apiSchema.getQueryType();
}

/**
 * Why a field computed from `input` is denied for the object's case, or null when it is not. An
 * input the policy decides only with a case (anything personal but audit records and aggregates)
 * is denied where there is no case to decide it for: the requiring subgraph would be handed
 * personal data no decision covers.
 */
function inputDenial(
  input: FieldInput,
  ref: string | null,
  decisionsOf: (ref: string) => ReadonlyMap<string, Decision> | undefined,
): (Extract<Decision, { released: false }> & { category: string }) | null {
  const category = input.category;
  if (category === 'NOT_PERSONAL') return null;
  if (category === undefined) return { released: false, code: 'FORBIDDEN_FIELD', rule: 'category.undeclared', category: 'UNDECLARED' };
  if (!ref) return CASE_INDEPENDENT.has(category) ? null : { released: false, code: 'NO_RELATIONSHIP', rule: 'decision.missing', category };
  const decision = decisionsOf(ref)?.get(category) ?? { released: false, code: 'NO_RELATIONSHIP', rule: 'decision.missing' };
  return decision.released ? null : { ...decision, category };
}

/**
 * What a collected field is once the static plan's removals are taken out: the selections kept
 * (a field selected on several static types through fragments was planned when any was kept) and
 * their distinct categories. Fixed per (operation, roles, purpose), so made once per collected
 * field of a walk plan, not per object.
 */
interface KeptField {
  removed: ReadonlyMap<string, StaticDenial>;
  kept: readonly FieldInfo[];
  categories: readonly (FieldInfo['category'])[];
  hasInputs: boolean;
}
const keptFields = new WeakMap<CollectedField, KeptField>();

function keptFieldOf(collected: CollectedField, removed: ReadonlyMap<string, StaticDenial>): KeptField {
  let entry = keptFields.get(collected);
  if (entry && entry.removed === removed) return entry;
  const kept = collected.infos.filter((i) => !removed.has(i.coordinate));
  entry = { removed, kept, categories: [...new Set(kept.map((i) => i.category))], hasInputs: kept.some((i) => i.inputs.length > 0) };
  keptFields.set(collected, entry);
  return entry;
}

/** Keys the gateway selected for itself; removed from every object before the response leaves. */
const HELPER_KEYS: ReadonlySet<string> = new Set([TYPE_KEY, REF_KEY, PLACEHOLDER_KEY]);

export function finishResult(
  metadata: AccessMetadata,
  document: DocumentNode,
  operationName: string | null,
  variables: Record<string, unknown>,
  data: Record<string, unknown> | null | undefined,
  priorErrors: readonly GraphQLError[],
  removed: ReadonlyMap<string, StaticDenial>,
  decisionsOfCase: (ref: string) => ReadonlyMap<string, Decision> | undefined,
): FinishedResult {
  const operation = getOperationAST(document, operationName);
  const summary = new AccessSummary();
  // The decisions of the case of the last field asked: an object's fields come one after another.
  let decidedRef: string | null = null;
  let decided: ReadonlyMap<string, Decision> | undefined;
  const decisionsOf = (ref: string) => {
    if (ref !== decidedRef) {
      decidedRef = ref;
      decided = decisionsOfCase(ref);
    }
    return decided;
  };
  const deny = (ref: string, category: string, code: string, rule: string, path: string) => summary.add(ref, false, category, code, rule, path);
  const fragments = fragmentsOf(document);
  const argumentRefs = operation ? rootArgumentRefs({ metadata, fragments, variables }, operation) : new Map<string, string>();
  for (const ref of argumentRefs.values()) summary.touch(ref);

  // Per-case denials are answered by the gateway itself below, at paths it can reach; a denial
  // whose object was nulled on the way (a non-null field propagating null) is kept as reported.
  const regenerated = (error: GraphQLError) =>
    typeof error.extensions?.code === 'string' &&
    isDenialCode(error.extensions.code) &&
    typeof error.extensions.category === 'string' &&
    (error.path?.length ?? 0) > 1 &&
    reachable(data, error.path!);
  const kept = priorErrors.filter((error) => !regenerated(error));
  // A denial the gateway had to enforce itself (a subgraph returned the field anyway) stays marked.
  const incidents = new Map<string, unknown>();
  for (const error of priorErrors) if (regenerated(error) && error.extensions?.incident) incidents.set(pattern([...(error.path ?? [])]) + JSON.stringify(error.path), error.extensions.incident);
  // A root field refused for a named case (e.g. case(ref:) → NO_RELATIONSHIP) is a denial too; the
  // record keeps the true reason, which the caller may not have been told (auth/decide.ts `disclosed`).
  for (const error of kept) {
    const code = error.extensions?.code;
    if (typeof code !== 'string' || !isDenialCode(code) || error.path?.length !== 1) continue;
    const ref = argumentRefs.get(String(error.path[0]));
    if (!ref) continue;
    const category = String(error.extensions?.category ?? 'CASE_ADMIN');
    const decision = decisionsOf(ref)?.get(category);
    const truth = decision && !decision.released ? decision : { code, rule: String(error.extensions?.rule ?? '') };
    deny(ref, category, truth.code, truth.rule, pattern([...error.path]));
  }

  const errors: GraphQLError[] = [];
  let omitted = 0;
  const report = (error: () => GraphQLError) => {
    if (errors.length < MAX_FIELD_ERRORS) errors.push(error());
    else omitted++;
  };
  // Helper keys are removed after the walk: fragments on the same object still need them.
  /** The objects that carry a helper key. */
  const visited: ResultObject[] = [];
  const root = operation ? rootTypeOf(metadata, operation) : undefined;
  if (operation && root && data) {
    walkSelectionSet(
      {
        metadata,
        fragments,
        variables,
        onObject: (object, keys) => {
          // What the record says is what the response holds: a key the operation does not ask of
          // this object (its type seen otherwise than the engine saw it) is not served unrecorded.
          let helpers = false;
          for (const key in object) {
            if (keys.has(key)) continue;
            if (HELPER_KEYS.has(key)) helpers = true;
            else delete object[key];
          }
          if (helpers) visited.push(object);
        },
        onField: ({ parent, typename, field, infos, key, object, path, pattern: at, patterns, ref, collected }) => {
          // A field selected on several static types (through fragments) was planned when any of
          // those selections was kept; it is denied statically only when every one was removed.
          const { kept, categories, hasInputs } = keptFieldOf(collected, removed);
          if (kept.length === 0) {
            const info = infos[0]!;
            const denial = removed.get(info.coordinate)!;
            object[key] = null;
            report(() => deniedError(info.coordinate, denial.category, denial.code, denial.rule, [...path, key]));
            if (ref) deny(ref, denial.category, denial.code, denial.rule, patterns.of(at, key));
            return true;
          }
          if (kept[0]!.onRoot) return false;
          for (const category of categories) {
            if (category === 'NOT_PERSONAL') continue;
            const value = object[key];
            if (category === undefined) {
              // Undeclared (pre-planning removes these; a version switch must not serve one either).
              if (value === null || value === undefined) continue;
              object[key] = null;
              report(() => deniedError(`${typename ?? parent.name}.${field}`, 'UNDECLARED', 'FORBIDDEN_FIELD', 'category.undeclared', [...path, key]));
              return true;
            }
            if (!ref) continue;
            const decision = decisionsOf(ref)?.get(category);
            if (decision && !decision.released) {
              // Denied for this case: null, with the gateway's own error at this exact path, telling
              // the caller only what it may be told; the record keeps the true reason.
              object[key] = null;
              const fullPath = [...path, key];
              const fieldAt = patterns.of(at, key);
              const incident = incidents.size > 0 ? incidents.get(fieldAt + JSON.stringify(fullPath)) : undefined;
              const shown = disclosed(decision);
              // Errors name the object's own type when the response says it (GermanCaseFile.medical).
              report(() => deniedError(`${typename ?? parent.name}.${field}`, category, shown.code, shown.rule, fullPath, incident ? { incident } : {}));
              deny(ref, category, decision.code, decision.rule, fieldAt);
              return true;
            }
            if (value === null || value === undefined) continue;
            summary.add(ref, true, category, decision?.released ? decision.basis : 'UNRECORDED', decision?.released ? decision.rule : 'UNRECORDED', patterns.of(at, key));
          }
          // Computed from inputs (`@requires`): released only when every input is, for this case.
          if (!hasInputs) return false;
          for (const info of kept) {
            for (const input of info.inputs) {
              const denial = inputDenial(input, ref, decisionsOf);
              if (!denial) continue;
              object[key] = null;
              const shown = denial.category === 'UNDECLARED' ? denial : disclosed(denial);
              report(() => deniedError(`${typename ?? parent.name}.${field}`, denial.category, shown.code, shown.rule, [...path, key]));
              if (ref) deny(ref, denial.category, denial.code, denial.rule, patterns.of(at, key));
              return true;
            }
          }
          return false;
        },
      },
      operation.selectionSet,
      root,
      data,
      [],
      null,
      // The static plan's removals are the plan's own map: it lives exactly as long as the plan.
      walkPlanFor(removed, metadata, document, variables),
    );
  }
  // Newest first: the helpers were selected last (placeholder, reference, type), and V8 keeps an
  // object in fast mode only when its last-added property goes. A dictionary-mode response is
  // about a third slower to serialise, and it is serialised twice (response hash, HTTP body).
  for (const object of visited) {
    delete object[TYPE_KEY];
    delete object[REF_KEY];
    delete object[PLACEHOLDER_KEY];
  }
  if (omitted > 0) errors.push(summaryError(omitted));
  const cases = summary.result();
  return { errors, kept, cases };
}
