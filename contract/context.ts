/**
 * The context the gateway signs into every subgraph request — who asks, for which purpose, the
 * request id and the per-case decisions — and its verification, which every subgraph runs before
 * it answers anything. Signing stays with the gateway (auth/context-token.ts); this file is what
 * both sides must agree on: the token's one header, its claims, their lifetime and the checks.
 *
 * One EdDSA (Ed25519) signature per subgraph request, audience = the subgraph's name (a token
 * captured for one subgraph is worthless at another), valid for one minute.
 *
 * Verification is stricter than a general JWT library needs to be: the header must be exactly
 * the one the gateway writes (so no algorithm, key or critical extension can be chosen by the
 * token), the signature is checked over the bytes as received before anything in the payload
 * is read, then issuer, audience and lifetime, then the claims' shapes. Each refusal has a stable
 * reason for the subgraph's log. Ed25519 runs on libuv's thread pool (the callback form of
 * crypto.verify): the event loop is what a busy subgraph runs out of first (docs/BENCHMARKS.md).
 */
import { createPublicKey, KeyObject, verify, type webcrypto } from 'node:crypto';
import type { SignedDecisions } from './decisions.js';
import { isPurpose, isRole, type Purpose, type Role } from './vocabulary.js';

export const CONTEXT_ISSUER = 'continuum-gateway';
export const CONTEXT_ALGORITHM = 'EdDSA';
export const CONTEXT_TOKEN_TYPE = 'continuum-context+jwt';
/** How long a context token is valid after it is issued. */
export const CONTEXT_TTL_SECONDS = 60;
/** Clock skew allowed between the gateway and a subgraph, both ways. */
export const CONTEXT_CLOCK_TOLERANCE_SECONDS = 5;
/** The only protected header a context token may have, as it is written (base64url of its JSON). */
export const CONTEXT_HEADER = Buffer.from(JSON.stringify({ alg: CONTEXT_ALGORITHM, typ: CONTEXT_TOKEN_TYPE })).toString('base64url');
const ED25519_SIGNATURE_BYTES = 64;

/** The verified context, as resolvers see it. */
export interface SubgraphContext {
  officialId: string;
  organisation: string;
  country: string;
  roles: Role[];
  purpose: Purpose;
  requestId: string;
  /**
   * The gateway answers per-case denials itself: the subgraph returns a denied nullable field as
   * plain null instead of building an error the gateway would discard.
   */
  quietDenials?: boolean;
  decisions?: SignedDecisions;
}

/** The token's claims as the gateway writes them (registered claims and the context's own). */
export interface ContextClaims {
  iss: typeof CONTEXT_ISSUER;
  aud: string;
  sub: string;
  iat: number;
  exp: number;
  org: string;
  country: string;
  roles: Role[];
  purpose: Purpose;
  rid: string;
  quiet?: true;
  decisions?: SignedDecisions;
}

/** The claims of `context` for one subgraph, issued at `iat` (seconds). */
export function contextClaims(audience: string, context: SubgraphContext, iat: number): ContextClaims {
  return {
    iss: CONTEXT_ISSUER,
    aud: audience,
    sub: context.officialId,
    iat,
    exp: iat + CONTEXT_TTL_SECONDS,
    org: context.organisation,
    country: context.country,
    roles: context.roles,
    purpose: context.purpose,
    rid: context.requestId,
    ...(context.quietDenials ? { quiet: true as const } : {}),
    ...(context.decisions ? { decisions: context.decisions } : {}),
  };
}

/** A stable reason a context token was refused, for the subgraph's log. */
export type ContextRefusal = 'missing' | 'malformed' | 'algorithm' | 'type' | 'header' | 'signature' | 'claims' | 'expired' | 'not-yet-valid';

/** Why a subgraph refused a context token; the message is for the caller, the reason for logs. */
export class ContextTokenError extends Error {
  readonly code = 'HUB_CONTEXT_INVALID';
  constructor(readonly reason: ContextRefusal | string) {
    super('Requests to this subgraph must come through the Continuum gateway.');
  }
}

/** A key a context can be verified with: the gateway's public key, as a KeyObject or a WebCrypto key. */
export type ContextPublicKey = KeyObject | webcrypto.CryptoKey;

/** The gateway's published public key (an Ed25519 JWK, e.g. the first of its context JWKS). */
export function contextPublicKeyFromJwk(jwk: { kty?: unknown; crv?: unknown; x?: unknown; d?: unknown }): KeyObject {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || jwk.d !== undefined) {
    throw new TypeError('The context key must be an Ed25519 public JWK (kty OKP, crv Ed25519, x, and no private part).');
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
}

