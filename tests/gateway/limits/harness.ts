/**
 * graphql-js-style harness for the limit rules (as graphql-js's `harness.ts`): validate a
 * document with one rule against a fixture schema that has what the limits are about — a cycle
 * (the hub's schema has none today, but partners extend it at run time), pages and plain lists —
 * or against the hub's API schema from the committed supergraph, and compare whole errors.
 */
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { buildSchema, Kind, parse, validate, visit, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from 'graphql';

export const FIXTURE_SCHEMA = buildSchema(/* GraphQL */ `
  type Query {
    node(id: ID!): Node
    nodes(first: Int = 10, after: String): NodeConnection!
    tags: [String!]!
  }
  type Node {
    id: ID!
    name: String
    parent: Node
    children: [Node!]!
    page(first: Int!): NodeConnection!
  }
  type NodeConnection {
    edges: [NodeEdge!]!
    totalCount: Int!
  }
  type NodeEdge {
    node: Node!
  }
`);

export const API_SCHEMA = Supergraph.build(readFileSync(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8'))
  .apiSchema()
  .toGraphQLJSSchema();

/** `document`, when given, is validated instead of `query` parsed (for rules that hold its nodes). */
export function validationErrors(rule: ValidationRule, query: string, schema: GraphQLSchema = FIXTURE_SCHEMA, document: DocumentNode = parse(query)): GraphQLFormattedError[] {
  return validate(schema, document, [rule]).map((error) => error.toJSON());
}

/** `node(id: 1) { parent { parent { … name } } }`: `levels` fields deep in all. */
export function parents(levels: number): string {
  return `{ node(id: 1) ${'{ parent '.repeat(levels - 2)}{ name }${' }'.repeat(levels - 2)} }`;
}

/**
 * A fragment bomb: each of `levels` fragments on `type` spreads the one before it twice, so the
 * operation `query` (which spreads the last) expands to 2^levels copies of `leaf`.
 */
export function fragmentBomb(levels: number, { type = 'Node', query = '{ node(id: 1) { ...F%s } }', leaf = '__typename' } = {}): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on ${type} { ...F${i} ...F${i} }`);
  return `${query.replace('%s', String(levels))} fragment F0 on ${type} { ${leaf} } ${fragments.join(' ')}`;
}

/** Selections (fields, inline fragments, spreads) written in a document: what a walk of it may visit. */
export function selectionsIn(document: DocumentNode): number {
  let count = 0;
  visit(document, {
    enter(node) {
      if (node.kind === Kind.FIELD || node.kind === Kind.INLINE_FRAGMENT || node.kind === Kind.FRAGMENT_SPREAD) count += 1;
    },
  });
  return count;
}
