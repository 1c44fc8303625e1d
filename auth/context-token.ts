/**
 * The context the gateway signs into every subgraph request: who asks, for which purpose, the
 * request id, and the per-case decisions the gateway took. Every subgraph (through the kit)
 * refuses a request without a valid one, so a national system only ever answers the gateway,
 * and enforces the decisions itself, so a denied field never leaves it.
 *
 * One EdDSA signature per subgraph request, audience = the subgraph's name (a token captured for
 * one subgraph is worthless at another), valid for one minute.
 *
 * The token is a compact JWS with one fixed protected header. Keys are made, stored and
 * published as JWKs with jose; signing and verifying, on every subgraph request, use Node's
 * crypto.sign/verify with a callback, which runs Ed25519 on libuv's thread pool. Measured per
 * token, sign plus verify (docs/BENCHMARKS.md): jose (WebCrypto) 530 µs of CPU of which 244 on
 * the event loop; fast-jwt (synchronous) 281 and 254; this 346 and 110. The event loop is what a
 * busy gateway or subgraph runs out of first, so this costs the least where it counts, at
 * two-thirds of WebCrypto's total.
 *
 * Verification is stricter than a general JWT library needs to be: the header must be exactly
 * the one the gateway writes (so no algorithm, key or critical extension can be chosen by the
 * token), the signature is checked over the bytes as received before anything in the payload
 * is read, then issuer, audience and lifetime, then the claims' shapes (zod). Each refusal has
 * a stable reason for the subgraph's log.
 */
import { KeyObject, sign, verify } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';
import { PURPOSES } from '../schema/vocabulary.js';
import { ROLES } from './roles.js';

export const CONTEXT_ISSUER = 'continuum-gateway';
const ALGORITHM = 'EdDSA';
const TOKEN_TYPE = 'continuum-context+jwt';
const TTL_SECONDS = 60;
const CLOCK_TOLERANCE_SECONDS = 5;
/** The only protected header a context token may have, as it is written (base64url of its JSON). */
const HEADER = Buffer.from(JSON.stringify({ alg: ALGORITHM, typ: TOKEN_TYPE })).toString('base64url');
const ED25519_SIGNATURE_BYTES = 64;

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

/** CryptoKeys (how jose hands keys over) as the KeyObjects node:crypto signs with, made once per key. */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

function keyObject(key: CryptoKey): KeyObject {
  let object = keyObjects.get(key);
  if (!object) keyObjects.set(key, (object = KeyObject.from(key)));
  return object;
}

/** Ed25519 on the thread pool (the callback form of crypto.sign). */
function signed(data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => sign(null, data, key, (error, signature) => (error ? reject(error) : resolve(signature))));
}

function verified(data: Buffer, key: KeyObject, signature: Buffer): Promise<boolean> {
  return new Promise((resolve, reject) => verify(null, data, key, signature, (error, ok) => (error ? reject(error) : resolve(ok))));
}

export async function signContext(keys: Pick<ContextKeys, 'privateKey'>, audience: string, context: SubgraphContext, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  const claims = {
    iss: CONTEXT_ISSUER,
    aud: audience,
    sub: context.officialId,
    iat,
    exp: iat + TTL_SECONDS,
    org: context.organisation,
    country: context.country,
    roles: context.roles,
    purpose: context.purpose,
    rid: context.requestId,
    ...(context.quietDenials ? { quiet: true } : {}),
    ...(context.decisions ? { decisions: context.decisions } : {}),
  };
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = await signed(Buffer.from(input), keyObject(keys.privateKey));
  return `${input}.${signature.toString('base64url')}`;
}

/** Why a subgraph refused a context token; the message is for the caller, the reason for logs. */
export class ContextTokenError extends Error {
  readonly code = 'HUB_CONTEXT_INVALID';
  constructor(readonly reason: string) {
    super('Requests to this subgraph must come through the Continuum gateway.');
  }
}

/** Why a header other than the gateway's was refused: the closest stable reason. */
function headerReason(encoded: string): string {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return 'malformed';
  }
  if (typeof header !== 'object' || header === null) return 'malformed';
  const { alg, typ } = header as { alg?: unknown; typ?: unknown };
  if (alg !== ALGORITHM) return 'algorithm';
  if (typ !== TOKEN_TYPE) return 'type';
  return 'header';
}

export async function verifyContext(publicKey: CryptoKey, audience: string, token: unknown, now?: Date): Promise<SubgraphContext> {
  if (typeof token !== 'string' || token.length === 0) throw new ContextTokenError('missing');
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  if (first <= 0 || last === first || token.indexOf('.', first + 1) !== last) throw new ContextTokenError('malformed');
  const header = token.slice(0, first);
  if (header !== HEADER) throw new ContextTokenError(headerReason(header));
  const signature = Buffer.from(token.slice(last + 1), 'base64url');
  if (signature.length !== ED25519_SIGNATURE_BYTES) throw new ContextTokenError('signature');
  let valid: boolean;
  try {
    valid = await verified(Buffer.from(token.slice(0, last)), keyObject(publicKey), signature);
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
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new ContextTokenError('malformed');
  const { iss, aud, iat, exp } = payload as Record<string, unknown>;
  if (iss !== CONTEXT_ISSUER || aud !== audience) throw new ContextTokenError('claims');
  if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isFinite(iat) || !Number.isFinite(exp)) throw new ContextTokenError('claims');
  const nowSeconds = Math.floor((now?.getTime() ?? Date.now()) / 1000);
  if (exp <= nowSeconds - CLOCK_TOLERANCE_SECONDS) throw new ContextTokenError('expired');
  if (iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) throw new ContextTokenError('not-yet-valid');
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