/** KeyObjects (what node:crypto verifies with), made once per WebCrypto key. */
const keyObjects = new WeakMap<webcrypto.CryptoKey, KeyObject>();

export function contextKeyObject(key: ContextPublicKey): KeyObject {
  if (key instanceof KeyObject) return key;
  let object = keyObjects.get(key);
  if (!object) keyObjects.set(key, (object = KeyObject.from(key)));
  return object;
}

function verified(data: Buffer, key: KeyObject, signature: Buffer): Promise<boolean> {
  return new Promise((resolve, reject) => verify(null, data, key, signature, (error, ok) => (error ? reject(error) : resolve(ok))));
}

/** Why a header other than the gateway's was refused: the closest stable reason. */
function headerReason(encoded: string): ContextRefusal {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return 'malformed';
  }
  if (typeof header !== 'object' || header === null) return 'malformed';
  const { alg, typ } = header as { alg?: unknown; typ?: unknown };
  if (alg !== CONTEXT_ALGORITHM) return 'algorithm';
  if (typ !== CONTEXT_TOKEN_TYPE) return 'type';
  return 'header';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, min = 1): value is string => typeof value === 'string' && value.length >= min;

function isDecisions(value: unknown): value is SignedDecisions {
  if (!isObject(value) || !Array.isArray(value.sets) || !isObject(value.cases)) return false;
  for (const set of value.sets) {
    if (!isObject(set)) return false;
    for (const outcome of Object.values(set)) if (typeof outcome !== 'string') return false;
  }
  for (const at of Object.values(value.cases)) if (typeof at !== 'number' || !Number.isInteger(at) || at < 0) return false;
  return true;
}

/**
 * The context's own claims, checked by hand (the contract depends on graphql alone): each of the
 * right type and non-empty, roles and purpose from the vocabulary, decisions well formed. Null
 * when any is not.
 */
export function parseContextClaims(payload: Record<string, unknown>): SubgraphContext | null {
  const { sub, org, country, roles, purpose, rid, quiet, decisions } = payload;
  if (!isText(sub) || !isText(org) || !isText(country, 2) || !isText(rid)) return null;
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) return null;
  if (!isPurpose(purpose)) return null;
  if (quiet !== undefined && typeof quiet !== 'boolean') return null;
  if (decisions !== undefined && !isDecisions(decisions)) return null;
  return {
    officialId: sub,
    organisation: org,
    country,
    roles: [...roles],
    purpose,
    requestId: rid,
    ...(quiet ? { quietDenials: true } : {}),
    ...(decisions ? { decisions: { sets: decisions.sets, cases: decisions.cases } } : {}),
  };
}

/**
 * Verifies a context token for the subgraph `audience`: header, signature, issuer, audience,
 * lifetime, claims — in that order, refusing with a `ContextTokenError` at the first that fails.
 */
export async function verifyContext(publicKey: ContextPublicKey, audience: string, token: unknown, now?: Date): Promise<SubgraphContext> {
  if (typeof token !== 'string' || token.length === 0) throw new ContextTokenError('missing');
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  if (first <= 0 || last === first || token.indexOf('.', first + 1) !== last) throw new ContextTokenError('malformed');
  const header = token.slice(0, first);
  if (header !== CONTEXT_HEADER) throw new ContextTokenError(headerReason(header));
  const signature = Buffer.from(token.slice(last + 1), 'base64url');
  if (signature.length !== ED25519_SIGNATURE_BYTES) throw new ContextTokenError('signature');
  let valid: boolean;
  try {
    valid = await verified(Buffer.from(token.slice(0, last)), contextKeyObject(publicKey), signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new ContextTokenError('signature');

  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token.slice(first + 1, last), 'base64url').toString('utf8'));
  } catch {
    throw new ContextTokenError('malformed');
  }
  if (!isObject(payload)) throw new ContextTokenError('malformed');
  const { iss, aud, iat, exp } = payload;
  if (iss !== CONTEXT_ISSUER || aud !== audience) throw new ContextTokenError('claims');
  if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isFinite(iat) || !Number.isFinite(exp)) throw new ContextTokenError('claims');
  const nowSeconds = Math.floor((now?.getTime() ?? Date.now()) / 1000);
  if (exp <= nowSeconds - CONTEXT_CLOCK_TOLERANCE_SECONDS) throw new ContextTokenError('expired');
  if (iat > nowSeconds + CONTEXT_CLOCK_TOLERANCE_SECONDS) throw new ContextTokenError('not-yet-valid');
  const context = parseContextClaims(payload);
  if (!context) throw new ContextTokenError('claims');
  return context;
}
