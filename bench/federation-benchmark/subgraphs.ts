/**
 * The four subgraphs of the public federation gateways benchmark — accounts, inventory, products,
 * reviews — as plain @apollo/subgraph schemas (federation v2.3). They are not Continuum
 * subgraphs: no vocabulary, no @personalData, no enforcement. Behaviour follows the upstream
 * subgraphs, so the deep query returns exactly expected.json:
 * - `User.reviews` (reviews) is always the first two reviews, whoever the user;
 * - `Review.author` is always user 1, with `username` provided ("urigo");
 * - inventory ignores the price and weight it requires: `shippingEstimate` is always null.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { DATA } from './data.js';

const LINK = (directives: string[]) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${directives.map((d) => `"${d}"`).join(', ')}])`;

export interface BenchmarkSubgraph {
  name: 'accounts' | 'inventory' | 'products' | 'reviews';
  sdl: string;
  schema: GraphQLSchema;
}

function subgraph(name: BenchmarkSubgraph['name'], sdl: string, resolvers: Record<string, unknown>): BenchmarkSubgraph {
  // buildSubgraphSchema's resolver map type is not exported from its entry point.
  return { name, sdl, schema: buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: resolvers as never }) };
}

const usersById = new Map(DATA.users.map((u) => [u.id, u]));
const productsByUpc = new Map(DATA.products.map((p) => [p.upc, p]));
const inventoryByUpc = new Map(DATA.inventory.map((i) => [i.upc, i]));
const reviewsById = new Map(DATA.reviews.map((r) => [r.id, r]));

const accounts = subgraph(
  'accounts',
  `${LINK(['@key', '@shareable'])}
  type Query {
    me: User
    user(id: ID!): User
    users: [User]
  }
  type User @key(fields: "id") {
    id: ID!
    name: String
    username: String @shareable
    birthday: Int
  }`,
  {
    Query: {
      me: () => DATA.users[0],
      user: (_: unknown, { id }: { id: string }) => usersById.get(id) ?? null,
      users: () => DATA.users,
    },
    User: { __resolveReference: (ref: { id: string }) => usersById.get(ref.id) ?? null },
  },
);

const products = subgraph(
  'products',
  `${LINK(['@key'])}
  type Query {
    topProducts(first: Int = 5): [Product]
  }
  type Product @key(fields: "upc") {
    upc: String!
    name: String
    price: Int
    weight: Int
  }`,
  {
    Query: { topProducts: (_: unknown, { first }: { first: number }) => DATA.products.slice(0, first) },
    Product: { __resolveReference: (ref: { upc: string }) => productsByUpc.get(ref.upc) ?? null },
  },
);

const inventory = subgraph(
  'inventory',
  `${LINK(['@key', '@external', '@requires'])}
  type Product @key(fields: "upc") {
    upc: String!
    weight: Int @external
    price: Int @external
    inStock: Boolean
    shippingEstimate: Int @requires(fields: "price weight")
  }`,
  {
    Product: {
      __resolveReference: (ref: { upc: string }) => ({ ...ref, inStock: inventoryByUpc.get(ref.upc)?.inStock ?? null }),
      shippingEstimate: () => null,
    },
  },
);

const firstTwoReviews = () => DATA.reviews.slice(0, 2);

const reviews = subgraph(
  'reviews',
  `${LINK(['@key', '@external', '@provides'])}
  type Review @key(fields: "id") {
    id: ID!
    body: String
    product: Product
    author: User @provides(fields: "username")
  }
  type User @key(fields: "id") {
    id: ID!
    username: String @external
    reviews: [Review]
  }
  type Product @key(fields: "upc") {
    upc: String!
    reviews: [Review]
  }`,
  {
    Review: {
      __resolveReference: (ref: { id: string }) => reviewsById.get(ref.id) ?? null,
      product: (review: { productUpc: string }) => ({ upc: review.productUpc }),
      author: () => ({ id: '1', username: 'urigo' }),
    },
    User: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      reviews: firstTwoReviews,
    },
    Product: {
      __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc }),
      reviews: (product: { upc: string }) => DATA.reviews.filter((r) => r.productUpc === product.upc),
    },
  },
);

export const BENCHMARK_SUBGRAPHS: readonly BenchmarkSubgraph[] = [accounts, inventory, products, reviews];
