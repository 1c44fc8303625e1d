/**
 * Reference data: types that are not about a person — code lists, service catalogues, office
 * directories, currencies. A subgraph marks such a type once, on the type:
 *
 *     type Currency @personalData(category: NOT_PERSONAL) { code: String! name: String! }
 *
 * and every field that subgraph declares on it without a mark of its own is NOT_PERSONAL, as if
 * marked by hand. Only NOT_PERSONAL can be said of a whole type, and only of a type no case can
 * reach: a type reachable from one that holds a case reference (`CaseRef`) is case data, and its
 * fields keep their marks one by one, so deny-by-default holds for everything reachable from a
 * case (ReferenceDataRule in this subgraph, `caseReachableReferenceTypes` across the supergraph).
 * The mark covers the marking subgraph's own fields only: another subgraph extending the type
 * marks its fields itself.
 *
 * The expansion is the contract's (contract/referenceData.ts): its one reader of categories expands
 * the mark first, and composition composes the expanded SDL, so the supergraph carries a mark on
 * every field and the gateway reads fields only, as before. This module adds what only the hub
 * checks: which types a case reaches.
 */
import { isObjectType, isInterfaceType, getNamedType, Kind, type DocumentNode, type GraphQLSchema, type TypeNode } from 'graphql';
import { expandReferenceData, isObjectNode, typeLevelCategory } from '../contract/referenceData.js';

export { expandReferenceData, typeLevelCategory };

/** Names of the types a document marks at type level. */
export function referenceTypesOf(document: DocumentNode): Set<string> {
  const names = new Set<string>();
  for (const definition of document.definitions) if (isObjectNode(definition) && typeLevelCategory(definition) !== undefined) names.add(definition.name.value);
  return names;
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

/**
 * The types reachable from a type that holds a case reference, by the field types `fieldsOf`
 * gives (a subgraph's own document, or a composed schema). The case-holding types included.
 */
export function caseReachable(fieldsOf: ReadonlyMap<string, readonly string[]>, caseHolders: Iterable<string>): Set<string> {
  const reached = new Set<string>();
  const pending = [...caseHolders];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const child of fieldsOf.get(name) ?? []) if (!reached.has(child)) pending.push(child);
  }
  return reached;
}

/** Field types and case holders of one subgraph document. */
export function documentGraph(document: DocumentNode): { fieldsOf: Map<string, string[]>; caseHolders: Set<string> } {
  const fieldsOf = new Map<string, string[]>();
  const caseHolders = new Set<string>();
  for (const definition of document.definitions) {
    if (!('fields' in definition) || !definition.fields || !('name' in definition) || !definition.name) continue;
    const name = definition.name.value;
    const children = fieldsOf.get(name) ?? [];
    for (const field of definition.fields as readonly { type: TypeNode }[]) {
      const child = namedTypeOf(field.type);
      if (child === 'CaseRef') caseHolders.add(name);
      children.push(child);
    }
    fieldsOf.set(name, children);
  }
  return { fieldsOf, caseHolders };
}

/** Field types and case holders of a composed schema, for the check across subgraphs. */
export function schemaGraph(schema: GraphQLSchema): { fieldsOf: Map<string, string[]>; caseHolders: Set<string> } {
  const fieldsOf = new Map<string, string[]>();
  const caseHolders = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    const children: string[] = [];
    for (const field of Object.values(type.getFields())) {
      const child = getNamedType(field.type).name;
      if (child === 'CaseRef') caseHolders.add(type.name);
      children.push(child);
    }
    if (isInterfaceType(type)) for (const implementation of schema.getPossibleTypes(type)) children.push(implementation.name);
    fieldsOf.set(type.name, children);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !('getTypes' in type)) continue;
    fieldsOf.set(type.name, (type as { getTypes(): readonly { name: string }[] }).getTypes().map((t) => t.name));
  }
  return { fieldsOf, caseHolders };
}
