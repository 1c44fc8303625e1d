/**
 * Token verification for many issuers: the one place the hub calls jose.
 *
 * 1. `Authorization: Bearer <jwt>` is required (`HUB_AUTH_MISSING_TOKEN`).
 * 2. The unverified `iss` (via `decodeJwt`) only selects that issuer's key set; an issuer not on
 *    the trust list is refused before any key is touched (`HUB_AUTH_UNKNOWN_ISSUER`).
 * 3. `jwtVerify` checks the signature with `issuer`, `audience`, the asymmetric `algorithms`
 *    allowlist (never `none`, never HS*: an HMAC "signed" with an issuer's public key is refused
 *    before any key is resolved), `requiredClaims`, `clockTolerance` and `currentDate` pinned.
 * 4. Continuum's claims are validated with zod, and `org`/`country` must be the issuer's own.
 * 5. Every role and purpose the token asserts must be one the trust list lets its issuer assert.
 *
 * Every jose failure is mapped to a hub code in {@link toAuthError}; nothing else leaks.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { z } from 'zod';
import { PURPOSES } from '../contract/index.js';
import type { Caller } from './Caller.js';
import { AuthError } from './errors.js';
import { ROLES } from './roles.js';
import { loadJwksFile, type TrustedIssuer, type TrustList } from './trust.js';

/** Asymmetric signature algorithms only. `none` and the HMAC family are never accepted. */
export const ACCEPTED_ALGORITHMS = Object.freeze(['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] as const);

/** Registered claims every token must carry (besides `iss` and `aud`, which are pinned). */
const REQUIRED_CLAIMS = ['exp', 'iat', 'sub'];

/** Longer than any plausible token from an IdP; refused before any parsing. */
const MAX_TOKEN_LENGTH = 8192;

export interface RemoteJwksOptions {
  /** Abort a JWKS fetch after this many milliseconds. @default 5000 */
  timeoutDuration?: number;
  /** After a fetch, an unknown `kid` triggers a refetch only once this many milliseconds passed. @default 30000 */
  cooldownDuration?: number;
  /** Refetch the key set when it is older than this many milliseconds. @default 600000 */
  cacheMaxAge?: number;
}

export interface TokenVerifierOptions {
  /** The hub's clock; injected in tests. @default () => new Date() */
  currentDate?: () => Date;
  /** Tuning of key sets fetched from a `jwks.url`. */
  remoteJwks?: RemoteJwksOptions;
  /** How many verified tokens to remember. 0 disables the cache. @default 1000 */
  cacheSize?: number;
  /**
   * How long a verified token is remembered at most, in seconds, even if it expires later. Bounds
   * how long a key removed from an issuer's JWKS (a revoked key) keeps working. @default 300
   */
  cacheSeconds?: number;
}

export interface TokenVerifier {
  /**
   * Verifies the `Authorization` header of a request and returns the caller it proves.
   *
   * @throws AuthError with a `HUB_AUTH_*` code for any token the hub does not accept.
   */
  verify(authorizationHeader: string | undefined): Promise<Caller>;
}

const ContinuumClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  org: z.string().min(1),
  country: z.string().min(1),
  roles: z.array(z.enum(ROLES)).min(1),
  purposes: z.array(z.enum(PURPOSES)).min(1),
  iat: z.number(),
  exp: z.number(),
  nbf: z.number().optional(),
});

/** Thrown by a remote key set that could not be fetched: the IdP's problem, not the caller's. */
class KeySetUnavailable extends Error {
  override name = 'KeySetUnavailable';
}

interface CachedCaller {
  caller: Caller;
  /** The cache entry is used only while now (seconds) is in [notBefore, notAfter). */
  notBefore: number;
  notAfter: number;
}

function keySetFor(entry: TrustedIssuer, remote: RemoteJwksOptions): JWTVerifyGetKey {
  const source = entry.jwks;
  if ('keys' in source) return createLocalJWKSet({ keys: source.keys });
  if ('file' in source) return createLocalJWKSet(loadJwksFile(source.file));
  const fetched = createRemoteJWKSet(new URL(source.url), {
    timeoutDuration: remote.timeoutDuration ?? 5_000,
    cooldownDuration: remote.cooldownDuration ?? 30_000,
    cacheMaxAge: remote.cacheMaxAge ?? 600_000,
  });
  return async (protectedHeader, token) => {
    try {
      return await fetched(protectedHeader, token);
    } catch (error) {
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys || error instanceof joseErrors.JOSENotSupported) {
        throw error;
      }
      throw new KeySetUnavailable('JWKS fetch failed', { cause: error });
    }
  };
}

