/**
 * Nigeria's national referral mechanism (NRM) as a wrapped system: a simulated SQL backend in
 * schema `ng_nrm` and the `ng-referrals` subgraph that maps it to the common model. Not part of
 * the hub's static start-up set: the partner runs it as its own process (./main.ts) and
 * registers it through the hub's registry at run time. SYNTHETIC DATA ONLY.
 * @module subgraphs/ng-referrals
 */
export { ngReferralsSystem, type CountingDatabase } from './system.js';
export { openNrmDatabase, type NrmDatabase, type OpenNrmDatabase } from './database.js';
export { migrateNgReferrals, isSeeded, seed, selectReferrals, nrmDate } from './backend.js';
export { mapReferral, mapReferrals, slipDay, NRM_SERVICE_CODES, NRM_STATUS_CODES, type NrmReferralRow, type Referral } from './mapping.js';
export { ngReferralsSubgraph, NG_REFERRALS_PARTICIPANT, NG_REFERRALS_NAME, NG_REFERRALS_SDL, NG_REFERRALS_FULL_SDL, NG_REFERRALS_SCHEMA_FILE, type NgReferralsLoaders } from './subgraph.js';
export {
  syntheticNrmFile,
  isNrmCase,
  PUBLIC_SERVICES,
  STATE_OFFICES,
  type PublicService,
  type ReferralStatus,
  type StateOffice,
  type SyntheticNrmFile,
  type SyntheticReferral,
} from './synthetic.js';
export {
  loadStandaloneConfig,
  fetchContextKey,
  prepareNgReferrals,
  startNgReferrals,
  StandaloneConfigSchema,
  StandaloneStartError,
  DEFAULT_CONTEXT_JWKS_URL,
  type StandaloneConfig,
  type RunningNgReferrals,
} from './standalone.js';
