/**
 * @provides: a subgraph that can answer some of another's fields on a path, nested, and on
 * interfaces and unions — where the planner takes them from the providing subgraph.
 */
import { NP, type Feature } from './feature.js';

const partners = [
  { __typename: 'Ngo', id: 'n1', name: 'Synthetic NGO One', address: { city: 'Mosul', street: 'First street' } },
  { __typename: 'Agency', id: 'a1', name: 'Synthetic Agency', address: { city: 'Abuja', street: 'Second street' } },
];

export const provides: Feature = {
  name: '@provides: nested, on interfaces and on unions',
  subgraphs: [
    {
      name: 'partners',
      sdl: `
        interface Partner { id: ID! ${NP} name: String! ${NP} address: Address! ${NP} }
        type Ngo implements Partner @key(fields: "id") { id: ID! ${NP} name: String! @shareable ${NP} address: Address! @shareable ${NP} }
        type Agency implements Partner @key(fields: "id") { id: ID! ${NP} name: String! @shareable ${NP} address: Address! @shareable ${NP} }
        type Address { city: String! @shareable ${NP} street: String! @shareable ${NP} }
        union Provider = Ngo | Agency
        type Query { partners: [Partner!]! ${NP} }
      `,
      resolvers: {
        Query: { partners: () => partners },
        Partner: { __resolveType: (p: { __typename: string }) => p.__typename },
        Ngo: { __resolveReference: (k: { id: string }) => partners.find((p) => p.id === k.id) },
        Agency: { __resolveReference: (k: { id: string }) => partners.find((p) => p.id === k.id) },
        Provider: { __resolveType: (p: { __typename: string }) => p.__typename },
      },
    },
    {
      name: 'referrals',
      sdl: `
        interface Partner { id: ID! ${NP} name: String! ${NP} address: Address! ${NP} }
        type Ngo implements Partner @key(fields: "id") { id: ID! ${NP} name: String! @external ${NP} address: Address! @external ${NP} }
        type Agency implements Partner @key(fields: "id") { id: ID! ${NP} name: String! @external ${NP} address: Address! @external ${NP} }
        type Address { city: String! @shareable ${NP} street: String! @shareable ${NP} }
        union Provider = Ngo | Agency
        type Referral {
          id: ID! ${NP}
          to: Partner! @provides(fields: "... on Ngo { name address { city } } ... on Agency { name }") ${NP}
          by: Provider! @provides(fields: "... on Ngo { name } ... on Agency { name }") ${NP}
        }
        type Query { referrals: [Referral!]! ${NP} }
      `,
      resolvers: {
        Query: {
          referrals: () => [
            { id: 'f1', to: { __typename: 'Ngo', id: 'n1', name: 'Synthetic NGO One', address: { city: 'Mosul' } }, by: { __typename: 'Agency', id: 'a1', name: 'Synthetic Agency' } },
          ],
        },
        Partner: { __resolveType: (p: { __typename: string }) => p.__typename },
        Provider: { __resolveType: (p: { __typename: string }) => p.__typename },
      },
    },
  ],
  queries: [
    { name: 'provided fields on an interface, nested', query: '{ referrals { id to { id name address { city } } } }' },
    { name: 'a field beyond what is provided', query: '{ referrals { to { name address { city street } } } }' },
    { name: 'provided fields on a union', query: '{ referrals { by { __typename ... on Ngo { name } ... on Agency { name address { street } } } } }' },
    { name: 'the interface from its owner', query: '{ partners { __typename id name ... on Agency { address { city } } } }' },
  ],
};
