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
}

/**
 * Field collection, memoised per walk: by the selection sets (the same array object for every
 * object a merged field answers) and by static parent and runtime type.
 */
class Collector {
  private readonly memo = new WeakMap<object, Map<string, Collection>>();

  constructor(private readonly context: Pick<WalkContext, 'metadata' | 'fragments' | 'variables'>) {}

  collect(selectionSets: readonly SelectionSetNode[], parent: GraphQLCompositeType, typename: string | undefined): Collection {
    let byType = this.memo.get(selectionSets);
    if (!byType) this.memo.set(selectionSets, (byType = new Map()));
    const typeKey = `${parent.name}|${typename ?? ''}`;
    let collection = byType.get(typeKey);
    if (!collection) {
      const byKey = new Map<string, { field: string; infos: FieldInfo[]; selectionSets: SelectionSetNode[]; nodes: FieldNode[] }>();
      const visited = new Set<string>();
      for (const selectionSet of selectionSets) this.collectInto(byKey, visited, selectionSet, parent, typename);
      const fields = [...byKey].map(([key, entry]): CollectedField => ({ key, ...entry }));
      collection = { fields, keys: new Set(byKey.keys()) };
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
}

/** The fields of the operation's root selection set, collected (root fields spread from fragments too). */
export function collectRootFields(context: Pick<WalkContext, 'metadata' | 'fragments' | 'variables'>, selectionSet: SelectionSetNode, root: GraphQLCompositeType): readonly CollectedField[] {
  return new Collector(context).collect([selectionSet], root, root.name).fields;
}

export function walkSelectionSet(
  context: WalkContext,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  value: unknown,
  path: readonly (string | number)[],
  ref: string | null,
): void {
  const pattern = path.filter((p) => typeof p === 'string').join('.');
  walkValue({ context, collector: new Collector(context), patterns: new PatternCache() }, [selectionSet], parent, value, [...path], pattern, ref);
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
  const { context, collector, patterns } = walk;
  const { metadata } = context;
  // The runtime type as the gateway asked for it on abstract types; on an object type it is the type.
  const named = object[TYPE_KEY] ?? (isObjectType(parent) ? parent.name : object.__typename);
  const typename = typeof named === 'string' ? named : undefined;
  const { fields, keys } = collector.collect(selectionSets, parent, typename);
  const ref = helperRefOf(object) ?? inherited ?? soleChildRef(object, fields);
  context.onObject?.(object, keys);
  for (const collected of fields) {
    const { key, field, infos } = collected;
    if (field === '__typename') continue;
    const info = infos[0] as FieldInfo;
    if (context.onField({ parent, typename, field, info, infos, key, object, path, pattern, patterns, ref })) continue;
    if (collected.selectionSets.length === 0) continue;
    const child = childTypeOf(metadata, typename, field) ?? info.child;
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
