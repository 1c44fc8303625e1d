/**
 * The central consent & audit subgraph: the case index every cross-border query starts from,
 * the data subject's consents, the transfer bases Member States record (transfer-bases.ts), and
 * the auditor API over the access log with the data subject's access report (audit-schema.ts,
 * audit-resolvers.ts).
 * @module subgraphs/central
 */
import type { WrappedSystem } from '../system.js';
import { isCentralSeeded, migrateCentral, seedCentral } from './backend.js';
import { auditResolvers } from './audit-resolvers.js';
import { auditTypeDefs } from './audit-schema.js';
import { centralResolvers, createCentralLoaders, localDecider } from './resolvers.js';
import { centralTypeDefs } from './schema.js';
import { statisticsResolvers, statisticsTypeDefs } from './statistics.js';
import { transferBasisResolvers } from './transfer-bases.js';

export { MEMBER_STATE_SYSTEMS, EU_PROGRAMME_SYSTEM, IQ_PARTNER_SYSTEM } from './participants.js';

export const centralSystem: WrappedSystem = {
  name: 'central',
  participant: 'EU/GOV/CONTINUUM-HUB/central',
  migrate: migrateCentral,
  isSeeded: isCentralSeeded,
  seed: seedCentral,
  async open(root, options = {}) {
    // The policy is the caller's (the hub's one document, which the gateway enforces too): central
    // never reads its own copy from disk.
    const policy = options.policy;
    if (!policy) throw new TypeError('The central subgraph decides by the hub\'s policy: open it with options.policy.');
    const db = root.scoped('central');
    const cases = centralResolvers(db, policy);
    const audit = auditResolvers(db, { publicJwk: options.auditPublicJwk });
    const transfers = transferBasisResolvers(db, policy);
    const statistics = statisticsResolvers(db);
    return {
      module: {
        name: 'central',
        typeDefs: `${centralTypeDefs}\n${auditTypeDefs}\n${statisticsTypeDefs}`,
        resolvers: { ...cases, ...audit, Query: { ...cases.Query, ...audit.Query, ...transfers.Query, ...statistics.Query }, Mutation: { ...cases.Mutation, ...transfers.Mutation } },
        createLoaders: (caller) => createCentralLoaders(db, caller.organisation),
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
