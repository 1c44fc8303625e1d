/**
 * Walks a GraphQL result along the operation that produced it, calling back for every selected
 * field of every object, with the static parent type, the response path and the nearest case
 * reference. Both the post-execution nulling of removed fields and the re-check of subgraph
 * responses are built on it.
 *
 * It runs over every field of every response, so it does no schema work per visit: what a field
 * is (its category, the type to walk its value with) and whether a fragment applies come from
 * the access metadata's caches, and the response path is one array extended and shortened in
 * place rather than copied per field.
 */
import { Kind, type FragmentDefinitionNode, type GraphQLCompositeType, type SelectionSetNode } from 'graphql';
import { caseRefIn } from '../../schema/scalars.js';
import type { AccessMetadata, FieldInfo } from './metadata.js';

export type ResponsePath = (string | number)[];
export type ResultObject = Record<string, unknown>;

export interface FieldVisit {
  parent: GraphQLCompositeType;
  /** The object's runtime type when the response names it, else undefined. */
  typename: string | undefined;
  field: string;
  info: FieldInfo;
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
  /** Return true when the field's value must not be walked into (it was denied). */
  onField(visit: FieldVisit): boolean;
  onObject?(object: ResultObject): void;
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

interface Walk {
  context: WalkContext;
  patterns: PatternCache;
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
  walkValue({ context, patterns: new PatternCache() }, selectionSet, parent, value, [...path], pattern, ref);
}

function walkValue(walk: Walk, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, value: unknown, path: ResponsePath, pattern: string, ref: string | null): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      walkValue(walk, selectionSet, parent, value[index], path, pattern, ref);
      path.pop();
    }
    return;
  }
  if (typeof value !== 'object') return;
  const object = value as ResultObject;
  walk.context.onObject?.(object);
  walkObject(walk, selectionSet, parent, object, path, pattern, caseRefIn(object) ?? ref);
}

function walkObject(walk: Walk, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, object: ResultObject, path: ResponsePath, pattern: string, ref: string | null): void {
  const named = object.__continuumType ?? object.__typename;
  const typename = typeof named === 'string' ? named : undefined;
  const { context, patterns } = walk;
  const { metadata } = context;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = selection.name.value;
      if (field === '__typename') continue;
      const key = selection.alias?.value ?? field;
      const info = metadata.fieldOf(parent, field);
      if (context.onField({ parent, typename, field, info, key, object, path, pattern, patterns, ref })) continue;
      if (!selection.selectionSet || !info.child) continue;
      path.push(key);
      walkValue(walk, selection.selectionSet, info.child, object[key], path, patterns.of(pattern, key), ref);
      path.pop();
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      if (condition && !metadata.conditionApplies(condition, parent, typename)) continue;
      const next = condition ? (metadata.apiSchema.getType(condition) as GraphQLCompositeType) : parent;
      walkObject(walk, selection.selectionSet, next, object, path, pattern, ref);
    } else {
      const fragment = context.fragments[selection.name.value];
      if (!fragment) continue;
      const condition = fragment.typeCondition.name.value;
      if (!metadata.conditionApplies(condition, parent, typename)) continue;
      walkObject(walk, fragment.selectionSet, metadata.apiSchema.getType(condition) as GraphQLCompositeType, object, path, pattern, ref);
    }
  }
}

const fragmentCache = new WeakMap<object, Record<string, FragmentDefinitionNode>>();

/** The document's fragments by name (cached per parsed document: Apollo and the gateway reuse them). */
export function fragmentsOf(document: { definitions: readonly { kind: string }[] }): Record<string, FragmentDefinitionNode> {
  let fragments = fragmentCache.get(document);
  if (fragments) return fragments;
  fragments = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[(definition as FragmentDefinitionNode).name.value] = definition as FragmentDefinitionNode;
  }
  fragmentCache.set(document, fragments);
  return fragments;
}