/**
 * Maps any failure of `jwtVerify` (and of the key set it calls) to a hub error. The one switch
 * over jose's codes; anything it does not recognise is reported as a malformed token.
 */
export function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof KeySetUnavailable) return new AuthError('HUB_AUTH_KEYS_UNAVAILABLE', { cause: error });
  if (!(error instanceof joseErrors.JOSEError)) return new AuthError('HUB_AUTH_MALFORMED_TOKEN', { cause: error });
  const jose = error as joseErrors.AnyJOSEError;
  switch (jose.code) {
    case 'ERR_JWT_EXPIRED':
      return new AuthError('HUB_AUTH_TOKEN_EXPIRED', { cause: error });
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (jose.claim === 'aud') return new AuthError('HUB_AUTH_WRONG_AUDIENCE', { cause: error });
      if (jose.claim === 'iss') return new AuthError('HUB_AUTH_UNKNOWN_ISSUER', { cause: error });
      if ((jose.claim === 'nbf' || jose.claim === 'iat') && jose.reason === 'check_failed') {
        return new AuthError('HUB_AUTH_TOKEN_NOT_YET_VALID', { cause: error });
      }
      return new AuthError('HUB_AUTH_INVALID_CLAIMS', { cause: error });
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new AuthError('HUB_AUTH_BAD_SIGNATURE', { cause: error });
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new AuthError('HUB_AUTH_UNKNOWN_KEY', { cause: error });
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new AuthError('HUB_AUTH_ALGORITHM_REFUSED', { cause: error });
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JWK_INVALID':
      return new AuthError('HUB_AUTH_KEYS_UNAVAILABLE', { cause: error });
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    default:
      return new AuthError('HUB_AUTH_MALFORMED_TOKEN', { cause: error });
  }
}

/** `Bearer <token>` (scheme case-insensitive, RFC 7235) → the token, or undefined. */
function bearerToken(header: string | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1];
}

/**
 * `jwtVerify` against a key set; when the token has no `kid` and several keys could match, tries
 * each (jose's documented pattern for `ERR_JWKS_MULTIPLE_MATCHING_KEYS`).
 */
async function verifyWithKeySet(token: string, keySet: JWTVerifyGetKey, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, keySet, options)).payload;
  } catch (error) {
    if (!(error instanceof joseErrors.JWKSMultipleMatchingKeys)) throw error;
    for await (const key of error) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (inner) {
        if (inner instanceof joseErrors.JWSSignatureVerificationFailed) continue;
        throw inner;
      }
    }
    throw new joseErrors.JWSSignatureVerificationFailed();
  }
}

/**
 * Creates the hub's token verifier for a trust list. Key sets are built once here: `keys` and
 * `file` sources become local key sets (a bad file throws now, not on the first request); `url`
 * sources are fetched on first use and cached by jose, which refetches on an unknown `kid` at
 * most once per `cooldownDuration`.
 *
 * @example
 * ```ts
 * const verifier = createTokenVerifier(loadTrustList('config/trust.json'));
 * const caller = await verifier.verify(request.headers.authorization);
 * // { issuer, officialId, organisation: 'EU/GOV/BE-RETURN', country: 'BE', roles, purposes }
 * ```
 */
