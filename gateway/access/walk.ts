/**
 * Walks a GraphQL result along the operation that produced it, calling back once for every
 * response key of every object, with the static parent type, the response path and the nearest
 * case reference. Both the post-execution enforcement (finishResult.ts) and the re-check of
 * subgraph responses (recheck.ts) are built on it.
 *
 * Fields are collected the way GraphQL execution collects them (spec §6.3.2 CollectFields):
 * `@skip`/`@include` decided with the request's variables, fragments applied by type condition,
 * each fragment visited at most once per collection, and fields of the same response key merged
 * so that their sub-selections are walked once, together. So the work is proportional to the
 * document and the response, never to the document's expansion: a fragment that spreads another
 * twice, twenty levels deep, costs twenty fragment visits, not a million (docs/ARCHITECTURE.md,
 * "Enforcement").
 *
 * It runs over every field of every response, so it does no schema work per visit: what a field
 * is (its category, the type to walk its value with) comes from the access metadata's caches,
 * each collection is memoised per walk, and the response path is one array extended and
 * shortened in place rather than copied per field.
 */
import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLCompositeType,
  type InlineFragmentNode,
  type SelectionSetNode,
} from 'graphql';
import type { AccessMetadata, FieldInfo } from './metadata.js';
import { REF_KEY, TYPE_KEY } from './staticPlan.js';

export type ResponsePath = (string | number)[];
export type ResultObject = Record<string, unknown>;

/** One response key of an object, with every field node that answers it. */
export interface CollectedField {
  key: string;
  /** The field's name (the same for every node: validation sees to that). */
  field: string;
  /** What the field is on each static parent type it was selected on, distinct, in document order. */
  infos: readonly FieldInfo[];
  /** The selection sets to walk the value with: every node's, merged. */
  selectionSets: readonly SelectionSetNode[];
  /** Every field node that answers the key, in document order. */
  nodes: readonly FieldNode[];
}

/**
 * One field of one object, as the walk hands it to `onField`. The walk reuses one visit object for
 * every field: read what you need in the callback, never keep the object itself.
 */
export interface FieldVisit {
  parent: GraphQLCompositeType;
  /** The object's runtime type when the response names it, else undefined. */
  typename: string | undefined;
  field: string;
  /** What the field is on the first static parent it was selected on. */
  info: FieldInfo;
  /** The same for every static parent it was selected on (more than one through fragments). */
  infos: readonly FieldInfo[];
  key: string;
  object: ResultObject;
  /**
   * The object's response path. The walk reuses this array: copy it (`[...path, key]`) to keep it
   * beyond the callback.
   */
  path: ResponsePath;
  /** The object's path without list indexes (`cases.edges.node`), as audit records name fields. */
  pattern: string;
  /** Gives `pattern.key` as one string per walk (the same field of every case shares it). */
  patterns: PatternCache;
  ref: string | null;
  /** The collected field itself: the same object for this key on every object a walk plan visits. */
  collected: CollectedField;
}

export interface WalkContext {
  metadata: AccessMetadata;
  fragments: Record<string, FragmentDefinitionNode>;
  /** The request's variables, for `@skip(if:)` and `@include(if:)`. */
  variables: Record<string, unknown>;
  /** Return true when the field's value must not be walked into (it was denied). */
  onField(visit: FieldVisit): boolean;
  /** Called for every object, with the response keys the operation asks of it. */
  onObject?(object: ResultObject, keys: ReadonlySet<string>): void;
}

/** `pattern.key`, the path pattern of a field of an object at `pattern`. */
export function fieldPattern(pattern: string, key: string): string {
  return pattern === '' ? key : `${pattern}.${key}`;
}

/** Path patterns made once per walk: a page's fifty cases name the same fields. */
export class PatternCache {
  private readonly byPattern = new Map<string, Map<string, string>>();

  of(pattern: string, key: string): string {
    let byKey = this.byPattern.get(pattern);
    if (!byKey) this.byPattern.set(pattern, (byKey = new Map()));
    let joined = byKey.get(key);
    if (joined === undefined) byKey.set(key, (joined = fieldPattern(pattern, key)));
    return joined;
  }
}

/** The case reference the gateway selected on an object (staticPlan.ts), never a key the client chose. */
export function helperRefOf(object: ResultObject): string | null {
  const ref = object[REF_KEY];
  return typeof ref === 'string' ? ref : null;
}

interface Collection {
  fields: readonly CollectedField[];
  keys: ReadonlySet<string>;
  /** The type to walk each field's value with (same index as `fields`): fixed by parent and runtime type. */
  children: readonly (GraphQLCompositeType | undefined)[];
  /** The indexes of the fields that have a child type: the only ones a walk of objects descends into. */
  nested: readonly number[];
}

