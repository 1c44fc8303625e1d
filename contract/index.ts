/**
 * The Continuum contract: what the hub and every subgraph must agree on, with no dependency but
 * graphql — the vocabulary (data categories, purposes, roles, common scalars and their
 * validation), the one reader of `@personalData`, the signed context's claims and their
 * verification, the decision codec and the protocol's names. The gateway, the registry, the lint
 * and the subgraph kit import it; a partner's own implementation can read it as the reference.
 * @module contract
 */
export {
  COMMON_SDL,
  MEMBER_STATE_SDL,
  GDPR_SPEC_URL,
  FEDERATION_SPEC_URL,
  PERSONAL_DATA_DIRECTIVE,
  SUBGRAPH_LINK_HEADER,
  DATA_CATEGORIES,
  SPECIAL_CATEGORIES,
  PURPOSES,
  ROLES,
  CONTINUUM_STATUSES,
  RETURN_TYPES,
  isDataCategory,
  isPurpose,
  isRole,
  type DataCategory,
  type Purpose,
  type Role,
  type ContinuumStatus,
  type ReturnType,
} from './vocabulary.js';
export {
  CASE_REF_PATTERN,
  COUNTRY_CODES,
  isCaseRef,
  isCountryCode,
  isIsoDate,
  isIsoDateTime,
  caseRefIn,
  CaseRefScalar,
  CountryCodeScalar,
  DateScalar,
  DateTimeScalar,
  scalarResolvers,
} from './scalars.js';
export { personalDataOf, declaredCategoryOf, declaredCategories, fieldCategories, isCategorisedDefinition, type PersonalDataDeclaration } from './personalData.js';
export { expandReferenceData, typeLevelCategory } from './referenceData.js';
export {
  CONTEXT_ISSUER,
  CONTEXT_ALGORITHM,
  CONTEXT_TOKEN_TYPE,
  CONTEXT_TTL_SECONDS,
  CONTEXT_CLOCK_TOLERANCE_SECONDS,
  CONTEXT_HEADER,
  ContextTokenError,
  contextClaims,
  contextKeyObject,
  contextPublicKeyFromJwk,
  parseContextClaims,
  verifyContext,
  type ContextClaims,
  type ContextPublicKey,
  type ContextRefusal,
  type SubgraphContext,
} from './context.js';
export { FAULT_CODES, SCANNED_ERROR_BODY, spanCodeOf, spanCodesOfBody, spanFault } from './spans.js';
export { RELEASED, DECISION_MISSING, encodeOutcome, decodeOutcome, signedOutcome, encodeDecisions, type EncodedDecision, type FieldOutcome, type SignedDecisions } from './decisions.js';
export {
  CONTEXT_EXTENSION,
  REQUEST_ID_HEADER,
  REQUEST_ID_PATTERN,
  TRACEPARENT_HEADER,
  CONTEXT_JWKS_PATH,
  DENIAL_CODES,
  isDenialCode,
  SPAN_ATTRIBUTES,
  type DenialCode,
  CASE_INDEPENDENT_KEY,
} from './constants.js';
