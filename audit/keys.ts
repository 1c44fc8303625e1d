/**
 * The hub's audit signing key (Ed25519). Checkpoints are JWS signed with it; anyone holding the
 * public key can verify the log. The embedded default keeps a generated key pair in a folder
 * (private key file mode 0600); production points CONTINUUM_AUDIT_KEY_DIR at the managed one.
 */
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AuditKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

const ALG = 'EdDSA';

export async function generateAuditKeys(): Promise<AuditKeys & { privateJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), alg: ALG, use: 'sig', kid: 'continuum-audit-1' };
  const privateJwk = { ...(await exportJWK(privateKey)), alg: ALG, use: 'sig', kid: 'continuum-audit-1' };
  return { privateKey, publicKey, publicJwk, privateJwk };
}

export async function importAuditPublicKey(jwk: JWK): Promise<CryptoKey> {
  return (await importJWK({ ...jwk, alg: ALG }, ALG)) as CryptoKey;
}

/** Loads the key pair from `dir`, creating it on first use. `public.jwk.json` is what verifiers get. */
export async function ensureAuditKeys(dir: string): Promise<AuditKeys> {
  const privatePath = join(dir, 'private.jwk.json');
  const publicPath = join(dir, 'public.jwk.json');
  if (!existsSync(privatePath)) {
    mkdirSync(dir, { recursive: true });
    const keys = await generateAuditKeys();
    writeFileSync(privatePath, JSON.stringify(keys.privateJwk, null, 2), { mode: 0o600 });
    writeFileSync(publicPath, JSON.stringify(keys.publicJwk, null, 2));
    return keys;
  }
  const privateJwk = JSON.parse(readFileSync(privatePath, 'utf8')) as JWK;
  const publicJwk = JSON.parse(readFileSync(publicPath, 'utf8')) as JWK;
  return {
    privateKey: (await importJWK({ ...privateJwk, alg: ALG }, ALG)) as CryptoKey,
    publicKey: await importAuditPublicKey(publicJwk),
    publicJwk,
  };
}

export function readPublicJwk(path: string): JWK {
  return JSON.parse(readFileSync(path, 'utf8')) as JWK;
}
