/**
 * Case facts: what field decisions need to know about cases, read from the hub's case index. The
 * gateway and the central subgraph both read them through this module (docs/ARCHITECTURE.md).
 * @module facts
 */
export {
  createCaseFactsLoader,
  factsColumns,
  factsOf,
  organisationOf,
  EU_PROGRAMME_SYSTEM,
  TRANSFER_BASIS_IN_FORCE,
  type CaseFactsWithConsents,
  type FactsRow,
} from './caseFacts.js';
export { FactsCache, FACTS_CHANNEL, type FactsCacheObserver, type FactsCacheOptions, type InvalidationScope } from './cache.js';
