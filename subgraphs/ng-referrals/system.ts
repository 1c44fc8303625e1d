/**
 * The NRM as a `WrappedSystem`: how the tests, the benchmarks and the standalone runner bring it up.
 */
import { ORGANISATIONS } from '../kit/index.js';
import type { WrappedSystem } from '../system.js';
import { isSeeded, migrateNgReferrals, seed } from './backend.js';
import { NG_REFERRALS_NAME, ngReferralsSubgraph } from './subgraph.js';

export const NG_REFERRALS_PARTICIPANT = `${ORGANISATIONS.NG_AUTHORITY}/referrals`;

export const ngReferralsSystem: WrappedSystem = {
  name: NG_REFERRALS_NAME,
  participant: NG_REFERRALS_PARTICIPANT,
  migrate: migrateNgReferrals,
  isSeeded,
  seed,
  async open(db) {
    const backend = db.scoped('ng-referrals');
    // Health probes get their own view so `backendCalls()` counts only the queries data requests cost.
    const health = db.scoped('ng-referrals:health');
    return {
      module: ngReferralsSubgraph(backend, health),
      backendCalls: () => backend.stats.statements,
      // Nothing to stop: the NRM database is owned by the caller.
      close: async () => {},
    };
  },
};
