/**
 * @interfaceObject, resolvable and not: a subgraph that sees an interface as an object type
 * contributes fields to every implementation, and a non-resolvable one can only be reached where
 * the interface's owner can say which implementation an object is. Synthetic office data.
 */
import { NP, type Feature } from './feature.js';

const office = { id: 'o1', city: 'Erbil', phone: '+000 0000 0001' };

export const nonResolvableInterfaceObject: Feature = {
  name: 'non-resolvable @interfaceObject',
  subgraphs: [
    {
      name: 'directory',
      sdl: `
        interface Place @key(fields: "id") { id: ID! ${NP} }
        type Office @key(fields: "id", resolvable: false) @interfaceObject { id: ID! ${NP} }
        type Query { somewhere: Place ${NP} office: Office! ${NP} }
      `,
      resolvers: {
        Query: { somewhere: () => ({ __typename: 'Place', id: 'p1' }), office: () => ({ id: office.id }) },
        Place: { __resolveReference: () => { throw new Error('Place is not resolvable here'); } },
      },
    },
    {
      name: 'premises',
      sdl: `
        type Place @key(fields: "id", resolvable: false) @interfaceObject { id: ID! ${NP} opening: String ${NP} }
        interface Office @key(fields: "id") { id: ID! ${NP} }
        type FieldOffice implements Office @key(fields: "id") { id: ID! ${NP} city: String! ${NP} }
        type Query { here: Place ${NP} }
      `,
      resolvers: {
        Query: { here: () => ({ id: 'p1' }) },
        Place: { __resolveReference: () => { throw new Error('not resolvable'); }, opening: () => '08:00' },
        Office: { __resolveReference: () => ({ __typename: 'FieldOffice', ...office }), __resolveType: () => 'FieldOffice' },
        FieldOffice: { __resolveReference: () => office },
      },
    },
  ],
  queries: [
    { name: 'an interface object with a field of its own subgraph', query: '{ here { id opening } }' },
    { name: 'its key alone', query: '{ here { id } }' },
    { name: 'a field from the subgraph that cannot resolve it', query: '{ somewhere { opening } }' },
    { name: 'the key through the interface owner', query: '{ somewhere { id } }' },
    { name: 'the key of a non-resolvable interface object', query: '{ office { id } }' },
    { name: 'a field of an implementation reached through a non-resolvable interface object', query: '{ office { id city } }' },
    { name: 'an implementation by fragment', query: '{ office { ... on FieldOffice { id } } }' },
  ],
};

const services = [
  { __typename: 'Clinic', id: 's1', name: 'Synthetic clinic', beds: 20 },
  { __typename: 'School', id: 's2', name: 'Synthetic school', pupils: 300 },
];

export const interfaceObject: Feature = {
  name: '@interfaceObject',
  subgraphs: [
    {
      name: 'catalogue',
      sdl: `
        interface Facility @key(fields: "id") { id: ID! ${NP} name: String! ${NP} }
        type Clinic implements Facility @key(fields: "id") { id: ID! ${NP} name: String! ${NP} beds: Int! ${NP} }
        type School implements Facility @key(fields: "id") { id: ID! ${NP} name: String! ${NP} pupils: Int! ${NP} }
        type Query { facilities: [Facility!]! ${NP} }
      `,
      resolvers: {
        Query: { facilities: () => services },
        Facility: { __resolveType: (s: { __typename: string }) => s.__typename, __resolveReference: (k: { id: string }) => services.find((s) => s.id === k.id) },
        Clinic: { __resolveReference: (k: { id: string }) => services.find((s) => s.id === k.id) },
        School: { __resolveReference: (k: { id: string }) => services.find((s) => s.id === k.id) },
      },
    },
    {
      name: 'availability',
      sdl: `
        type Facility @key(fields: "id") @interfaceObject { id: ID! ${NP} openToReferrals: Boolean! ${NP} waitingDays: Int ${NP} }
        type Query { open: [Facility!]! ${NP} }
      `,
      resolvers: {
        Query: { open: () => [{ id: 's2' }, { id: 's1' }] },
        Facility: {
          __resolveReference: (k: { id: string }) => ({ id: k.id }),
          openToReferrals: (f: { id: string }) => f.id === 's1',
          waitingDays: (f: { id: string }) => (f.id === 's1' ? 4 : null),
        },
      },
    },
  ],
  queries: [
    { name: 'fields an interface object adds to every implementation', query: '{ facilities { id name openToReferrals waitingDays } }' },
    { name: 'with implementation fields by fragment', query: '{ facilities { __typename ... on Clinic { beds } ... on School { pupils } openToReferrals } }' },
    { name: 'from the interface object back to the implementations', query: '{ open { id name waitingDays ... on Clinic { beds } } }' },
    { name: 'the runtime type from the interface object', query: '{ open { __typename id } }' },
  ],
};
