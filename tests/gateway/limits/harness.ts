/**
 * graphql-js-style harness for the limit rules (as graphql-js's `harness.ts`): validate a
 * document with one rule against a fixture schema that has what the limits are about — a cycle
 * (the hub's schema has none today, but partners extend it at run time), pages and plain lists —
 * or against the hub's API schema from the committed supergraph, and compare whole errors.
 */
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { buildSchema, parse, validate, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from 'graphql';

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

export function validationErrors(rule: ValidationRule, query: string, schema: GraphQLSchema = FIXTURE_SCHEMA): GraphQLFormattedError[] {
  return validate(schema, parse(query), [rule]).map((error) => error.toJSON());
}

/** `node(id: 1) { parent { parent { … name } } }`: `levels` fields deep in all. */
export function parents(levels: number): string {
  return `{ node(id: 1) ${'{ parent '.repeat(levels - 2)}{ name }${' }'.repeat(levels - 2)} }`;
}
