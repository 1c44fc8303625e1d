/**
 * A union spread over subgraphs whose members differ (union intersection): each subgraph knows
 * only some members, and one declares a field as a member type where another declares the union.
 * Synthetic catalogue data.
 */
import { NP, type Feature } from './feature.js';

const course = { __typename: 'Course', id: 'c1', title: 'Bookkeeping for small shops', hours: 40 };
const grant = { __typename: 'Grant', id: 'g1', title: 'Start-up grant', amount: 1500 };
const toolkit = { __typename: 'Toolkit', id: 't1', title: 'Tailoring toolkit', items: 12 };

export const unionIntersection: Feature = {
  name: 'unions with different members in each subgraph',
  subgraphs: [
    {
      name: 'training',
      sdl: `
        union Offer = Course | Grant
        type Course @key(fields: "id") { id: ID! ${NP} title: String! @shareable ${NP} hours: Int! ${NP} }
        type Grant @key(fields: "id") { id: ID! ${NP} title: String! @shareable ${NP} amount: Int! ${NP} }
        type Query {
          offer: Offer @shareable ${NP}
          featured: Course @shareable ${NP}
          catalogue: Catalogue @shareable ${NP}
        }
        type Catalogue { offer: Offer @shareable ${NP} featured: Course @shareable ${NP} }
      `,
      resolvers: {
        Query: { offer: () => course, featured: () => course, catalogue: () => ({ offer: course, featured: course }) },
        Offer: { __resolveType: (o: { __typename: string }) => o.__typename },
        Course: { __resolveReference: () => course },
        Grant: { __resolveReference: () => grant },
      },
    },
    {
      name: 'equipment',
      sdl: `
        union Offer = Course | Toolkit
        type Course @key(fields: "id") { id: ID! ${NP} title: String! @shareable ${NP} }
        type Toolkit @key(fields: "id") { id: ID! ${NP} title: String! @shareable ${NP} items: Int! ${NP} }
        type Query {
          offer: Offer @shareable ${NP}
          featured: Offer @shareable ${NP}
          catalogue: Catalogue @shareable ${NP}
          kit: Offer ${NP}
        }
        type Catalogue { offer: Offer @shareable ${NP} featured: Offer @shareable ${NP} }
      `,
      resolvers: {
        Query: { offer: () => course, featured: () => course, catalogue: () => ({ offer: course, featured: course }), kit: () => toolkit },
        Offer: { __resolveType: (o: { __typename: string }) => o.__typename },
        Course: { __resolveReference: () => course },
        Toolkit: { __resolveReference: () => toolkit },
      },
    },
  ],
  queries: [
    { name: 'a member the answer is not', query: '{ offer { ... on Grant { title } } }' },
    { name: 'the member the answer is', query: '{ offer { ... on Course { title } } }' },
    { name: 'two members, one field', query: '{ offer { ... on Course { title } ... on Toolkit { title } } }' },
    { name: 'a field one subgraph types as a member and another as the union', query: '{ featured { __typename ... on Course { title } ... on Grant { amount } } }' },
    { name: 'the same, nested', query: '{ catalogue { featured { __typename ... on Course { id title } } offer { ... on Course { title } } } }' },
    { name: 'a member only one subgraph knows', query: '{ kit { __typename ... on Toolkit { title items } ... on Course { title } } }' },
  ],
};