/**
 * Field collection, memoised: by the selection sets (the same array object for every object a
 * merged field answers), then by static parent and runtime type. A collector lives as long as the
 * walk plan that holds it (WalkPlan below), so a repeated operation collects each selection once.
 */
class Collector {
  private readonly memo = new WeakMap<object, Map<GraphQLCompositeType, Map<string, Collection>>>();
  /** Collections computed (not found in the memo): what a plan saves is visible in tests. */
  collections = 0;

  constructor(private readonly context: Pick<WalkContext, 'metadata' | 'fragments' | 'variables'>) {}

  collect(selectionSets: readonly SelectionSetNode[], parent: GraphQLCompositeType, typename: string | undefined): Collection {
    let byParent = this.memo.get(selectionSets);
    if (!byParent) this.memo.set(selectionSets, (byParent = new Map()));
    let byType = byParent.get(parent);
    if (!byType) byParent.set(parent, (byType = new Map()));
    const typeKey = typename ?? '';
    let collection = byType.get(typeKey);
    if (!collection) {
      this.collections++;
      const byKey = new Map<string, { field: string; infos: FieldInfo[]; selectionSets: SelectionSetNode[]; nodes: FieldNode[] }>();
      const visited = new Set<string>();
      for (const selectionSet of selectionSets) this.collectInto(byKey, visited, selectionSet, parent, typename);
      const fields = [...byKey].map(([key, entry]): CollectedField => ({ key, ...entry }));
      const { metadata } = this.context;
      const children = fields.map((f) => (f.selectionSets.length === 0 ? undefined : (childTypeOf(metadata, typename, f.field) ?? f.infos[0]!.child)));
      const nested = children.flatMap((child, i) => (child && fields[i]!.field !== '__typename' ? [i] : []));
      collection = { fields, keys: new Set(byKey.keys()), children, nested };
      byType.set(typeKey, collection);
    }
    return collection;
  }

  private collectInto(
    byKey: Map<string, { field: string; infos: FieldInfo[]; selectionSets: SelectionSetNode[]; nodes: FieldNode[] }>,
    visited: Set<string>,
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    typename: string | undefined,
  ): void {
    const { metadata, fragments } = this.context;
    for (const selection of selectionSet.selections) {
      if (!this.included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const info = metadata.fieldOf(parent, selection.name.value);
        let entry = byKey.get(key);
        if (!entry) byKey.set(key, (entry = { field: selection.name.value, infos: [], selectionSets: [], nodes: [] }));
        if (!entry.infos.includes(info)) entry.infos.push(info);
        entry.nodes.push(selection);
        if (selection.selectionSet) entry.selectionSets.push(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        if (condition && !metadata.conditionApplies(condition, parent, typename)) continue;
        const next = condition ? (metadata.apiSchema.getType(condition) as GraphQLCompositeType) : parent;
        this.collectInto(byKey, visited, selection.selectionSet, next, typename);
      } else {
        const name = selection.name.value;
        // Each fragment once per collection, as execution does: its fields are already collected.
        if (visited.has(name)) continue;
        visited.add(name);
        const fragment = fragments[name];
        if (!fragment) continue;
        const condition = fragment.typeCondition.name.value;
        if (!metadata.conditionApplies(condition, parent, typename)) continue;
        this.collectInto(byKey, visited, fragment.selectionSet, metadata.apiSchema.getType(condition) as GraphQLCompositeType, typename);
      }
    }
  }

  /** `@skip` and `@include`, decided with the request's variables (a bad value skips nothing). */
  private included(selection: FieldNode | InlineFragmentNode | FragmentSpreadNode): boolean {
    if (!selection.directives || selection.directives.length === 0) return true;
    try {
      if (getDirectiveValues(GraphQLSkipDirective, selection, this.context.variables)?.if === true) return false;
      return getDirectiveValues(GraphQLIncludeDirective, selection, this.context.variables)?.if !== false;
    } catch {
      return true;
    }
  }
}

interface Walk {
  context: WalkContext;
  collector: Collector;
  patterns: PatternCache;
  visit: FieldVisit;
}

/**
 * What walking one operation needs that does not depend on the response: its field collections
 * (with each field's type information), its path patterns and the root selection arrays. Built
 * once per (operation document, supergraph version and the values of the variables its
 * `@skip`/`@include` read) and reused by every response of that operation, so a repeated
 * operation walks its answers without collecting a selection again. Owners keep plans with what
 * they already cache per operation: the static plan (which is per operation, roles, purpose and
 * country), or the parsed subgraph fetch.
 */
export class WalkPlan {
  readonly collector: Collector;
  readonly patterns = new PatternCache();
  private readonly roots = new WeakMap<SelectionSetNode, readonly SelectionSetNode[]>();

