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
import { parse, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { declaredCategories, isDataCategory, type DataCategory } from '../contract/index.js';

export interface EdgeSchema {
  schema: GraphQLSchema;
  /** `Type.field` → category, for every field that declares one. */
  categories: ReadonlyMap<string, DataCategory>;
  /** The SDL as the subgraph served it. */
  sdl: string;
}

/** Why the subgraph's schema cannot be used; the message is for the operator. */
export class EdgeSchemaError extends Error {
  override name = 'EdgeSchemaError';
}

/**
 * `Type.field` → category, read by the contract's one reader (a type marked NOT_PERSONAL as a whole
 * lends the mark to its unmarked fields); a name outside the vocabulary makes the schema unusable.
 */
export function readCategories(sdl: string): Map<string, DataCategory> {
  const categories = new Map<string, DataCategory>();
  for (const [coordinate, category] of declaredCategories(sdl)) {
    if (!isDataCategory(category)) throw new EdgeSchemaError(`${coordinate} declares an unknown category ${category}.`);
    categories.set(coordinate, category);
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

