/**
 * Walks a GraphQL result along the operation that produced it, calling back for every selected
 * field of every object, with the static parent type, the response path and the nearest case
 * reference. Both the post-execution nulling of removed fields and the re-check of subgraph
 * responses are built on it.
 */
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { caseRefIn } from '../../schema/scalars.js';

export type ResponsePath = (string | number)[];
export type ResultObject = Record<string, unknown>;

export interface FieldVisit {
  parent: GraphQLCompositeType;
  /** The object's runtime type when the response names it, else undefined. */
  typename: string | undefined;
  field: string;
  key: string;
  object: ResultObject;
  path: ResponsePath;
  ref: string | null;
}

export interface WalkContext {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  /** Return true when the field's value must not be walked into (it was denied). */
  onField(visit: FieldVisit): boolean;
  onObject?(object: ResultObject): void;
}

function applies(schema: GraphQLSchema, condition: string | undefined, parent: GraphQLCompositeType, object: ResultObject): boolean {
  if (!condition) return true;
  const conditionType = schema.getType(condition);
  if (!conditionType || !isCompositeType(conditionType)) return false;
  const named = object.__continuumType ?? object.__typename;
  const runtimeName = typeof named === 'string' ? named : undefined;
  const runtime = runtimeName ? schema.getType(runtimeName) : undefined;
  if (runtime && isObjectType(runtime)) {
    return conditionType === runtime || (isAbstractType(conditionType) && schema.isSubType(conditionType, runtime));
  }
  // Without __typename, only a condition the static type already satisfies is certain.
  if (conditionType === parent) return true;
  return isAbstractType(conditionType) && isObjectType(parent) && schema.isSubType(conditionType, parent);
}

export function walkSelectionSet(
  context: WalkContext,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  value: unknown,
  path: ResponsePath,
  ref: string | null,
): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => walkSelectionSet(context, selectionSet, parent, item, [...path, index], ref));
    return;
  }
  if (typeof value !== 'object') return;
  const object = value as ResultObject;
  const currentRef = caseRefIn(object) ?? ref;
  const named = object.__continuumType ?? object.__typename;
  const typename = typeof named === 'string' ? named : undefined;
  context.onObject?.(object);
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = selection.name.value;
      if (field === '__typename') continue;
      const key = selection.alias?.value ?? field;
      if (context.onField({ parent, typename, field, key, object, path, ref: currentRef })) continue;
      if (!selection.selectionSet) continue;
      const definition = 'getFields' in parent ? parent.getFields()[field] : undefined;
      const child = definition ? getNamedType(definition.type) : undefined;
      if (child && isCompositeType(child)) walkSelectionSet(context, selection.selectionSet, child, object[key], [...path, key], currentRef);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      if (!applies(context.schema, condition, parent, object)) continue;
      const next = condition ? (context.schema.getType(condition) as GraphQLCompositeType) : parent;
      walkSelectionSet(context, selection.selectionSet, next, object, path, currentRef);
    } else {
      const fragment = context.fragments[selection.name.value];
      if (!fragment) continue;
      const condition = fragment.typeCondition.name.value;
      if (!applies(context.schema, condition, parent, object)) continue;
      walkSelectionSet(context, fragment.selectionSet, context.schema.getType(condition) as GraphQLCompositeType, object, path, currentRef);
    }
  }
}

export function fragmentsOf(document: { definitions: readonly { kind: string }[] }): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[(definition as FragmentDefinitionNode).name.value] = definition as FragmentDefinitionNode;
  }
  return fragments;
}
