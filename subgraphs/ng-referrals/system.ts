/**
 * The NRM as the hub's tests and benchmarks bring it up in-process, on the hub's store: the shape
 * of the hub's `WrappedSystem` (subgraphs/system.ts), written without importing it, since this
 * folder depends on the kit and the contract only. The store's counting views tell how many
 * statements a request cost the NRM.
 */
import { isSeeded, migrateNgReferrals, seed } from './backend.js';
import type { NrmDatabase } from './database.js';
import { NG_REFERRALS_NAME, NG_REFERRALS_PARTICIPANT, ngReferralsSubgraph } from './subgraph.js';

/** A database that counts its statements per view (the hub's store is one). */
export interface CountingDatabase extends NrmDatabase {
  scoped(label: string): CountingDatabase;
  readonly stats: { statements: number };
}

export { NG_REFERRALS_PARTICIPANT };

export const ngReferralsSystem = {
  name: NG_REFERRALS_NAME,
  participant: NG_REFERRALS_PARTICIPANT,
  migrate: migrateNgReferrals,
  isSeeded,
  seed,
  async open(db: CountingDatabase, _options?: object) {
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
