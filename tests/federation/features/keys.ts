/**
 * @key: composite keys, several keys on one entity, a nested key, a non-resolvable reference and
 * null keys — how an entity is found again in another subgraph. Synthetic office data.
 */
import { NP, type Feature } from './feature.js';

const offices = [
  { id: 'o1', country: 'IQ', code: 'EBL', city: 'Erbil', region: { id: 'r1' } },
  { id: 'o2', country: 'NG', code: 'LOS', city: 'Lagos', region: { id: 'r2' } },
];
const byComposite = (key: { country: string; code: string }) => offices.find((o) => o.country === key.country && o.code === key.code);

export const keys: Feature = {
  name: '@key: composite, multiple, nested, non-resolvable and null keys',
  subgraphs: [
    {
      name: 'offices',
      sdl: `
        type Office @key(fields: "id") @key(fields: "country code") @key(fields: "region { id } code") {
          id: ID! ${NP}
          country: String! ${NP}
          code: String! ${NP}
          city: String! ${NP}
          region: Region! ${NP}
        }
        type Region { id: ID! ${NP} }
        type Query { offices: [Office!]! ${NP} }
      `,
      resolvers: {
        Query: { offices: () => offices },
        Office: {
          __resolveReference: (key: { id?: string; country?: string; code?: string; region?: { id: string } }) =>
            key.id ? offices.find((o) => o.id === key.id) : key.region ? offices.find((o) => o.region.id === key.region!.id && o.code === key.code) : byComposite(key as { country: string; code: string }),
        },
      },
    },
    {
      name: 'staffing',
      sdl: `
        type Office @key(fields: "country code") { country: String! ${NP} code: String! ${NP} staff: Int! ${NP} }
        type Posting { id: ID! ${NP} office: Office ${NP} contact: Contact ${NP} }
        type Contact @key(fields: "id", resolvable: false) { id: ID! ${NP} }
        type Query { postings: [Posting!]! ${NP} }
      `,
      resolvers: {
        Query: {
          postings: () => [
            { id: 'p1', office: { country: 'IQ', code: 'EBL' }, contact: { id: 'k1' } },
            { id: 'p2', office: null, contact: null },
            { id: 'p3', office: { country: 'NG', code: 'LOS' }, contact: { id: 'k2' } },
          ],
        },
        Office: { __resolveReference: (key: { country: string; code: string }) => ({ ...key, staff: key.country === 'IQ' ? 7 : 3 }) },
      },
    },
    {
      name: 'regions',
      sdl: `
        type Office @key(fields: "region { id } code") { region: Region! ${NP} code: String! ${NP} opened: Int! ${NP} }
        type Region { id: ID! ${NP} }
        type Contact @key(fields: "id") { id: ID! ${NP} desk: String! ${NP} }
      `,
      resolvers: {
        Office: { __resolveReference: (key: { region: { id: string }; code: string }) => ({ ...key, opened: key.region.id === 'r1' ? 2019 : 2021 }) },
        Contact: { __resolveReference: (key: { id: string }) => ({ id: key.id, desk: `desk-${key.id}` }) },
      },
    },
  ],
  queries: [
    { name: 'a field through a composite key', query: '{ offices { id city staff } }' },
    { name: 'a field through a nested key', query: '{ offices { code opened } }' },
    { name: 'both keys at once', query: '{ offices { staff opened } }' },
    { name: 'from a second subgraph back to the owner by composite key, null keys skipped', query: '{ postings { id office { city staff opened } } }' },
    { name: 'a non-resolvable reference resolved where its type is resolvable', query: '{ postings { contact { id desk } } }' },
  ],
};
