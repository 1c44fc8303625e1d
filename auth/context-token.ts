/**
 * The context the gateway signs into every subgraph request: who asks, for which purpose, the
 * request id, and the per-case decisions the gateway took. Every subgraph (through the kit)
 * refuses a request without a valid one, so a national system only ever answers the gateway,
 * and enforces the decisions itself, so a denied field never leaves it.
 *
 * One EdDSA signature per subgraph request, audience = the subgraph's name (a token captured for
 * one subgraph is worthless at another), valid for one minute.
 *
 * Keys are made, stored and published as JWKs with jose. Signing and verifying, which happen on
 * every subgraph request, go through fast-jwt: it calls Node's synchronous Ed25519 sign and
 * verify, where jose goes through WebCrypto, whose per-call job and promise machinery cost more
 * than the signature itself (≈ 0.52 ms against ≈ 0.29 ms per token, sign plus verify,
 * docs/BENCHMARKS.md). The algorithm, issuer, audience, type and required claims are pinned on
 * both sides, and the claims are still checked with zod.
 */
import { KeyObject } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';
import { PURPOSES } from '../schema/vocabulary.js';
import { ROLES } from './roles.js';

export const CONTEXT_ISSUER = 'continuum-gateway';
const ALGORITHM = 'EdDSA';
const TOKEN_TYPE = 'continuum-context+jwt';
const TTL_SECONDS = 60;
const CLOCK_TOLERANCE_MS = 5_000;

/** A category's outcome for one case: `R` released, else `<CODE> <rule>`. */
export type EncodedDecision = string;

/** Decisions per case, deduplicated: most cases of one request share the same outcome vector. */
export interface SignedDecisions {
  sets: Record<string, EncodedDecision>[];
  cases: Record<string, number>;
}

const ContextClaims = z.object({
  sub: z.string().min(1),
  org: z.string().min(1),
  country: z.string().min(2),
  roles: z.array(z.enum(ROLES)).min(1),
  purpose: z.enum(PURPOSES),
  rid: z.string().min(1),
  quiet: z.boolean().optional(),
  decisions: z
    .object({
      sets: z.array(z.record(z.string(), z.string())),
      cases: z.record(z.string(), z.number().int().nonnegative()),
    })
    .optional(),
});

export interface SubgraphContext {
  officialId: string;
  organisation: string;
  country: string;
  roles: z.infer<typeof ContextClaims>['roles'];
  purpose: z.infer<typeof ContextClaims>['purpose'];
  requestId: string;
  /**
   * The gateway answers per-case denials itself: the subgraph returns a denied nullable field as
   * plain null instead of building an error the gateway would discard.
   */
  quietDenials?: boolean;
  decisions?: SignedDecisions;
}

export interface ContextKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** A fresh gateway signing key pair (the embedded default makes one per start). */
export async function generateContextKeys(): Promise<ContextKeys> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { crv: 'Ed25519', extractable: true });
  return { privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), alg: ALGORITHM, use: 'sig' } };
}

export async function importContextPublicKey(jwk: JWK): Promise<CryptoKey> {
  return (await importJWK({ ...jwk, alg: ALGORITHM }, ALGORITHM)) as CryptoKey;
}

type Signer = (payload: Record<string, unknown>) => string;
type Verifier = (token: string) => Record<string, unknown>;

const pemOf = (key: CryptoKey, type: 'pkcs8' | 'spki') => KeyObject.from(key).export({ type, format: 'pem' }).toString();

/** One signer per private key: fast-jwt prepares the key once. */
const signers = new WeakMap<CryptoKey, Signer>();
/** One verifier per public key and audience (the subgraph's name). */
const verifiers = new WeakMap<CryptoKey, Map<string, Verifier>>();

function signerOptions(privateKey: CryptoKey) {
  return { key: pemOf(privateKey, 'pkcs8'), algorithm: ALGORITHM, header: { alg: ALGORITHM, typ: TOKEN_TYPE }, iss: CONTEXT_ISSUER, expiresIn: TTL_SECONDS * 1000 } as const;
}

/** The signer sets iss, iat and exp itself; `now` gives tokens from another time (tests). */
function signerFor(privateKey: CryptoKey, now: number | undefined): Signer {
  if (now !== undefined) return createSigner({ ...signerOptions(privateKey), clockTimestamp: now }) as Signer;
  let signer = signers.get(privateKey);
  if (!signer) signers.set(privateKey, (signer = createSigner(signerOptions(privateKey)) as Signer));
  return signer;
}

function verifierOptions(publicKey: CryptoKey, audience: string) {
  return {
    key: pemOf(publicKey, 'spki'),
    algorithms: [ALGORITHM] as ['EdDSA'],
    allowedIss: CONTEXT_ISSUER,
    allowedAud: audience,
    checkTyp: TOKEN_TYPE,
    // fast-jwt checks iss and aud only when present: requiring them makes them mandatory.
    requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
    clockTolerance: CLOCK_TOLERANCE_MS,
  };
}

function verifierFor(publicKey: CryptoKey, audience: string, now: Date | undefined): Verifier {
  if (now) return createVerifier({ ...verifierOptions(publicKey, audience), clockTimestamp: now.getTime() }) as Verifier;
  let byAudience = verifiers.get(publicKey);
  if (!byAudience) verifiers.set(publicKey, (byAudience = new Map()));
  let verifier = byAudience.get(audience);
  if (!verifier) byAudience.set(audience, (verifier = createVerifier(verifierOptions(publicKey, audience)) as Verifier));
  return verifier;
}

