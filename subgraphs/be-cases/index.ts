/**
 * Belgium's case system wrapped as the `be-cases` subgraph (participant EU/GOV/BE-RETURN/cases).
 * The backend is simulated in SQL schema `be_dossiers` with a French native model.
 * @module subgraphs/be-cases
 */
import type { WrappedSystem } from '../system.js';
import { COMPONENT, isSeeded, migrateBackend, seed } from './backend.js';
import { beCasesModule, SUBGRAPH_NAME } from './subgraph.js';

export const beCasesSystem: WrappedSystem = {
  name: SUBGRAPH_NAME,
  participant: 'EU/GOV/BE-RETURN/cases',
  migrate: migrateBackend,
  isSeeded,
  seed,
  async open(db) {
    // A scoped view counts only this system's statements, so callers can prove batching.
    const scoped = db.scoped(COMPONENT);
    return {
      module: beCasesModule(scoped),
      backendCalls: () => scoped.stats.statements,
      close: async () => {},
    };
  },
};

export { beCasesModule } from './subgraph.js';
