/**
 * The EU Reintegration Programme (RIAT-like) as a wrapped system: a simulated SQL backend in
 * schema `eurp_riat` and the `eu-programme` subgraph that maps it to the common model.
 * @module subgraphs/eu-programme
 */
import { ORGANISATIONS } from '../kit/index.js';
import type { WrappedSystem } from '../system.js';
import { isSeeded, migrateEuProgramme, seed } from './backend.js';
import { euProgrammeSubgraph } from './subgraph.js';

export const EU_PROGRAMME_PARTICIPANT = `${ORGANISATIONS.EU_PROGRAMME}/riat`;

export const euProgrammeSystem: WrappedSystem = {
  name: 'eu-programme',
  participant: EU_PROGRAMME_PARTICIPANT,
  migrate: migrateEuProgramme,
  isSeeded,
  seed,
  async open(db) {
    const backend = db.scoped('eu-programme');
    // Health probes get their own view so `backendCalls()` counts only the queries data requests cost.
    const health = db.scoped('eu-programme:health');
    return {
      module: euProgrammeSubgraph(backend, health),
      backendCalls: () => backend.stats.statements,
      // Nothing to stop: RIAT is the shared database, which the caller owns.
      close: async () => {},
    };
  },
};

export { riatIdOf } from './backend.js';
export { mapPlan, RIAT_CATEGORY_CODES, RIAT_NEED_CODES, type ReintegrationPlan, type RiatPlanRow } from './mapping.js';
export { euProgrammeSubgraph, EU_PROGRAMME_SDL, type EuProgrammeLoaders } from './subgraph.js';