export function createTokenVerifier(trust: TrustList, options: TokenVerifierOptions = {}): TokenVerifier {
  const currentDate = options.currentDate ?? (() => new Date());
  const cacheSize = options.cacheSize ?? 1000;
  const cacheSeconds = options.cacheSeconds ?? 300;
  const tolerance = trust.clockToleranceSeconds;
  const issuers = new Map<string, { entry: TrustedIssuer; keySet: JWTVerifyGetKey; roles: ReadonlySet<string>; purposes: ReadonlySet<string> }>();
  for (const entry of trust.issuers) {
    issuers.set(entry.issuer, { entry, keySet: keySetFor(entry, options.remoteJwks ?? {}), roles: new Set(entry.roles), purposes: new Set(entry.purposes) });
  }

  /*
   * Verified tokens, keyed by the whole compact token. Safe because the key is the exact bytes that
   * were verified: header, payload and signature. Any change to any of them is a different key and
   * gets the full check; the trust list cannot change under a verifier. What the cache would skip
   * is only the work whose answer cannot differ — except time, so `exp`/`nbf` are re-checked
   * against `currentDate` on every hit with the same tolerance jose applies, and an entry lives at
   * most `cacheSeconds`, which bounds how long a key revoked at the issuer still works. Only
   * successes are cached. Bounded: least recently used entries go first.
   */
  const cache = new Map<string, CachedCaller>();

  function fromCache(token: string, now: number): Caller | undefined {
    const hit = cache.get(token);
    if (!hit) return undefined;
    cache.delete(token);
    if (now < hit.notBefore || now >= hit.notAfter) return undefined;
    cache.set(token, hit);
    return { ...hit.caller, roles: [...hit.caller.roles], purposes: [...hit.caller.purposes] };
  }

  function remember(token: string, caller: Caller, now: number, claims: { exp: number; nbf?: number | undefined }): void {
    if (cacheSize === 0) return;
    if (cache.size >= cacheSize) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(token, {
      caller: { ...caller, roles: [...caller.roles], purposes: [...caller.purposes] },
      notBefore: claims.nbf === undefined ? -Infinity : claims.nbf - tolerance,
      notAfter: Math.min(claims.exp + tolerance, now + cacheSeconds),
    });
  }

  async function verify(authorizationHeader: string | undefined): Promise<Caller> {
    const token = bearerToken(authorizationHeader);
    if (token === undefined) throw new AuthError('HUB_AUTH_MISSING_TOKEN');
    if (token.length > MAX_TOKEN_LENGTH) throw new AuthError('HUB_AUTH_MALFORMED_TOKEN');

    const date = currentDate();
    const now = Math.floor(date.getTime() / 1000);
    const cached = fromCache(token, now);
    if (cached) return cached;

    // Unverified reads: only to choose the key set and to refuse early. jose re-checks both.
    let unverifiedIssuer: unknown;
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
      unverifiedIssuer = decodeJwt(token).iss;
    } catch (error) {
      throw new AuthError('HUB_AUTH_MALFORMED_TOKEN', { cause: error });
    }
    const trusted = typeof unverifiedIssuer === 'string' ? issuers.get(unverifiedIssuer) : undefined;
    if (!trusted) throw new AuthError('HUB_AUTH_UNKNOWN_ISSUER');
    if (!(ACCEPTED_ALGORITHMS as readonly unknown[]).includes(alg)) throw new AuthError('HUB_AUTH_ALGORITHM_REFUSED');

    let payload: JWTPayload;
    try {
      payload = await verifyWithKeySet(token, trusted.keySet, {
        issuer: trusted.entry.issuer,
        audience: trust.audience,
        algorithms: [...ACCEPTED_ALGORITHMS],
        requiredClaims: REQUIRED_CLAIMS,
        clockTolerance: tolerance,
        currentDate: date,
      });
    } catch (error) {
      throw toAuthError(error);
    }

    const parsed = ContinuumClaimsSchema.safeParse(payload);
    if (!parsed.success) throw new AuthError('HUB_AUTH_INVALID_CLAIMS', { cause: parsed.error });
    const claims = parsed.data;
    // An issuer vouches only for its own organisation and country.
    if (claims.org !== trusted.entry.organisation || claims.country !== trusted.entry.country) {
      throw new AuthError('HUB_AUTH_ORGANISATION_MISMATCH');
    }
    // …and only for the roles and purposes the trust list gives it (auth/trust.ts).
    if (!claims.roles.every((role) => trusted.roles.has(role))) throw new AuthError('HUB_AUTH_ROLE_NOT_VOUCHED');
    if (!claims.purposes.every((purpose) => trusted.purposes.has(purpose))) throw new AuthError('HUB_AUTH_PURPOSE_NOT_VOUCHED');
    // jose checks `iat` for the future only with maxTokenAge; a token issued later than now is not yet valid.
    if (claims.iat > now + tolerance) throw new AuthError('HUB_AUTH_TOKEN_NOT_YET_VALID');

    const caller: Caller = {
      issuer: trusted.entry.issuer,
      officialId: claims.sub,
      organisation: trusted.entry.organisation,
      country: trusted.entry.country,
      roles: [...new Set(claims.roles)],
      purposes: [...new Set(claims.purposes)],
    };
    remember(token, caller, now, claims);
    return caller;
  }

  return { verify };
}