export async function signContext(keys: Pick<ContextKeys, 'privateKey'>, audience: string, context: SubgraphContext, now?: number): Promise<string> {
  return signerFor(keys.privateKey, now)({
    aud: audience,
    sub: context.officialId,
    org: context.organisation,
    country: context.country,
    roles: context.roles,
    purpose: context.purpose,
    rid: context.requestId,
    ...(context.quietDenials ? { quiet: true } : {}),
    ...(context.decisions ? { decisions: context.decisions } : {}),
  });
}

/** fast-jwt's refusal codes, as the stable reasons subgraphs log (never the token itself). */
const REASONS: Record<string, string> = {
  FAST_JWT_EXPIRED: 'expired',
  FAST_JWT_INACTIVE: 'not-yet-valid',
  FAST_JWT_INVALID_SIGNATURE: 'signature',
  FAST_JWT_MISSING_SIGNATURE: 'signature',
  FAST_JWT_INVALID_ALGORITHM: 'algorithm',
  FAST_JWT_MALFORMED: 'malformed',
  FAST_JWT_INVALID_PAYLOAD: 'malformed',
  FAST_JWT_INVALID_CLAIM_VALUE: 'claims',
  FAST_JWT_INVALID_CLAIM_TYPE: 'claims',
  FAST_JWT_MISSING_REQUIRED_CLAIM: 'claims',
  FAST_JWT_INVALID_CRIT_HEADER: 'header',
  FAST_JWT_INVALID_TYPE: 'type',
};

/** Why a subgraph refused a context token; the message is for the caller, the reason for logs. */
export class ContextTokenError extends Error {
  readonly code = 'HUB_CONTEXT_INVALID';
  constructor(readonly reason: string) {
    super('Requests to this subgraph must come through the Continuum gateway.');
  }
}

export async function verifyContext(publicKey: CryptoKey, audience: string, token: unknown, now?: Date): Promise<SubgraphContext> {
  if (typeof token !== 'string' || token.length === 0) throw new ContextTokenError('missing');
  let payload;
  try {
    payload = verifierFor(publicKey, audience, now)(token);
  } catch (error) {
    throw new ContextTokenError(error instanceof TokenError ? (REASONS[error.code] ?? 'invalid') : 'invalid');
  }
  const claims = ContextClaims.safeParse(payload);
  if (!claims.success) throw new ContextTokenError('claims');
  const { sub, org, country, roles, purpose, rid, quiet, decisions } = claims.data;
  return { officialId: sub, organisation: org, country, roles, purpose, requestId: rid, ...(quiet ? { quietDenials: true } : {}), ...(decisions ? { decisions } : {}) };
}

/** A vector's identity as a string, made once per vector object (vectors never change once made). */
const vectorKeys = new WeakMap<object, string>();

/**
 * Builds the compact decisions claim from per-case outcome vectors, one set per distinct vector.
 * Vectors are matched by identity first (the gateway hands equal vectors as one object, so a page
 * costs a map look-up per case), then by content, so equal vectors made apart share a set too.
 */
export function encodeDecisions(perCase: ReadonlyMap<string, Record<string, EncodedDecision>>): SignedDecisions {
  const sets: Record<string, EncodedDecision>[] = [];
  const byObject = new Map<object, number>();
  const byContent = new Map<string, number>();
  const cases: Record<string, number> = {};
  for (const [ref, vector] of perCase) {
    let at = byObject.get(vector);
    if (at === undefined) {
      let key = vectorKeys.get(vector);
      if (key === undefined) vectorKeys.set(vector, (key = JSON.stringify(vector)));
      at = byContent.get(key);
      if (at === undefined) {
        at = sets.length;
        sets.push(vector);
        byContent.set(key, at);
      }
      byObject.set(vector, at);
    }
    cases[ref] = at;
  }
  return { sets, cases };
}

/**
 * Loads the gateway's context key pair from `dir`, creating it on first use. Every gateway replica
 * must sign with the same key; subgraphs verify with its public half (served by each gateway at
 * /.well-known/continuum/context-jwks.json).
 */
export async function ensureContextKeys(dir: string): Promise<ContextKeys> {
  const { existsSync, mkdirSync, readFileSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const privatePath = join(dir, 'private.jwk.json');
  if (!existsSync(privatePath)) {
    const keys = await generateContextKeys();
    mkdirSync(dir, { recursive: true });
    writeFileSync(privatePath, JSON.stringify({ ...(await exportJWK(keys.privateKey)), alg: ALGORITHM }, null, 2), { mode: 0o600 });
    writeFileSync(join(dir, 'public.jwk.json'), JSON.stringify(keys.publicJwk, null, 2));
    return keys;
  }
  const privateJwk = JSON.parse(readFileSync(privatePath, 'utf8')) as JWK;
  const publicJwk = JSON.parse(readFileSync(join(dir, 'public.jwk.json'), 'utf8')) as JWK;
  return {
    privateKey: (await importJWK({ ...privateJwk, alg: ALGORITHM }, ALGORITHM)) as CryptoKey,
    publicKey: await importContextPublicKey(publicJwk),
    publicJwk,
  };
}
