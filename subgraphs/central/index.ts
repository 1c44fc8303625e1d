/**
 * The central consent & audit subgraph. For now: the case index, which every cross-border query
 * starts from. Consent records, the access log and the data-subject report join it later.
 * @module subgraphs/central
 */
import type { WrappedSystem } from '../kit/index.js';
import { isCentralSeeded, migrateCentral, seedCentral } from './backend.js';
import { centralResolvers, createCentralLoaders } from './resolvers.js';
import { centralTypeDefs } from './schema.js';

export { MEMBER_STATE_SYSTEMS, EU_PROGRAMME_SYSTEM, IQ_PARTNER_SYSTEM } from './participants.js';

export const centralSystem: WrappedSystem = {
  name: 'central',
  participant: 'EU/GOV/CONTINUUM-HUB/central',
  migrate: migrateCentral,
  isSeeded: isCentralSeeded,
  seed: seedCentral,
  async open(root) {
    const db = root.scoped('central');
    return {
      module: {
        name: 'central',
        typeDefs: centralTypeDefs,
        resolvers: centralResolvers(db),
        createLoaders: () => createCentralLoaders(db),
        checkHealth: async () => {
          await db.query('SELECT 1');
        },
      },
      backendCalls: () => db.stats.statements,
      close: async () => {},
    };
  },
};
