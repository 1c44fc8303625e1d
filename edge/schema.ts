/**
 * What the edge knows about the subgraph behind it, read from the subgraph itself: its SDL as
 * `_service { sdl }` answers it, built into a schema (to type every field of a forwarded document
 * and of its answer) and each field's `@personalData` category (to know what a decision covers).
 *
 * Read once at start: a field the subgraph adds later is unknown to the edge, so a document naming
 * it fails validation at the edge and is never forwarded (deny by default). Restart the edge after
 * the subgraph's schema changes.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, parse, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { DATA_CATEGORIES, PERSONAL_DATA_DIRECTIVE, type DataCategory } from '../schema/vocabulary.js';

export interface EdgeSchema {
  schema: GraphQLSchema;
  /** `Type.field` → category, for every field that declares one. */
  categories: ReadonlyMap<string, DataCategory>;
  /** The SDL as the subgraph served it. */
  sdl: string;
}

const KNOWN_CATEGORIES: ReadonlySet<string> = new Set(DATA_CATEGORIES);

/** Why the subgraph's schema cannot be used; the message is for the operator. */
export class EdgeSchemaError extends Error {
  override name = 'EdgeSchemaError';
}

/** `Type.field` → category, read from `@personalData(category: …)` on object and interface fields. */
export function readCategories(sdl: string): Map<string, DataCategory> {
  const categories = new Map<string, DataCategory>();
  for (const definition of parse(sdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      const directive = field.directives?.find((d) => d.name.value === PERSONAL_DATA_DIRECTIVE);
      const argument = directive?.arguments?.find((a) => a.name.value === 'category');
      if (argument?.value.kind !== Kind.ENUM) continue;
      if (!KNOWN_CATEGORIES.has(argument.value.value)) {
        throw new EdgeSchemaError(`${definition.name.value}.${field.name.value} declares an unknown category ${argument.value.value}.`);
      }
      categories.set(`${definition.name.value}.${field.name.value}`, argument.value.value as DataCategory);
    }
  }
  return categories;
}

export function edgeSchema(sdl: string): EdgeSchema {
  let schema: GraphQLSchema;
  try {
    schema = buildSubgraphSchema(parse(sdl));
  } catch (error) {
    throw new EdgeSchemaError(`the subgraph's SDL does not build as a federation subgraph schema: ${(error as Error).message}`);
  }
  return { schema, categories: readCategories(sdl), sdl };
}

/**
 * The category of a field of an object type: its own declaration, else the one of an interface it
 * implements (as the kit reads it). Undefined: the field declares none.
 */
export function categoryOf(edge: EdgeSchema, type: GraphQLObjectType, field: string): DataCategory | undefined {
  const own = edge.categories.get(`${type.name}.${field}`);
  if (own) return own;
  for (const implemented of type.getInterfaces()) {
    const inherited = edge.categories.get(`${implemented.name}.${field}`);
    if (inherited) return inherited;
  }
  return undefined;
}

/** Root operation types: their fields are entry points, not data about a case (the kit does not decide them). */
export function isRootType(schema: GraphQLSchema, type: GraphQLObjectType): boolean {
  return type === schema.getQueryType() || type === schema.getMutationType() || type === schema.getSubscriptionType();
}

