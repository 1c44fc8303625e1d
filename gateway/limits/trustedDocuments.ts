/**
 * Trusted documents ("persisted queries" as a safelist): with a manifest configured
 * (CONTINUUM_TRUSTED_DOCUMENTS), only the operations registered in it run. A client sends the
 * document's SHA-256 as `documentId` (optionally `sha256:`-prefixed) or as Apollo's
 * `extensions.persistedQuery.sha256Hash`, or the registered text itself; anything else is
 * refused before Apollo parses a byte of it. In production that closes the door on every query
 * nobody reviewed — depth bombs and probing included — whatever the other limits allow.
 *
 * Manifest: `{ "<sha256 hex>": "<query>", … }`, or Apollo's persisted query manifest
 * (`{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "body" }] }`).
 * Every id must be the SHA-256 of its text: a manifest that lies is a configuration error.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubErrorCode } from '../errors.js';
import { sendHubError } from './http.js';

export interface TrustedDocuments {
  /** Where the manifest was read from (for logs). */
  source: string;
  byId: ReadonlyMap<string, string>;
}

const SHA256 = /^[0-9a-f]{64}$/;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Throws (a misconfiguration) with a message naming the manifest and the bad entry. */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the trusted documents manifest ${path}: ${(error as Error).message}`, { cause: error });
  }
  const entries: [string, unknown][] = [];
  if (parsed && typeof parsed === 'object' && (parsed as { format?: unknown }).format === 'apollo-persisted-query-manifest') {
    const operations = (parsed as { operations?: unknown }).operations;
    if (!Array.isArray(operations)) throw new Error(`trusted documents manifest ${path}: "operations" must be an array`);
    for (const operation of operations as { id?: unknown; body?: unknown }[]) entries.push([String(operation?.id), operation?.body]);
  } else if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    entries.push(...Object.entries(parsed));
  } else {
    throw new Error(`trusted documents manifest ${path}: expected an object of sha256 → query`);
  }
  const byId = new Map<string, string>();
  for (const [id, body] of entries) {
    if (!SHA256.test(id)) throw new Error(`trusted documents manifest ${path}: "${id.slice(0, 80)}" is not a lower-case SHA-256 hex id`);
    if (typeof body !== 'string' || body.length === 0) throw new Error(`trusted documents manifest ${path}: document ${id} has no query text`);
    if (sha256(body) !== id) throw new Error(`trusted documents manifest ${path}: document ${id} is not the SHA-256 of its text`);
    byId.set(id, body);
  }
  return { source: path, byId };
}

interface GraphQLParams {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

type Verdict = { ok: true; query?: string } | { ok: false; code: HubErrorCode };

/** Decides one request's parameters; on success returns the registered text to run. */
export function checkTrustedDocument(documents: TrustedDocuments, params: GraphQLParams): Verdict {
  const extensions = (params.extensions && typeof params.extensions === 'object' ? params.extensions : {}) as { persistedQuery?: { sha256Hash?: unknown } };
  const rawId = params.documentId ?? extensions.persistedQuery?.sha256Hash;
  if (rawId !== undefined && rawId !== null) {
    const id = typeof rawId === 'string' ? rawId.replace(/^sha256:/, '') : '';
    const text = documents.byId.get(id);
    if (text === undefined) return { ok: false, code: 'HUB_LIMIT_UNKNOWN_DOCUMENT' };
    if (params.query !== undefined && params.query !== null && params.query !== text) return { ok: false, code: 'HUB_LIMIT_UNTRUSTED_DOCUMENT' };
    return { ok: true, query: text };
  }
  if (typeof params.query === 'string' && documents.byId.has(sha256(params.query))) return { ok: true, query: params.query };
  return { ok: false, code: 'HUB_LIMIT_UNTRUSTED_DOCUMENT' };
}

/** Fastify preHandler on /graphql (POST body or GET query string), after authentication. */
export function trustedDocumentsGuard(documents: TrustedDocuments, onRefusal: (code: HubErrorCode) => void = () => {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'OPTIONS') return;
    const isGet = request.method === 'GET';
    const params = (isGet ? request.query : request.body) as Record<string, unknown> | undefined;
    if (!params || typeof params !== 'object') return; // Apollo answers malformed requests itself
    let extensions = params.extensions;
    if (isGet && typeof extensions === 'string') {
      try {
        extensions = JSON.parse(extensions);
      } catch {
        extensions = undefined;
      }
    }
    const verdict = checkTrustedDocument(documents, { query: params.query, documentId: params.documentId, extensions });
    if (!verdict.ok) {
      onRefusal(verdict.code);
      return sendHubError(reply, verdict.code, request.id);
    }
    // Apollo runs the registered text; the id has done its job (and Apollo's APQ cache is not involved).
    params.query = verdict.query;
    delete params.documentId;
    if (extensions && typeof extensions === 'object') {
      const { persistedQuery: _ignored, ...rest } = extensions as Record<string, unknown>;
      params.extensions = isGet ? JSON.stringify(rest) : rest;
    }
  };
}