  constructor(readonly context: Pick<WalkContext, 'metadata' | 'fragments' | 'variables'>) {
    this.collector = new Collector(context);
  }

  /** Collections this plan has computed so far. */
  get collections(): number {
    return this.collector.collections;
  }

  rootOf(selectionSet: SelectionSetNode): readonly SelectionSetNode[] {
    let root = this.roots.get(selectionSet);
    if (!root) this.roots.set(selectionSet, (root = [selectionSet]));
    return root;
  }
}

/** Plans per owner, per variable signature; a client varying its directive variables gets at most this many. */
const MAX_PLANS_PER_OWNER = 16;
const plansByOwner = new WeakMap<object, { metadata: AccessMetadata; document: object; bySignature: Map<string, WalkPlan> }>();
const directiveVariables = new WeakMap<object, readonly string[]>();

/** The variables the document's `@skip`/`@include` arguments read, in document order, distinct. */
function directiveVariablesOf(document: { definitions: readonly unknown[] }): readonly string[] {
  let names = directiveVariables.get(document);
  if (names) return names;
  const found = new Set<string>();
  const visitNode = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visitNode(item);
      return;
    }
    const record = node as { kind?: string; name?: { value?: string }; arguments?: readonly { value: { kind: string; name?: { value: string } } }[] };
    if (record.kind === Kind.DIRECTIVE && (record.name?.value === 'skip' || record.name?.value === 'include')) {
      for (const argument of record.arguments ?? []) if (argument.value.kind === Kind.VARIABLE && argument.value.name) found.add(argument.value.name.value);
      return;
    }
    for (const key in record) if (key !== 'loc') visitNode((record as Record<string, unknown>)[key]);
  };
  visitNode(document.definitions);
  names = [...found];
  directiveVariables.set(document, names);
  return names;
}

/**
 * The walk plan of `document` for `owner` (an object that lives exactly as long as the operation
 * is the same: a static plan, a parsed subgraph fetch), under `metadata` and the request's
 * variables. Only the variables `@skip`/`@include` read select a plan; all others are irrelevant
 * to collection.
 */
export function walkPlanFor(owner: object, metadata: AccessMetadata, document: { definitions: readonly { kind: string }[] }, variables: Record<string, unknown>): WalkPlan {
  let entry = plansByOwner.get(owner);
  if (!entry || entry.metadata !== metadata || entry.document !== document) plansByOwner.set(owner, (entry = { metadata, document, bySignature: new Map() }));
  const names = directiveVariablesOf(document);
  let signature = '';
  if (names.length > 0) {
    try {
      signature = JSON.stringify(names.map((name) => variables[name] ?? null));
    } catch {
      signature = '\u0000unserialisable';
    }
  }
  let plan = entry.bySignature.get(signature);
  if (!plan) {
    plan = new WalkPlan({ metadata, fragments: fragmentsOf(document), variables: Object.fromEntries(names.map((name) => [name, variables[name]])) });
    if (entry.bySignature.size >= MAX_PLANS_PER_OWNER) entry.bySignature.delete(entry.bySignature.keys().next().value as string);
    entry.bySignature.set(signature, plan);
  }
  return plan;
}

/** The fields of the operation's root selection set, collected (root fields spread from fragments too). */
export function collectRootFields(context: Pick<WalkContext, 'metadata' | 'fragments' | 'variables'>, selectionSet: SelectionSetNode, root: GraphQLCompositeType): readonly CollectedField[] {
  return new Collector(context).collect([selectionSet], root, root.name).fields;
}

/**
 * Walks `value` along `selectionSet`. With a plan (walkPlanFor), collections and patterns come
 * from it and are kept for the next response of the same operation; without one, they are made
 * for this walk alone.
 */
export function walkSelectionSet(
  context: WalkContext,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  value: unknown,
  path: readonly (string | number)[],
  ref: string | null,
  plan?: WalkPlan,
): void {
  const pattern = path.filter((p) => typeof p === 'string').join('.');
  const collector = plan?.collector ?? new Collector(context);
  const patterns = plan?.patterns ?? new PatternCache();
  const roots = plan ? plan.rootOf(selectionSet) : [selectionSet];
  const visit = { parent, typename: undefined, field: '', info: undefined, infos: [], key: '', object: {}, path: [], pattern: '', patterns, ref: null, collected: undefined } as unknown as FieldVisit;
  walkValue({ context, collector, patterns, visit }, roots, parent, value, [...path], pattern, ref);
}

