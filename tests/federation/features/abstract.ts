/**
 * Abstract types spread over subgraphs: an interface whose implementations live in different
 * subgraphs, a union of entities, `__typename` everywhere, and `@skip`/`@include`.
 */
import { NP, type Feature } from './feature.js';

const events = [
  { __typename: 'Visit', id: 'e1', at: '2026-01-10' },
  { __typename: 'Training', id: 'e2', at: '2026-02-11' },
  { __typename: 'Visit', id: 'e3', at: '2026-03-12' },
];

export const abstractTypes: Feature = {
  name: 'interfaces and unions spread over subgraphs, __typename, @skip and @include',
  subgraphs: [
    {
      name: 'timeline',
      sdl: `
        interface Event { id: ID! ${NP} at: String! ${NP} }
        type Visit implements Event @key(fields: "id") { id: ID! ${NP} at: String! ${NP} }
        type Training implements Event @key(fields: "id") { id: ID! ${NP} at: String! ${NP} }
        union Entry = Visit | Training
        type Query { events: [Event!]! ${NP} entries: [Entry!]! ${NP} }
      `,
      resolvers: {
        Query: { events: () => events, entries: () => events },
        Event: { __resolveType: (e: { __typename: string }) => e.__typename },
        Entry: { __resolveType: (e: { __typename: string }) => e.__typename },
        Visit: { __resolveReference: (k: { id: string }) => events.find((e) => e.id === k.id) },
        Training: { __resolveReference: (k: { id: string }) => events.find((e) => e.id === k.id) },
      },
    },
    {
      name: 'visits',
      sdl: `type Visit @key(fields: "id") { id: ID! ${NP} visitor: String! ${NP} outcome: String ${NP} }`,
      resolvers: { Visit: { __resolveReference: (k: { id: string }) => ({ id: k.id, visitor: `officer-${k.id}`, outcome: k.id === 'e1' ? 'stable' : null }) } },
    },
    {
      name: 'trainings',
      sdl: `type Training @key(fields: "id") { id: ID! ${NP} course: String! ${NP} }`,
      resolvers: { Training: { __resolveReference: (k: { id: string }) => ({ id: k.id, course: 'Synthetic bookkeeping' }) } },
    },
  ],
  queries: [
    { name: 'implementation fields from their own subgraphs', query: '{ events { __typename id at ... on Visit { visitor outcome } ... on Training { course } } }' },
    { name: 'a union of entities', query: '{ entries { ... on Visit { id visitor } ... on Training { id course } } }' },
    { name: 'a named fragment on an implementation', query: 'query { events { ...V } } fragment V on Visit { visitor at }' },
    { name: '__typename only', query: '{ events { __typename } entries { __typename } }' },
    { name: 'an aliased __typename', query: '{ events { kind: __typename id } }' },
    {
      name: '@skip and @include with variables',
      query: 'query ($full: Boolean!, $brief: Boolean!) { events { id at @include(if: $full) ... on Visit @skip(if: $brief) { visitor } } }',
      variables: { full: true, brief: false },
    },
    {
      name: '@skip and @include turned the other way',
      query: 'query ($full: Boolean!, $brief: Boolean!) { events { id at @include(if: $full) ... on Visit @skip(if: $brief) { visitor } } }',
      variables: { full: false, brief: true },
    },
  ],
};
