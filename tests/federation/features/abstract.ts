/**
 * Abstract types spread over subgraphs: an interface whose implementations live in different
 * subgraphs, a union of entities, `__typename` everywhere, and `@skip`/`@include`.
 */
import { NP, type Feature } from './feature.js';

const place = { name: 'Synthetic community centre', contact: '+000 0000 0002' };
const events = [
  { __typename: 'Visit', id: 'e1', at: '2026-01-10', place },
  { __typename: 'Training', id: 'e2', at: '2026-02-11', place: null },
  { __typename: 'Visit', id: 'e3', at: '2026-03-12', place },
];

export const abstractTypes: Feature = {
  name: 'interfaces and unions spread over subgraphs, __typename, @skip and @include',
  subgraphs: [
    {
      name: 'timeline',
      sdl: `
        interface Event { id: ID! ${NP} at: String! ${NP} place: Place ${NP} }
        type Visit implements Event @key(fields: "id") { id: ID! ${NP} at: String! ${NP} place: Place ${NP} }
        type Training implements Event @key(fields: "id") { id: ID! ${NP} at: String! ${NP} place: Place ${NP} }
        type Place { name: String! ${NP} "Who to call there: personal." contact: String @personalData(category: CONTACT) }
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
      sdl: `type Visit @key(fields: "id") { id: ID! ${NP} visitor: String! ${NP} outcome: String ${NP} notes: String @personalData(category: MONITORING) }`,
      resolvers: { Visit: { __resolveReference: (k: { id: string }) => ({ id: k.id, visitor: `officer-${k.id}`, outcome: k.id === 'e1' ? 'stable' : null, notes: 'synthetic visit notes' }) } },
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
    { name: 'a nested object in a list of an interface', query: '{ events { id place { name } } }' },
  ],
  denials: [
    {
      name: 'a denied field of an implementation, in a list, answered by another subgraph, is null with its code at each path',
      as: { persona: 'researcher', purpose: 'STATISTICS' },
      query: '{ events { id ... on Visit { visitor notes } } }',
      data: { events: [{ id: 'e1', visitor: 'officer-e1', notes: null }, { id: 'e2' }, { id: 'e3', visitor: 'officer-e3', notes: null }] },
      denials: [
        { path: ['events', 0, 'notes'], code: 'FORBIDDEN_FIELD' },
        { path: ['events', 2, 'notes'], code: 'FORBIDDEN_FIELD' },
      ],
    },
    {
      name: 'a denied field of a nested object is null with its code, and a null parent reports nothing',
      as: { persona: 'researcher', purpose: 'STATISTICS' },
      query: '{ events { place { name contact } } }',
      data: { events: [{ place: { name: 'Synthetic community centre', contact: null } }, { place: null }, { place: { name: 'Synthetic community centre', contact: null } }] },
      denials: [
        { path: ['events', 0, 'place', 'contact'], code: 'FORBIDDEN_FIELD' },
        { path: ['events', 2, 'place', 'contact'], code: 'FORBIDDEN_FIELD' },
      ],
    },
  ],
};
