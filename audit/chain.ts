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
 * `value` itself when every object in it already lists its keys in RFC 8785 order (UTF-16 code
 * units, JavaScript's default sort), so that one native `JSON.stringify` writes the canonical
 * form; otherwise a copy in which only the objects out of order (and the objects holding them)
 * are rebuilt, sorted, and everything else is shared. The hub builds its records in that order
 * below the top level (tests/audit/canonical.test.ts holds it to that), so a record costs one
 * check of its keys, not a copy of its tree. Refuses what RFC 8785 and `canonicalize` refuse
 * (non-finite numbers, lone surrogates); anything that is not plain JSON data (toJSON, functions,
 * index-like keys JSON.stringify would reorder) is left to `canonicalize` by the caller.
 */
function canonicalForm(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      if (SURROGATE.test(value) && LONE_SURROGATE.test(value)) throw new Error('Lone surrogate is not allowed');
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new Error(Number.isNaN(value) ? 'NaN is not allowed' : 'Infinity is not allowed');
      return value;
    case 'boolean':
    case 'undefined':
      // JSON.stringify leaves an undefined member out and writes an undefined array item as null, as canonicalize does.
      return value;
    case 'object': {
      if (value === null) return null;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw new NotPlain();
      if (Array.isArray(value)) {
        let copy: unknown[] | undefined;
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          // JSON.stringify writes a symbol item as null, as the copy this replaced did.
          if (typeof item === 'symbol') continue;
          const form = canonicalForm(item);
          if (form !== item) (copy ??= value.slice())[i] = form;
        }
        return copy ?? value;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      let inOrder = true;
      let forms: Map<string, unknown> | undefined;
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k]!;
        if (k > 0 && key < keys[k - 1]!) inOrder = false;
        const first = key.charCodeAt(0);
        if ((first >= 0x30 && first <= 0x39 && INDEX_KEY.test(key)) || (SURROGATE.test(key) && LONE_SURROGATE.test(key))) throw new NotPlain();
        const item = record[key];
        // JSON.stringify leaves a symbol member out, as the copy this replaced did.
        if (typeof item === 'symbol') continue;
        const form = canonicalForm(item);
        if (form !== item) (forms ??= new Map()).set(key, form);
      }
      if (inOrder && !forms) return value;
      const copy: Record<string, unknown> = {};
      for (const key of keys.sort()) copy[key] = forms?.has(key) ? forms.get(key) : record[key];
      return copy;
    }
    default:
      throw new NotPlain();
  }
}

/**
 * RFC 8785 canonical JSON of `content`, identical to `canonicalize(content)` (tests/audit/
 * canonical.test.ts checks it on every record shape and on generated values) but several times
 * faster on records: a check of the key order and one native JSON.stringify instead of a string
 * per value.
 */
export function canonicalJson(content: unknown): string {
  let form: unknown;
  try {
    form = canonicalForm(content);
  } catch (error) {
    if (!(error instanceof NotPlain)) throw error;
    form = undefined;
  }
  const canonical = (form === undefined ? canonicalize(content) : JSON.stringify(form)) as string | undefined;
  if (canonical === undefined) throw new TypeError('audit content must be JSON');
  return canonical;
}

/**
 * Where `content` is not in canonical key order: the paths of the objects `canonicalJson` has to
 * rebuild ('' is the top level). For tests that hold the hub's record builders to that order.
 */
export function outOfOrderObjects(content: unknown, path = ''): string[] {
  if (content === null || typeof content !== 'object') return [];
  if (Array.isArray(content)) return content.flatMap((item, i) => outOfOrderObjects(item, `${path}[${i}]`));
  const keys = Object.keys(content);
  const here = keys.some((key, k) => k > 0 && key < keys[k - 1]!) ? [path] : [];
  return [...here, ...keys.flatMap((key) => outOfOrderObjects((content as Record<string, unknown>)[key], path ? `${path}.${key}` : key))];
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
