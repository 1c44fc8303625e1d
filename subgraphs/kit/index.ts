/**
 * The subgraph kit: what makes wrapping a national or partner system small. A subgraph is a
 * `SubgraphModule` (SDL + resolvers + loaders + health) plus the mapping from its native model.
 * @module subgraphs/kit
 */
import './airgap.js';
export { enforceDecisions, fieldCategories, caseRefOf, deniedFieldError, statisticsSigned, CASE_INDEPENDENT_KEY, type LocalDecider, type FieldOutcome } from './access.js';
export { CONTEXT_EXTENSION } from '@continuum/contract';
export { startSubgraph, airGappedPlugins, type SubgraphModule, type RunningSubgraph, type KitContext, type StartOptions } from './server.js';
export { tracedRoute, requestSpanPlugin, SPAN_ATTRIBUTES } from './tracing.js';
export { releasedBatchSelect, releasedCategories, releasedSelectList, releasedSelectListByCase, ALL_RELEASED, type ReleasedCategories, type ReleasedPart } from './released.js';
export { MEMBER_STATE_SDL } from '@continuum/contract';
export { buildContinuumSubgraphSchema, subgraphSdl, subgraphDocument, type Resolvers } from './schema.js';
export {
  MappingError,
  nativeDate,
  nativeDateTime,
  codeList,
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

