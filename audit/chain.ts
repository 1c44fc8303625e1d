/**
 * How records are chained. A record's content is hashed in its RFC 8785 canonical JSON form
 * (key order and number formatting cannot change the hash); the chain hash binds the previous
 * hash, the position and the content hash:
 *
 *   content_hash = SHA-256(JCS(content))
 *   hash         = SHA-256(prev_hash ":" seq ":" content_hash)
 *
 * Altering content breaks content_hash; deleting, inserting or reordering breaks prev_hash; and
 * a signed checkpoint over (seq, hash) makes the whole prefix unforgeable without the hub's key.
 */
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function contentHash(content: unknown): string {
  const canonical = canonicalize(content);
  if (canonical === undefined) throw new TypeError('audit content must be JSON');
  return sha256Hex(canonical);
}

export function chainHash(prevHash: string, seq: number, contentHashHex: string): string {
  return sha256Hex(`${prevHash}:${seq}:${contentHashHex}`);
}
