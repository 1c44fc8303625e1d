/**
 * The gateway's half of the signed per-subgraph context (contract/context.ts holds the claims and
 * their verification, which every subgraph runs): its key pair, made, stored and published as
 * JWKs with jose, and the signature, one per subgraph request.
 *
 * The token is a compact JWS with one fixed protected header. Signing uses Node's crypto.sign
 * with a callback, which runs Ed25519 on libuv's thread pool. Measured per token, sign plus
 * verify (docs/BENCHMARKS.md): jose (WebCrypto) 530 µs of CPU of which 244 on the event loop;
 * fast-jwt (synchronous) 281 and 254; this 346 and 110. The event loop is what a busy gateway or
 * subgraph runs out of first, so this costs the least where it counts.
 */
import { sign, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { CONTEXT_ALGORITHM as ALGORITHM, CONTEXT_HEADER as HEADER, contextClaims, contextKeyObject as keyObject, type SubgraphContext } from '../contract/index.js';

export {
  CONTEXT_ISSUER,
  ContextTokenError,
  encodeDecisions,
  verifyContext,
  type EncodedDecision,
  type SignedDecisions,
  type SubgraphContext,
} from '../contract/index.js';

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

/** Ed25519 on the thread pool (the callback form of crypto.sign). */
function signed(data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => sign(null, data, key, (error, signature) => (error ? reject(error) : resolve(signature))));
}

export async function signContext(keys: Pick<ContextKeys, 'privateKey'>, audience: string, context: SubgraphContext, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  const claims = contextClaims(audience, context, iat);
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = await signed(Buffer.from(input), keyObject(keys.privateKey));
  return `${input}.${signature.toString('base64url')}`;
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
