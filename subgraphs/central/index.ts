/**
 * The central consent & audit subgraph: the case index every cross-border query starts from,
 * the data subject's consents, and the recorded transfer bases. The access log and the
 * data-subject report join it later.
 * @module subgraphs/central
 */
import { loadPolicy } from '../../auth/policy.js';
import type { WrappedSystem } from '../kit/index.js';
import { isCentralSeeded, migrateCentral, seedCentral } from './backend.js';
import { centralResolvers, createCentralLoaders, localDecider } from './resolvers.js';
import { centralTypeDefs } from './schema.js';

export { MEMBER_STATE_SYSTEMS, EU_PROGRAMME_SYSTEM, IQ_PARTNER_SYSTEM } from './participants.js';
export { createCaseFactsLoader, loadTransferBases, organisationOf, type CaseFactsWithConsents } from './facts.js';

export const centralSystem: WrappedSystem = {
  name: 'central',
  participant: 'EU/GOV/CONTINUUM-HUB/central',
  migrate: migrateCentral,
  isSeeded: isCentralSeeded,
  seed: seedCentral,
  async open(root) {
    const db = root.scoped('central');
    const policy = loadPolicy();
    return {
      module: {
        name: 'central',
        typeDefs: centralTypeDefs,
        resolvers: centralResolvers(db, policy),
        createLoaders: () => createCentralLoaders(db),
        checkHealth: async () => {
          await db.query('SELECT 1');
        },
        localDecider: localDecider(policy),
      },
      backendCalls: () => db.stats.statements,
      close: async () => {},
    };
  },
};
