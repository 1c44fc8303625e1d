/**
 * The subgraph kit: what makes wrapping a national or partner system small. A subgraph is a
 * `SubgraphModule` (SDL + resolvers + loaders + health) plus the mapping from its native model.
 * @module subgraphs/kit
 */
export { enforceDecisions, fieldCategories, caseRefOf, deniedFieldError, statisticsSigned, CASE_INDEPENDENT_KEY, type LocalDecider, type FieldOutcome } from './access.js';
export { startSubgraph, airGappedPlugins, CONTEXT_EXTENSION, type SubgraphModule, type RunningSubgraph, type KitContext, type StartOptions } from './server.js';
export { tracedRoute, requestSpanPlugin, SPAN_ATTRIBUTES } from './tracing.js';
export { MEMBER_STATE_SDL } from '../../schema/vocabulary.js';
export { buildContinuumSubgraphSchema, subgraphSdl, subgraphDocument, type Resolvers } from './schema.js';
export {
  MappingError,
  nativeDate,
  nativeDateTime,
  codeList,
  countryFromAlpha3,
  countryFromName,
  countryName,
  byKeys,
  groupByKeys,
  type NativeDateFormat,
} from './mapping.js';
export {
  synthetic,
  syntheticCase,
  syntheticCases,
  syntheticConsents,
  syntheticTransferBases,
  ORGANISATIONS,
  SYNTHETIC_ORGANISATIONS,
  type SyntheticCase,
  type SyntheticConsent,
} from './synthetic.js';
export type { WrappedSystem, OpenedSystem } from './system.js';
