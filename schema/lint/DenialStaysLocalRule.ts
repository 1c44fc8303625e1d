/**
 * Denial stays local
 *
 * The gateway denies per field: a caller who may see a partner's file but not the health
 * assistance in it gets the file with `healthAssistance: null` and an error at that path. That
 * only works when the denied field is nullable. A non-null field whose category differs from the
 * field that holds its object would, once denied, null its parent too (GraphQL's null
 * propagation), and the caller would lose everything the parent released: a denial of HEALTH
 * would wipe the partner's whole file. Such fields must be nullable.
 *
 * Holders are the fields of this subgraph whose type is the object (or interface); a type no
 * field of this subgraph returns (an entity the planner reaches by key) is not checked here.
 */
import { Kind, type DocumentNode, type FieldDefinitionNode, type TypeNode } from 'graphql';
import { declaredCategoryOf as categoryOf } from '../../contract/index.js';
import { LintError, type LintContext, type LintRule } from './LintContext.js';

export const DENIAL_NOT_LOCAL = 'LINT_DENIAL_NOT_LOCAL';

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

type Holder = { coordinate: string; category: string };

function holdersByType(document: DocumentNode): Map<string, Holder[]> {
  const holders = new Map<string, Holder[]>();
  for (const definition of document.definitions) {
    if (!('fields' in definition) || !definition.fields || !('name' in definition) || !definition.name) continue;
    if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields as readonly FieldDefinitionNode[]) {
      const category = categoryOf(field);
      if (!category || category === 'NOT_PERSONAL') continue;
      const list = holders.get(namedType(field.type)) ?? [];
      list.push({ coordinate: `${definition.name.value}.${field.name.value}`, category });
      holders.set(namedType(field.type), list);
    }
  }
  return holders;
}

export const DenialStaysLocalRule: LintRule = (context: LintContext) => {
  let holders: Map<string, Holder[]> | undefined;
  const check = (node: { name: { value: string }; fields?: readonly FieldDefinitionNode[] | undefined }) => {
    holders ??= holdersByType(context.document);
    const heldBy = holders.get(node.name.value) ?? [];
    if (heldBy.length === 0) return;
    for (const field of node.fields ?? []) {
      const category = categoryOf(field);
      if (!category || category === 'NOT_PERSONAL' || field.type.kind !== Kind.NON_NULL_TYPE) continue;
      const other = heldBy.find((h) => h.category !== category);
      if (!other) continue;
      context.reportError(
        new LintError(
          DENIAL_NOT_LOCAL,
          `Field "${node.name.value}.${field.name.value}" (${category}) in subgraph "${context.subgraphName}" is non-null inside "${other.coordinate}" (${other.category}): ` +
            `a caller denied ${category} would lose the whole "${other.coordinate}". Make it nullable.`,
          field,
        ),
      );
    }
  };
  return {
    ObjectTypeDefinition: check,
    ObjectTypeExtension: check,
    InterfaceTypeDefinition: check,
    InterfaceTypeExtension: check,
  };
};
