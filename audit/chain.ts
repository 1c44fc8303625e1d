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
 *
 * The writer produces a record's canonical JSON once (`canonicalJson`) and stores exactly those
 * bytes (`audit.record.body`), so verification hashes what is stored without parsing it again.
 */
import canonicalize from 'canonicalize';
import { hash } from 'node:crypto';
import type { StoredAuditContent } from './record.js';

export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Any surrogate code unit: only then is the exact lone-surrogate check worth its loop. */
const SURROGATE = /[\uD800-\uDFFF]/;
/** A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Keys JSON.stringify would move to the front in numeric order (array-index-like). */
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;

class NotPlain extends Error {}

/**
 * A copy of `value` whose objects list their keys in RFC 8785 order (UTF-16 code units, which is
 * JavaScript's default sort), so one native `JSON.stringify` writes the canonical form. Refuses
 * what RFC 8785 and `canonicalize` refuse (non-finite numbers, lone surrogates); anything that is
 * not plain JSON data (toJSON, index-like keys JSON.stringify would reorder) is left to
 * `canonicalize` by the caller.
 */
function sortedCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      if (SURROGATE.test(value) && LONE_SURROGATE.test(value)) throw new Error('Lone surrogate is not allowed');
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new Error(Number.isNaN(value) ? 'NaN is not allowed' : 'Infinity is not allowed');
      return value;
    case 'boolean':
      return value;
    case 'object': {
      if (value === null) return null;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw new NotPlain();
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          out[i] = item === undefined || typeof item === 'symbol' ? null : sortedCopy(item);
        }
        return out;
      }
      const keys = Object.keys(value).sort();
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined || typeof item === 'symbol') continue;
        if (INDEX_KEY.test(key) || (SURROGATE.test(key) && LONE_SURROGATE.test(key))) throw new NotPlain();
        out[key] = sortedCopy(item);
      }
      return out;
    }
    default:
      throw new NotPlain();
  }
}

/**
 * RFC 8785 canonical JSON of `content`, identical to `canonicalize(content)` (tests/audit/
 * canonical.test.ts checks it on every record shape) but several times faster on records: one
 * key-sorting copy and one native JSON.stringify instead of a string per value.
 */
export function canonicalJson(content: unknown): string {
  let copy: unknown;
  try {
    copy = sortedCopy(content);
  } catch (error) {
    if (!(error instanceof NotPlain)) throw error;
    copy = undefined;
  }
  const canonical = (copy === undefined ? canonicalize(content) : JSON.stringify(copy)) as string | undefined;
  if (canonical === undefined) throw new TypeError('audit content must be JSON');
  return canonical;
}

export function contentHash(content: unknown): string {
  return sha256Hex(canonicalJson(content));
}

export function chainHash(prevHash: string, seq: number, contentHashHex: string): string {
  return sha256Hex(`${prevHash}:${seq}:${contentHashHex}`);
}

/** A record's stored forms: `body` since migration 004, `content_v1` (jsonb) before. */
export interface StoredForms {
  body: string | null;
  content_v1: StoredAuditContent | string | null;
  content_hash: string;
}

/**
 * A stored record's content and whether it still hashes to its content hash. A body is hashed as
 * stored (no parsing, no canonicalising) and parsed only when intact; jsonb content from before is
 * canonicalised. Both forms at once is not something the writer ever stores: not intact. Purged
 * records (neither form) have no content and nothing to check.
 */
export function storedContent(row: StoredForms): { content: StoredAuditContent | null; intact: boolean } {
  if (row.body !== null) {
    if (row.content_v1 !== null || sha256Hex(row.body) !== row.content_hash) return { content: null, intact: false };
    return { content: JSON.parse(row.body) as StoredAuditContent, intact: true };
  }
  if (row.content_v1 === null) return { content: null, intact: true };
  const content = typeof row.content_v1 === 'string' ? (JSON.parse(row.content_v1) as StoredAuditContent) : row.content_v1;
  return { content, intact: contentHash(content) === row.content_hash };
}
