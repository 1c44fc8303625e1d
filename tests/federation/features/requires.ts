/**
 * @requires: a field computed by one subgraph from fields another holds. Where a caller may not
 * see an input, the field computed from it is denied with the input's code — never computed from
 * nothing. Synthetic assistance-budget data.
 */
import { NP, type Feature } from './feature.js';

const items = [
  { id: 'a1', cost: 100, weight: 2 },
  { id: 'a2', cost: 400, weight: 8 },
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
        }
        type Query { items: [Item!]! ${NP} }
      `,
      resolvers: {
        Query: { items: () => items },
        Item: { __resolveReference: (key: { id: string }) => items.find((i) => i.id === key.id), allowance: (i: { cost: number }) => i.cost / 10 },
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
        }
      `,
      resolvers: {
        Item: {
          delivery: (i: { cost?: number; weight?: number }) => (i.cost ?? 0) / 10 + (i.weight ?? 0),
          covered: (i: { allowance?: number }) => (i.allowance ?? 0) * 2,
          estimate: (i: { cost?: number }) => Math.round((i.cost ?? 0) * 1.1),
        },
      },
    },
  ],
  queries: [
    { name: 'a field that requires two others', query: '{ items { id delivery } }' },
    { name: 'with its inputs asked too', query: '{ items { cost weight delivery } }' },
    { name: 'two requiring fields', query: '{ items { delivery estimate } }' },
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
