/**
 * @shareable and @inaccessible: root fields and value types several subgraphs can answer, and
 * parts of the schema composed but hidden from clients. One subgraph marks its currency code
 * list as reference data once, on the type (schema/referenceData.ts); the other field by field.
 */
import { NP, type Feature } from './feature.js';

const currency = { code: 'EUR', name: 'Euro', minorUnits: 2 };

export const sharing: Feature = {
  name: '@shareable and @inaccessible',
  subgraphs: [
    {
      name: 'rates',
      sdl: `
        type Currency @shareable ${NP} { code: String! name: String! }
        type Query {
          currency: Currency @shareable ${NP}
          ratesVersion: Int! @shareable ${NP}
          internalBatch: Int @inaccessible ${NP}
        }
      `,
      resolvers: { Query: { currency: () => currency, ratesVersion: () => 3, internalBatch: () => 99 } },
    },
    {
      name: 'budgets',
      sdl: `
        type Currency @shareable { code: String! ${NP} name: String! ${NP} minorUnits: Int! ${NP} secret: String @inaccessible ${NP} }
        type Budget { id: ID! ${NP} total: Int! ${NP} currency: Currency! ${NP} }
        type Query { currency: Currency @shareable ${NP} ratesVersion: Int! @shareable ${NP} budgets: [Budget!]! ${NP} }
      `,
      resolvers: {
        Query: { currency: () => currency, ratesVersion: () => 3, budgets: () => [{ id: 'b1', total: 1500, currency }] },
        Currency: { secret: () => 'never shown' },
      },
    },
  ],
  queries: [
    { name: 'a shareable root field', query: '{ currency { code name } ratesVersion }' },
    { name: 'a field only one of the sharing subgraphs has', query: '{ currency { code minorUnits } }' },
    { name: 'a shareable type under another root', query: '{ budgets { total currency { code name minorUnits } } }' },
    { name: 'an inaccessible root field is not in the schema', query: '{ internalBatch }' },
    { name: 'an inaccessible field is not in the schema', query: '{ currency { secret } }' },
  ],
};
