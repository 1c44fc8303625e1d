/**
 * The context the gateway signs into every subgraph request: who asks, for which purpose, the
 * request id, and the per-case decisions the gateway took. Every subgraph (through the kit)
 * refuses a request without a valid one, so a national system only ever answers the gateway,
 * and enforces the decisions itself, so a denied field never leaves it.
 *
 * One EdDSA signature per subgraph request, audience = the subgraph's name (a token captured for
 * one subgraph is worthless at another), valid for one minute.
 */
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type CryptoKey, type JWK, errors as joseErrors } from 'jose';
import { z } from 'zod';
import { PURPOSES } from '../schema/vocabulary.js';
import { ROLES } from './roles.js';

export const CONTEXT_ISSUER = 'continuum-gateway';
const ALGORITHM = 'EdDSA';
const TTL_SECONDS = 60;

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

export async function signContext(keys: Pick<ContextKeys, 'privateKey'>, audience: string, context: SubgraphContext, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({
    org: context.organisation,
    country: context.country,
    roles: context.roles,
    purpose: context.purpose,
    rid: context.requestId,
    ...(context.quietDenials ? { quiet: true } : {}),
    ...(context.decisions ? { decisions: context.decisions } : {}),
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'continuum-context+jwt' })
    .setIssuer(CONTEXT_ISSUER)
    .setAudience(audience)
    .setSubject(context.officialId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + TTL_SECONDS)
    .sign(keys.privateKey);
}

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
    ({ payload } = await jwtVerify(token, publicKey, {
      issuer: CONTEXT_ISSUER,
      audience,
      algorithms: [ALGORITHM],
      requiredClaims: ['exp', 'iat', 'sub'],
      clockTolerance: 5,
      ...(now ? { currentDate: now } : {}),
    }));
  } catch (error) {
    throw new ContextTokenError(error instanceof joseErrors.JOSEError ? error.code : 'invalid');
  }
  const claims = ContextClaims.safeParse(payload);
  if (!claims.success) throw new ContextTokenError('claims');
  const { sub, org, country, roles, purpose, rid, quiet, decisions } = claims.data;
  return { officialId: sub, organisation: org, country, roles, purpose, requestId: rid, ...(quiet ? { quietDenials: true } : {}), ...(decisions ? { decisions } : {}) };
}

/** Builds the compact decisions claim from per-case outcome vectors. */
/** A vector's identity as a string, made once per vector object: a request reuses its vectors (never changed once made) in every fetch. */
const vectorKeys = new WeakMap<object, string>();

export function encodeDecisions(perCase: ReadonlyMap<string, Record<string, EncodedDecision>>): SignedDecisions {
  const sets: Record<string, EncodedDecision>[] = [];
  const index = new Map<string, number>();
  const cases: Record<string, number> = {};
  for (const [ref, vector] of perCase) {
    let key = vectorKeys.get(vector);
    if (key === undefined) vectorKeys.set(vector, (key = JSON.stringify(vector)));
    let at = index.get(key);
    if (at === undefined) {
      at = sets.length;
      sets.push(vector);
      index.set(key, at);
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
