/**
 * The one reader of `@personalData(category: …)`. The kit (which fields to enforce), the gateway
 * (the category of every supergraph field), the registry (a category changed or contradicted
 * across subgraphs) and the lint (declared, within the remit, denial stays local) all read
 * declarations through here, so a field is what this file says it is, everywhere.
 */
import { Kind, parse, type DefinitionNode, type DocumentNode, type FieldDefinitionNode } from 'graphql';
import { expandReferenceData } from './referenceData.js';
import { isDataCategory, PERSONAL_DATA_DIRECTIVE, type DataCategory } from './vocabulary.js';

/**
 * What a field definition declares: undefined when it has no `@personalData` with a `category`
 * argument; else `category`, the enum value's name as written (null when the argument is not an
 * enum value), which may still be a name outside the vocabulary: `isDataCategory` tells.
 */
export interface PersonalDataDeclaration {
  category: string | null;
}

export function personalDataOf(field: FieldDefinitionNode): PersonalDataDeclaration | undefined {
  for (const directive of field.directives ?? []) {
    if (directive.name.value !== PERSONAL_DATA_DIRECTIVE) continue;
    const argument = directive.arguments?.find((a) => a.name.value === 'category');
    if (argument) return { category: argument.value.kind === Kind.ENUM ? argument.value.value : null };
  }
  return undefined;
}

/** The declared category's name, if the field declares one as an enum value (known or not). */
export function declaredCategoryOf(field: FieldDefinitionNode): string | undefined {
  return personalDataOf(field)?.category ?? undefined;
}

type FieldedDefinition = Extract<DefinitionNode, { kind: Kind.OBJECT_TYPE_DEFINITION | Kind.OBJECT_TYPE_EXTENSION | Kind.INTERFACE_TYPE_DEFINITION | Kind.INTERFACE_TYPE_EXTENSION }>;

/** Object and interface types, definitions and extensions: the types whose fields carry categories. */
export function isCategorisedDefinition(definition: DefinitionNode): definition is FieldedDefinition {
  return (
    definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
    definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    definition.kind === Kind.INTERFACE_TYPE_EXTENSION
  );
}

/**
 * `Type.field` → the category name declared (as written, known or not), for every field of the
 * object and interface types of an SDL or document. A subgraph enforces every declared name: one
 * outside the vocabulary has no decision, so it is denied.
 */
export function declaredCategories(sdl: string | DocumentNode): Map<string, string> {
  // A type marked NOT_PERSONAL as a whole (reference data) lends the mark to its unmarked fields.
  const document = expandReferenceData(typeof sdl === 'string' ? parse(sdl) : sdl);
  const categories = new Map<string, string>();
  for (const definition of document.definitions) {
    if (!isCategorisedDefinition(definition)) continue;
    for (const field of definition.fields ?? []) {
      const category = declaredCategoryOf(field);
      if (category !== undefined) categories.set(`${definition.name.value}.${field.name.value}`, category);
    }
  }
  return categories;
}

/** `Type.field` → category, for the fields that declare a category of the vocabulary. */
export function fieldCategories(sdl: string | DocumentNode): Map<string, DataCategory> {
  const known = new Map<string, DataCategory>();
  for (const [coordinate, category] of declaredCategories(sdl)) if (isDataCategory(category)) known.set(coordinate, category);
  return known;
}
