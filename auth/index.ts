/**
 * Identity for the hub: who is calling, proven by a token from a trusted issuer.
 *
 * - {@link createTokenVerifier} verifies `Authorization: Bearer <jwt>` against the trust list
 *   (many issuers, each with its own JWKS) and returns a {@link Caller}, or throws an
 *   {@link AuthError} whose `code` is one of {@link AUTH_ERRORS}.
 * - {@link loadTrustList} / {@link parseTrustList} read the trust list; misconfiguration throws a
 *   `TypeError` at start-up, never an `AuthError`.
 * - `dev-identities` (DEVELOPMENT ONLY) makes demo issuers, keys and personas for the embedded
 *   default and for tests.
 *
 * Policy and field decisions live beside this (auth/policy, auth/decide) and take a `Caller`.
 *
 * @example
 * ```ts
 * import { createTokenVerifier, loadTrustList, AuthError } from '../auth/index.js';
 *
 * const verifier = createTokenVerifier(loadTrustList('config/trust.json'));
 * try {
 *   const caller = await verifier.verify(request.headers.authorization);
 * } catch (error) {
 *   if (error instanceof AuthError) reply.code(error.httpStatus).send({ code: error.code, message: error.message });
 * }
 * ```
 *
 * @module
 */
export { ROLES, isRole, type Role } from './roles.js';
export type { Caller } from './Caller.js';
export { AUTH_ERRORS, AuthError, isAuthError, type AuthErrorCode, type AuthErrorDefinition } from './errors.js';
export {
  loadJwksFile,
  loadTrustList,
  OVERSIGHT_PURPOSES,
  OVERSIGHT_ROLES,
  parseTrustList,
  TrustListSchema,
  type JwksSource,
  type ParseTrustListOptions,
  type TrustedIssuer,
  type TrustList,
  type TrustListInput,
} from './trust.js';
export {
  ACCEPTED_ALGORITHMS,
  createTokenVerifier,
  toAuthError,
  type RemoteJwksOptions,
  type TokenVerifier,
  type TokenVerifierOptions,
} from './verify.js';
export {
  createDevIdentities,
  DEFAULT_DEV_AUDIENCE,
  DEFAULT_DEV_IDENTITIES_DIR,
  devIssuerUrl,
  ensureDevIdentities,
  isPersonaName,
  issueDevToken,
  PERSONA_NAMES,
  PERSONAS,
  type DevIdentities,
  type DevIssuer,
  type IssueDevTokenOptions,
  type PersonaDefinition,
  type PersonaName,
} from './dev-identities.js';
