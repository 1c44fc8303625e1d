/**
 * Germany's case system wrapped as the `de-cases` subgraph (participant EU/GOV/DE-RETURN/cases).
 * The backend is simulated in SQL schema `de_akten` with a German native model.
 * @module subgraphs/de-cases
 */
import type { WrappedSystem } from '../system.js';
import { COMPONENT, isSeeded, migrateBackend, seed } from './backend.js';
import { deCasesModule, SUBGRAPH_NAME } from './subgraph.js';

export const deCasesSystem: WrappedSystem = {
  name: SUBGRAPH_NAME,
  participant: 'EU/GOV/DE-RETURN/cases',
  migrate: migrateBackend,
  isSeeded,
  seed,
  async open(db) {
    // A scoped view counts only this system's statements, so callers can prove batching.
    const scoped = db.scoped(COMPONENT);
    return {
      module: deCasesModule(scoped),
      backendCalls: () => scoped.stats.statements,
      close: async () => {},
    };
  },
};

export { deCasesModule } from './subgraph.js';
