/**
 * The suite signs contexts itself: it acts as the hub. Its keys are made once
 * (`continuum conformance keygen --out DIR`) and the endpoint under test is told to trust them:
 *
 * - `DIR/jwks.json` — the key set a hub would publish, with two keys: `current` and `next`
 *   (a rotation in progress). An edge takes it as `jwksFile`; any endpoint that reads a JWKS can.
 * - `DIR/current.jwk.json` — the current public key alone, for an endpoint that trusts one key
 *   (the kit's `contextKey`); run the suite with `--single-key` then (rotation checks do not apply).
 * - `DIR/conformance-keys.json` — the private halves (mode 0600): `current`, `next`, and `retired`,
 *   a key the set does not hold (the suite checks it is refused).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, importJWK, type CryptoKey, type JWK } from 'jose';
import { generateContextKeys, type ContextKeys } from '../auth/context-token.js';

export interface SuiteKeys {
  current: ContextKeys;
  next: ContextKeys;
  retired: ContextKeys;
}

export const KEY_FILES = { private: 'conformance-keys.json', jwks: 'jwks.json', current: 'current.jwk.json' } as const;

/** Why the suite's keys cannot be used (for the operator; exit 1). */
export class SuiteKeyError extends Error {
  override name = 'SuiteKeyError';
}

export async function generateSuiteKeys(dir: string): Promise<SuiteKeys> {
  const keys: SuiteKeys = { current: await generateContextKeys(), next: await generateContextKeys(), retired: await generateContextKeys() };
  mkdirSync(dir, { recursive: true });
  const privateJwks = Object.fromEntries(await Promise.all(Object.entries(keys).map(async ([name, pair]) => [name, { ...(await exportJWK(pair.privateKey)), alg: 'EdDSA' }])));
  writeFileSync(join(dir, KEY_FILES.private), JSON.stringify(privateJwks, null, 2), { mode: 0o600 });
  writeFileSync(join(dir, KEY_FILES.jwks), JSON.stringify({ keys: [{ ...keys.current.publicJwk, kid: 'conformance-current' }, { ...keys.next.publicJwk, kid: 'conformance-next' }] }, null, 2));
  writeFileSync(join(dir, KEY_FILES.current), JSON.stringify(keys.current.publicJwk, null, 2));
  return keys;
}

async function pairFrom(privateJwk: JWK): Promise<ContextKeys> {
  const { d: _d, ...publicJwk } = privateJwk;
  return {
    privateKey: (await importJWK({ ...privateJwk, alg: 'EdDSA' }, 'EdDSA', { extractable: true })) as CryptoKey,
    publicKey: (await importJWK({ ...publicJwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey,
    publicJwk: { ...publicJwk, alg: 'EdDSA', use: 'sig' },
  };
}

export async function loadSuiteKeys(dir: string): Promise<SuiteKeys> {
  const path = join(dir, KEY_FILES.private);
  if (!existsSync(path)) throw new SuiteKeyError(`conformance: no suite keys in ${dir}. Make them with "continuum conformance keygen --out ${dir}" and configure the endpoint to trust ${join(dir, KEY_FILES.jwks)}.`);
  let stored: Record<string, JWK>;
  try {
    stored = JSON.parse(readFileSync(path, 'utf8')) as Record<string, JWK>;
  } catch {
    throw new SuiteKeyError(`conformance: ${path} is not JSON.`);
  }
  try {
    return { current: await pairFrom(stored.current!), next: await pairFrom(stored.next!), retired: await pairFrom(stored.retired!) };
  } catch {
    throw new SuiteKeyError(`conformance: ${path} does not hold the suite's current, next and retired Ed25519 keys.`);
  }
}
