import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTrustedDocument, loadTrustedDocuments } from '../../../gateway/limits/trustedDocuments.js';

const QUERY = 'query Ref($ref: CaseRef!) { case(ref: $ref) { ref status } }';
const ID = createHash('sha256').update(QUERY).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'continuum-trusted-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('trusted documents', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const documents = loadTrustedDocuments(file('plain.json', { [ID]: QUERY }));

  it('reads a plain sha256 → query manifest and Apollo persisted query manifests alike', () => {
    const apollo = loadTrustedDocuments(file('apollo.json', { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: ID, name: 'Ref', type: 'query', body: QUERY }] }));
    expect([...apollo.byId]).toEqual([[ID, QUERY]]);
    expect([...documents.byId]).toEqual([[ID, QUERY]]);
  });

  it('refuses a manifest whose id is not the hash of its text, naming the entry', () => {
    const wrong = 'f'.repeat(64);
    expect(() => loadTrustedDocuments(file('lie.json', { [wrong]: QUERY }))).toThrow(`document ${wrong} is not the SHA-256 of its text`);
    expect(() => loadTrustedDocuments(file('bad.json', '{ nope'))).toThrow(/cannot read the trusted documents manifest .*bad\.json/);
    expect(() => loadTrustedDocuments(join(dir, 'missing.json'))).toThrow(/cannot read the trusted documents manifest/);
  });

  it('runs a registered document by documentId (with or without sha256:) or persistedQuery hash', () => {
    expect(checkTrustedDocument(documents, { documentId: ID })).toEqual({ ok: true, query: QUERY });
    expect(checkTrustedDocument(documents, { documentId: `sha256:${ID}` })).toEqual({ ok: true, query: QUERY });
    expect(checkTrustedDocument(documents, { extensions: { persistedQuery: { version: 1, sha256Hash: ID } } })).toEqual({ ok: true, query: QUERY });
    expect(checkTrustedDocument(documents, { query: QUERY })).toEqual({ ok: true, query: QUERY });
  });

  it('refuses unregistered text, unknown ids, and an id sent with different text', () => {
    expect(checkTrustedDocument(documents, { query: '{ cases(first: 100) { totalCount } }' })).toEqual({ ok: false, code: 'HUB_LIMIT_UNTRUSTED_DOCUMENT' });
    expect(checkTrustedDocument(documents, {})).toEqual({ ok: false, code: 'HUB_LIMIT_UNTRUSTED_DOCUMENT' });
    expect(checkTrustedDocument(documents, { documentId: '0'.repeat(64) })).toEqual({ ok: false, code: 'HUB_LIMIT_UNKNOWN_DOCUMENT' });
    expect(checkTrustedDocument(documents, { documentId: ID, query: '{ cases { totalCount } }' })).toEqual({ ok: false, code: 'HUB_LIMIT_UNTRUSTED_DOCUMENT' });
  });
});
