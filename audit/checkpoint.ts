/**
 * Signed checkpoints: a compact JWS over { seq, hash, time } of the chain head, signed with the
 * hub's audit key. A verifier with only the public key can then prove that no record up to `seq`
 * was altered, removed, added or moved since.
 */
import { CompactSign, compactVerify, type CryptoKey } from 'jose';
import type { Db } from '../store/index.js';

export interface CheckpointClaims {
  seq: number;
  hash: string;
  time: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function signCheckpoint(privateKey: CryptoKey, claims: CheckpointClaims): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'EdDSA', typ: 'continuum-audit-checkpoint+jws', kid: 'continuum-audit-1' })
    .sign(privateKey);
}

/** Verifies the signature and returns the signed claims; throws when the JWS is not the hub's. */
export async function verifyCheckpoint(publicKey: CryptoKey, jws: string): Promise<CheckpointClaims> {
  const { payload } = await compactVerify(jws, publicKey, { algorithms: ['EdDSA'] });
  const claims = JSON.parse(decoder.decode(payload)) as Partial<CheckpointClaims>;
  if (typeof claims.seq !== 'number' || typeof claims.hash !== 'string' || typeof claims.time !== 'string') {
    throw new Error('checkpoint payload is malformed');
  }
  return claims as CheckpointClaims;
}

export interface StoredCheckpoint {
  seq: number;
  jws: string;
}

/** The newest checkpoint in the store, or the one sealing record `seq`; null when there is none. */
export async function storedCheckpoint(db: Db, seq?: number): Promise<StoredCheckpoint | null> {
  const [row] =
    seq === undefined
      ? await db.query<{ seq: number | string; jws: string }>('SELECT seq, jws FROM audit.checkpoint ORDER BY seq DESC LIMIT 1')
      : await db.query<{ seq: number | string; jws: string }>('SELECT seq, jws FROM audit.checkpoint WHERE seq = $1', [seq]);
  return row ? { seq: Number(row.seq), jws: row.jws } : null;
}
