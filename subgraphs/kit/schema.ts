import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { COMMON_SDL, scalarResolvers, SUBGRAPH_LINK_HEADER } from '@continuum/contract';

export type Resolvers<Context> = GraphQLResolverMap<Context>;

/** A subgraph's full SDL: the federation and GDPR `@link`s, the shared vocabulary, then its own types. */
export function subgraphSdl(ownSdl: string): string {
  return `${SUBGRAPH_LINK_HEADER}\n${COMMON_SDL}\n${ownSdl}`;
}

export function subgraphDocument(ownSdl: string): DocumentNode {
  return parse(subgraphSdl(ownSdl));
}

/** Builds the executable subgraph schema, with the common scalars' validating implementations. */
export function buildContinuumSubgraphSchema<Context>(ownSdl: string, resolvers: Resolvers<Context>): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: subgraphDocument(ownSdl),
    resolvers: { ...scalarResolvers, ...resolvers } as GraphQLResolverMap<unknown>,
  });
}
