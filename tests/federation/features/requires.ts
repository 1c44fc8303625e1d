/**
 * @requires: a field computed by one subgraph from fields another holds. Where a caller may not
 * see an input, the field computed from it is denied with the input's code — never computed from
 * nothing. Synthetic assistance-budget data.
 */
import { NP, type Feature } from './feature.js';

const items = [
  { id: 'a1', cost: 100, weight: 2, size: { __typename: 'Parcel', width: 3, depth: 4 } },
  { id: 'a2', cost: 400, weight: 8, size: { __typename: 'Pallet', slots: 2 } },
];

export const requiresInputs: Feature = {
  name: '@requires',
  subgraphs: [
    {
      name: 'budget',
      sdl: `
        type Item @key(fields: "id") {
          id: ID! ${NP}
          cost: Int! ${NP}
          weight: Int! ${NP}
          "A personal figure, to prove the rule for inputs a caller is denied."
          allowance: Int! @personalData(category: HEALTH)
          price(currency: String!): Int! ${NP}
          size: Size! ${NP}
        }
        union Size = Parcel | Pallet
        type Parcel { width: Int! ${NP} depth: Int! ${NP} }
        type Pallet { slots: Int! ${NP} }
        type Query { items: [Item!]! ${NP} }
      `,
      resolvers: {
        Query: { items: () => items },
        Item: {
          __resolveReference: (key: { id: string }) => items.find((i) => i.id === key.id),
          allowance: (i: { cost: number }) => i.cost / 10,
          price: (i: { cost: number }, { currency }: { currency: string }) => (currency === 'EUR' ? i.cost : i.cost * 2),
        },
        Size: { __resolveType: (s: { __typename: string }) => s.__typename },
      },
    },
    {
      name: 'logistics',
      sdl: `
        type Item @key(fields: "id") {
          id: ID! ${NP}
          cost: Int! @external ${NP}
          weight: Int! @external ${NP}
          allowance: Int! @external @personalData(category: HEALTH)
          delivery: Int! @requires(fields: "cost weight") ${NP}
          covered: Int! @requires(fields: "allowance") ${NP}
          estimate: Int! @requires(fields: "cost") ${NP}
          price(currency: String!): Int! @external ${NP}
          size: Size! @external ${NP}
          inEuro: Int! @requires(fields: "price(currency: \\"EUR\\")") ${NP}
          volume: Int! @requires(fields: "size { ... on Parcel { width depth } ... on Pallet { slots } }") ${NP}
        }
        union Size = Parcel | Pallet
        type Parcel { width: Int! @external ${NP} depth: Int! @external ${NP} }
        type Pallet { slots: Int! @external ${NP} }
      `,
      resolvers: {
        Item: {
          delivery: (i: { cost?: number; weight?: number }) => (i.cost ?? 0) / 10 + (i.weight ?? 0),
          covered: (i: { allowance?: number }) => (i.allowance ?? 0) * 2,
          estimate: (i: { cost?: number }) => Math.round((i.cost ?? 0) * 1.1),
          inEuro: (i: { price?: number }) => i.price ?? 0,
          volume: (i: { size?: { width?: number; depth?: number; slots?: number } }) => (i.size?.slots ? i.size.slots * 100 : (i.size?.width ?? 0) * (i.size?.depth ?? 0)),
        },
        Size: { __resolveType: (s: { __typename: string }) => s.__typename },
      },
    },
    {
      name: 'planning',
      sdl: `
        type Item @key(fields: "id") {
          id: ID! ${NP}
          delivery: Int! @external ${NP}
          schedule: String! @requires(fields: "delivery") ${NP}
          covered: Int! @external ${NP}
          reserve: Int! @requires(fields: "covered") ${NP}
        }
      `,
      resolvers: {
        Item: {
          schedule: (i: { delivery?: number }) => (i.delivery === undefined ? 'unknown' : `in ${i.delivery} days`),
          reserve: (i: { covered?: number }) => (i.covered ?? 0) + 1,
        },
      },
    },
  ],
  queries: [
    { name: 'a field that requires two others', query: '{ items { id delivery } }' },
    { name: 'with its inputs asked too', query: '{ items { cost weight delivery } }' },
    { name: 'two requiring fields', query: '{ items { delivery estimate } }' },
    { name: 'a required field with an argument', query: '{ items { id inEuro price(currency: "USD") } }' },
    { name: 'a required selection with fragments on a union', query: '{ items { volume } }' },
    { name: 'a chain: a field requiring a field that requires others', query: '{ items { schedule } }' },
  ],
  denials: [
    {
      name: 'a field whose required input the caller may never see is denied with the input\'s code',
      as: { persona: 'researcher', purpose: 'STATISTICS' },
      query: '{ items { id covered estimate } }',
      data: { items: [{ id: 'a1', covered: null, estimate: 110 }, { id: 'a2', covered: null, estimate: 440 }] },
      denials: [
        { path: ['items', 0, 'covered'], code: 'FORBIDDEN_FIELD' },
        { path: ['items', 1, 'covered'], code: 'FORBIDDEN_FIELD' },
      ],
    },
    {
      name: 'a field at the end of a chain whose first input is denied is denied too',
      as: { persona: 'researcher', purpose: 'STATISTICS' },
      query: '{ items { id reserve schedule } }',
      data: { items: [{ id: 'a1', reserve: null, schedule: 'in 12 days' }, { id: 'a2', reserve: null, schedule: 'in 48 days' }] },
      denials: [
        { path: ['items', 0, 'reserve'], code: 'FORBIDDEN_FIELD' },
        { path: ['items', 1, 'reserve'], code: 'FORBIDDEN_FIELD' },
      ],
    },
    {
      name: 'a field whose required personal input belongs to no case is denied, never computed from nothing',
      as: { persona: 'be-counsellor', purpose: 'CONTINUITY_OF_CARE' },
      query: '{ items { id covered delivery } }',
      data: { items: [{ id: 'a1', covered: null, delivery: 12 }, { id: 'a2', covered: null, delivery: 48 }] },
      denials: [
        { path: ['items', 0, 'covered'], code: 'NO_RELATIONSHIP' },
        { path: ['items', 1, 'covered'], code: 'NO_RELATIONSHIP' },
      ],
    },
  ],
};
