/**
 * Reference data: types that are not about a person — code lists, service catalogues, office
 * directories, currencies. A subgraph marks such a type once, on the type:
 *
 *     type Currency @personalData(category: NOT_PERSONAL) { code: String! name: String! }
 *
 * and every field that subgraph declares on it without a mark of its own is NOT_PERSONAL, as if
 * marked by hand. The one reader (./personalData.ts) expands the mark before it reads a category,
 * so the lint, composition, the registry, the kit and the edge all see the same fields. Which types
 * may carry such a mark (NOT_PERSONAL only, and no case may reach them) is the hub's lint and
 * composition (schema/referenceData.ts, schema/lint/ReferenceDataRule.ts).
 */
import { Kind, type ConstDirectiveNode, type DocumentNode, type FieldDefinitionNode, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from 'graphql';
import { PERSONAL_DATA_DIRECTIVE } from './vocabulary.js';

export type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

export const isObjectNode = (node: { kind: string }): node is ObjectNode => node.kind === Kind.OBJECT_TYPE_DEFINITION || node.kind === Kind.OBJECT_TYPE_EXTENSION;

/** The category a type-level `@personalData` names, or undefined when the type carries none. */
export function typeLevelCategory(node: ObjectNode): string | undefined {
  const directive = node.directives?.find((d) => d.name.value === PERSONAL_DATA_DIRECTIVE);
  const value = directive?.arguments?.find((a) => a.name.value === 'category')?.value;
  return value?.kind === Kind.ENUM ? value.value : directive ? '' : undefined;
}

function marked(field: FieldDefinitionNode): boolean {
  return field.directives?.some((d) => d.name.value === PERSONAL_DATA_DIRECTIVE) ?? false;
}

const NOT_PERSONAL_MARK: ConstDirectiveNode = {
  kind: Kind.DIRECTIVE,
  name: { kind: Kind.NAME, value: PERSONAL_DATA_DIRECTIVE },
  arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'category' }, value: { kind: Kind.ENUM, value: 'NOT_PERSONAL' } }],
};

/**
 * The document with every unmarked field of a type marked NOT_PERSONAL at type level marked so
 * itself. Types marked otherwise (an invalid mark: the hub's lint reports it) are left as they
 * are, so their fields stay undeclared and denied. The same document when nothing is marked.
 * With `strip`, the type-level marks are removed too, so that what remains says each field's
 * category on the field alone (composition: another subgraph's fields on the same type must not
 * inherit a mark they did not make).
 */
export function expandReferenceData(document: DocumentNode, options: { strip?: boolean } = {}): DocumentNode {
  let changed = false;
  const definitions = document.definitions.map((definition) => {
    if (!isObjectNode(definition)) return definition;
    const category = typeLevelCategory(definition);
    if (category === undefined) return definition;
    const fields = category === 'NOT_PERSONAL' && definition.fields?.some((f) => !marked(f)) ? definition.fields.map((f) => (marked(f) ? f : { ...f, directives: [...(f.directives ?? []), NOT_PERSONAL_MARK] })) : definition.fields;
    if (fields === definition.fields && !options.strip) return definition;
    changed = true;
    const directives = options.strip ? definition.directives?.filter((d) => d.name.value !== PERSONAL_DATA_DIRECTIVE) : definition.directives;
    return { ...definition, fields, directives };
  });
  return changed ? { ...document, definitions } : document;
}
