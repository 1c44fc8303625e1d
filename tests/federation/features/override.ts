/** @override: a field moved from one subgraph to another is answered by the new owner only. */
import { NP, type Feature } from './feature.js';

export const override: Feature = {
  name: '@override',
  subgraphs: [
    {
      name: 'legacy',
      sdl: `
        type Service @key(fields: "id") { id: ID! ${NP} label: String! ${NP} hours: String! ${NP} }
        type Query { services: [Service!]! ${NP} }
      `,
      resolvers: {
        Query: { services: () => [{ id: 's1', label: 'legacy label', hours: 'legacy hours' }, { id: 's2', label: 'legacy label', hours: 'legacy hours' }] },
        Service: { __resolveReference: (k: { id: string }) => ({ id: k.id, label: 'legacy label', hours: 'legacy hours' }) },
      },
    },
    {
      name: 'current',
      sdl: `
        type Service @key(fields: "id") { id: ID! ${NP} hours: String! @override(from: "legacy") ${NP} }
      `,
      resolvers: { Service: { __resolveReference: (k: { id: string }) => ({ id: k.id, hours: `09:00-17:00 (${k.id})` }) } },
    },
  ],
  queries: [
    { name: 'the overridden field from the new owner', query: '{ services { id hours } }' },
    { name: 'with a field the old owner keeps', query: '{ services { label hours } }' },
  ],
};