/**
 * Visits every object of `value` along `selectionSet`, with its nearest case reference, and no
 * field: what a walk does with `onField` always false, without visiting the leaves. For finding
 * the cases an answer names before deciding its fields (recheck.ts).
 */
export function walkObjects(plan: WalkPlan, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, value: unknown, onObject: (object: ResultObject) => void): void {
  objectsOf(plan.collector, plan.rootOf(selectionSet), parent, value, onObject);
}

function objectsOf(collector: Collector, selectionSets: readonly SelectionSetNode[], parent: GraphQLCompositeType, value: unknown, onObject: (object: ResultObject) => void): void {
  if (value === null || value === undefined || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) objectsOf(collector, selectionSets, parent, item, onObject);
    return;
  }
  const object = value as ResultObject;
  const named = isObjectType(parent) ? parent.name : (object[TYPE_KEY] ?? object.__typename);
  const { fields, children, nested } = collector.collect(selectionSets, parent, typeof named === 'string' ? named : undefined);
  onObject(object);
  for (const i of nested) objectsOf(collector, fields[i]!.selectionSets, children[i]!, object[fields[i]!.key], onObject);
}

function walkValue(walk: Walk, selectionSets: readonly SelectionSetNode[], parent: GraphQLCompositeType, value: unknown, path: ResponsePath, pattern: string, ref: string | null): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      walkValue(walk, selectionSets, parent, value[index], path, pattern, ref);
      path.pop();
    }
    return;
  }
  if (typeof value !== 'object') return;
  walkObject(walk, selectionSets, parent, value as ResultObject, path, pattern, ref);
}

function walkObject(walk: Walk, selectionSets: readonly SelectionSetNode[], parent: GraphQLCompositeType, object: ResultObject, path: ResponsePath, pattern: string, inherited: string | null): void {
  const { context, collector, patterns, visit } = walk;
  // On an object type the runtime type is the type (the gateway selects its type key only on
  // abstract types, staticPlan.ts), so only abstract ones read a key of the response object.
  const named = isObjectType(parent) ? parent.name : (object[TYPE_KEY] ?? object.__typename);
  const typename = typeof named === 'string' ? named : undefined;
  const { fields, keys, children } = collector.collect(selectionSets, parent, typename);
  const ref = helperRefOf(object) ?? inherited ?? soleChildRef(object, fields);
  context.onObject?.(object, keys);
  for (let i = 0; i < fields.length; i++) {
    const collected = fields[i]!;
    const { key, field, infos } = collected;
    if (field === '__typename') continue;
    const info = infos[0] as FieldInfo;
    visit.parent = parent;
    visit.typename = typename;
    visit.field = field;
    visit.info = info;
    visit.infos = infos;
    visit.key = key;
    visit.object = object;
    visit.path = path;
    visit.pattern = pattern;
    visit.ref = ref;
    visit.collected = collected;
    if (context.onField(visit)) continue;
    const child = children[i];
    if (!child) continue;
    path.push(key);
    walkValue(walk, collected.selectionSets, child, object[key], path, patterns.of(pattern, key), ref);
    path.pop();
  }
}

/**
 * A container without a case of its own (a page edge) belongs to the one case it holds (its
 * node): its other fields (the edge's cursor) are that case's too.
 */
function soleChildRef(object: ResultObject, fields: readonly CollectedField[]): string | null {
  let found: string | null = null;
  for (const { key, selectionSets } of fields) {
    if (selectionSets.length === 0) continue;
    const value = object[key];
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const ref = helperRefOf(value as ResultObject);
    if (ref === null) continue;
    if (found !== null && found !== ref) return null;
    found = ref;
  }
  return found;
}

/** The type to walk a field's value with: the runtime type's own field when the response names the type. */
function childTypeOf(metadata: AccessMetadata, typename: string | undefined, field: string): GraphQLCompositeType | undefined {
  if (!typename) return undefined;
  const type = metadata.apiSchema.getType(typename);
  return type && isObjectType(type) ? metadata.fieldOf(type, field).child : undefined;
}

const fragmentCache = new WeakMap<object, Record<string, FragmentDefinitionNode>>();

/** The document's fragments by name (cached per parsed document: Apollo and the gateway reuse them). */
export function fragmentsOf(document: { definitions: readonly { kind: string }[] }): Record<string, FragmentDefinitionNode> {
  let fragments = fragmentCache.get(document);
  if (fragments) return fragments;
  fragments = Object.create(null) as Record<string, FragmentDefinitionNode>;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[(definition as FragmentDefinitionNode).name.value] = definition as FragmentDefinitionNode;
  }
  fragmentCache.set(document, fragments);
  return fragments;
}
