/**
 * Each abuse limit against its attack, over real HTTP, on every store in `testStores`: the attack
 * is refused with its hub code, no subgraph is called, and the hub keeps answering.
 * A second gateway on the same federation runs with a small rate limit and trusted documents.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../auth/policy.js';
import { createTokenVerifier } from '../../auth/verify.js';
import { FULL_CASE } from '../../bench/workloads.js';
import { loadTrustedDocuments } from '../../gateway/limits/trustedDocuments.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { callCounts, startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';

const SIMPLE = '{ cases(first: 1) { totalCount } }';
/** Fragment bomb: each fragment spreads the one before it twice, so `levels` fragments expand to 2^levels `__typename` leaves. */
function fragmentBomb(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on Case { ...F${i} ...F${i} }`);
  return `query Bomb { cases(first: 1) { edges { node { ...F${levels} } } } } fragment F0 on Case { __typename } ${fragments.join(' ')}`;
}
/** `__type(name: "Case")` followed by `levels` nested `ofType` fields. */
const ofTypeChain = (levels: number) => `{ __type(name: "Case") { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } }`;
const REGISTERED = 'query CaseStatus($ref: CaseRef!) { case(ref: $ref) { ref status } }';
const REGISTERED_ID = createHash('sha256').update(REGISTERED).digest('hex');

describe.each(testStores)('abuse limits on $name', (store) => {
  let federation: TestFederation;
  let guarded: RunningGateway;
  const dir = mkdtempSync(join(tmpdir(), 'continuum-abuse-'));
  let headers: Record<string, string>;

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: 20 });
    headers = { ...(await federation.as('be-counsellor', 'RETURN_COUNSELLING')), 'content-type': 'application/json' };
    const manifest = join(dir, 'trusted.json');
    writeFileSync(manifest, JSON.stringify({ [REGISTERED_ID]: REGISTERED }));
    guarded = await startGateway({
      supergraph: federation.gateway.supergraph,
      registry: federation.registry,
      verifier: createTokenVerifier(federation.identities.trust),
      policy: loadPolicy(),
      store: federation.db,
      contextKeys: federation.contextKeys,
      audit: federation.audit,
      logLevel: 'silent',
      limits: { rateLimit: { perSecond: 0.2, burst: 3 }, trustedDocuments: loadTrustedDocuments(manifest) },
    });
  });
  afterAll(async () => {
    await guarded?.close();
    await federation?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (body: string | unknown, extra: Record<string, string> = {}, url = federation.gateway.url) => {
    const response = await fetch(url, { method: 'POST', headers: { ...headers, ...extra }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
  };
  const hubCodes = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => (body.errors ?? []).map((e) => e.extensions?.hubCode ?? e.extensions?.code);

  /** Runs an attack and checks no subgraph was called for it. */
  async function attack<T>(run: () => Promise<T>): Promise<T> {
    const before = callCounts(federation);
    const result = await run();
    expect(callCounts(federation)).toEqual(before);
    return result;
  }

  it('a depth bomb: HUB_LIMIT_DEPTH', async () => {
    const bomb = `{ cases(first: 1) { edges { node { ${'memberStateFile { '.repeat(40)}ref${' }'.repeat(40)} } } } }`;
    const { status, body } = await attack(() => post({ query: bomb }));
    expect(status).toBe(400);
    expect(body.errors).toContainEqual({
      message: 'The operation nests fields more than 12 levels deep.',
      locations: [{ line: 1, column: 1 }],
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', hubCode: 'HUB_LIMIT_DEPTH' },
    });
  });

  it('a depth bomb of 1,600 levels (as deep as the token limit allows): HUB_LIMIT_DEPTH, and nothing internal', async () => {
    const bomb = `{ cases(first: 1) { edges { node { ${'memberStateFile { '.repeat(1600)}ref${' }'.repeat(1600)} } } } }`;
    const { status, body } = await attack(() => post({ query: bomb }));
    expect(status).toBe(400);
    expect(body.errors).toContainEqual({
      message: 'The operation nests fields more than 12 levels deep.',
      locations: [{ line: 1, column: 1 }],
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', hubCode: 'HUB_LIMIT_DEPTH' },
    });
    expect(new Set(body.errors!.map((e) => e.extensions?.code))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
  });

  it('1,000 aliases: HUB_LIMIT_ALIASES, one error', async () => {
    // Cheap aliases, so that neither the token limit nor the cost estimate refuses them first.
    const query = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const { status, body } = await attack(() => post({ query }));
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      { message: 'The operation has 1000 aliases, counting each fragment at every spread; the limit is 30.', locations: [{ line: 1, column: 1 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED', hubCode: 'HUB_LIMIT_ALIASES' } },
    ]);
    // Aliased real fields run into the token limit before that.
    const costly = await attack(() => post({ query: `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: cases(first: 100) { totalCount }`).join(' ')} }` }));
    expect([costly.status, hubCodes(costly.body)]).toEqual([400, ['HUB_LIMIT_TOKENS']]);
  });

  it("fragment cycles: graphql-js's NoFragmentCyclesRule, GRAPHQL_VALIDATION_FAILED", async () => {
    const query = '{ cases(first: 1) { edges { node { ...A } } } } fragment A on Case { ...B } fragment B on Case { ...A }';
    const { status, body } = await attack(() => post({ query }));
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      { message: 'Cannot spread fragment "A" within itself via "B".', locations: [{ line: 1, column: 70 }, { line: 1, column: 98 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
  });

  it('pages of pages: HUB_LIMIT_COST', async () => {
    const page = (alias: string) => `${alias}: cases(first: 100) { edges { node { ref memberStateFile { ... on BelgianCaseFile { counsellingSessions { date topic } person { documents { number type } } } } } } }`;
    const query = `{ ${Array.from({ length: 20 }, (_, i) => `p${i}`).map(page).join(' ')} }`;
    const { status, body } = await attack(() => post({ query }));
    expect(status).toBe(400);
    expect(hubCodes(body)).toEqual(['HUB_LIMIT_COST']);
  });

  const costError = (limit: number, line = 1, column = 1) => ({
    message: `The operation could return more than ${limit} fields (estimated: lists multiply). Ask for smaller pages or fewer nested lists.`,
    locations: [{ line, column }],
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', hubCode: 'HUB_LIMIT_COST' },
  });

  it.each([23, 40])('a fragment bomb of 2^%i leaves: HUB_LIMIT_COST, while /healthz answers', async (levels) => {
    const query = fragmentBomb(levels);
    expect(query.length).toBeLessThan(2000);
    const [refused, health] = await attack(() => Promise.all([post({ query }), fetch(federation.gateway.url.replace(/\/graphql$/, '/healthz'))]));
    expect([refused.status, refused.body.errors]).toEqual([400, [costError(70_000)]]);
    expect(health.status).toBe(200);
  });

  describe('a page size given as a variable is costed at the value sent', () => {
    const pages = (size: string) =>
      `${FULL_CASE} query Pages${size === '$n' ? '($n: Int = 1)' : ''} { ${['a', 'b', 'c', 'd'].map((alias) => `${alias}: cases(first: ${size}) { edges { node { ...FullCase } } }`).join(' ')} }`;
    const line = FULL_CASE.split('\n').length;

    it('four pages of 100 full cases, with n defaulting to 1 but sent as 100: HUB_LIMIT_COST', async () => {
      const { status, body } = await attack(() => post({ query: pages('$n'), variables: { n: 100 } }));
      expect([status, body.errors]).toEqual([400, [costError(70_000, line, 2)]]);
    });

    it('the same document sent with n = 1 runs, and its verdict is not kept for the next request', async () => {
      const { status, body } = await post({ query: pages('$n'), variables: { n: 1 } });
      expect([status, body.errors]).toEqual([200, undefined]);
      expect(Object.keys(body.data as object)).toEqual(['a', 'b', 'c', 'd']);
      const again = await attack(() => post({ query: pages('$n'), variables: { n: 100 } }));
      expect([again.status, again.body.errors]).toEqual([400, [costError(70_000, line, 2)]]);
    });

    it('a page size that does not coerce (a string) counts as the largest page: HUB_LIMIT_COST', async () => {
      const { status, body } = await attack(() => post({ query: pages('$n'), variables: { n: '1' } }));
      expect([status, hubCodes(body)]).toEqual([400, ['HUB_LIMIT_COST']]);
    });

    it('the same pages written literally: HUB_LIMIT_COST', async () => {
      const { status, body } = await attack(() => post({ query: pages('100') }));
      expect([status, body.errors]).toEqual([400, [costError(70_000, line, 2)]]);
    });
  });

  describe('introspection depth (as the hub operator, who may introspect)', () => {
    let operator: Record<string, string>;
    beforeAll(async () => {
      operator = await federation.as('hub-operator', 'OPERATIONS');
    });
    const introspectionDepthError = {
      message: 'The introspection query nests fields more than 20 levels deep.',
      locations: [{ line: 1, column: 1 }],
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', hubCode: 'HUB_LIMIT_INTROSPECTION_DEPTH' },
    };

    it('the standard introspection query runs', async () => {
      const { status, body } = await post({ query: getIntrospectionQuery() }, operator);
      expect([status, body.errors]).toEqual([200, undefined]);
    });

    it('a 64-level ofType chain: HUB_LIMIT_INTROSPECTION_DEPTH', async () => {
      const { status, body } = await attack(() => post({ query: ofTypeChain(64) }, operator));
      expect([status, body.errors]).toEqual([400, [introspectionDepthError]]);
    });

    it("lists of fields nested three deep: graphql-js's refusal, with the hub's code HUB_LIMIT_INTROSPECTION_LISTS", async () => {
      const { status, body } = await attack(() => post({ query: '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }' }, operator));
      expect([status, body.errors]).toEqual([
        400,
        [
          {
            message: 'The introspection query nests lists of fields, interfaces, possible types or input fields more than 2 deep.',
            locations: [{ line: 1, column: 3 }],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED', hubCode: 'HUB_LIMIT_INTROSPECTION_LISTS' },
          },
        ],
      ]);
    });

    it('a 1,500-level ofType chain: HUB_LIMIT_INTROSPECTION_DEPTH, not an internal error', async () => {
      const { status, body } = await attack(() => post({ query: ofTypeChain(1500) }, operator));
      expect([status, body.errors]).toEqual([400, [introspectionDepthError]]);
    });
  });

  it('a token flood: HUB_LIMIT_TOKENS, before validation', async () => {
    const query = `{ ${'__typename '.repeat(10_000)}}`;
    const { status, body } = await attack(() => post({ query }));
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ message: 'The document has more than 5000 tokens.', locations: expect.any(Array), extensions: { code: 'GRAPHQL_PARSE_FAILED', hubCode: 'HUB_LIMIT_TOKENS' } }]);
  });

  it('a 5 MB query: 413 HUB_LIMIT_BODY_TOO_LARGE, before the body is read', async () => {
    const query = `{ ${'__typename '.repeat(500_000)}}`;
    const response = await attack(() => fetch(federation.gateway.url, { method: 'POST', headers, body: JSON.stringify({ query }) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: 'The request body is larger than 1048576 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE', hubCode: 'HUB_LIMIT_BODY_TOO_LARGE', requestId: expect.any(String) } }],
    });
  });

  it('a 5 MB query without a token: 401, authentication comes before the body', async () => {
    const query = `{ ${'__typename '.repeat(500_000)}}`;
    const response = await attack(() => fetch(federation.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }));
    expect(response.status).toBe(401);
    expect(((await response.json()) as { errors: { extensions: unknown }[] }).errors[0]!.extensions).toEqual({ code: 'UNAUTHENTICATED', hubCode: 'HUB_AUTH_MISSING_TOKEN', requestId: expect.any(String) });
  });

  it('100 batched operations: 400 HUB_LIMIT_BATCHED', async () => {
    const batch = Array.from({ length: 100 }, () => ({ query: SIMPLE }));
    const { status, body } = await attack(() => post(batch));
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ message: 'Send one operation per request: batched requests are refused.', extensions: { code: 'BAD_REQUEST', hubCode: 'HUB_LIMIT_BATCHED', requestId: expect.any(String) } }]);
  });

  it('CSRF prevention stays on: a text/plain POST is refused even with a valid token; a form POST gets 415', async () => {
    const plain = await attack(() => post(JSON.stringify({ query: SIMPLE }), { 'content-type': 'text/plain' }));
    expect(plain.status).toBe(400);
    expect(plain.body.errors).toEqual([{ message: expect.stringMatching(/cross-site request forgery/), extensions: { code: 'BAD_REQUEST', hubCode: 'HUB_CSRF_REFUSED' } }]);
    const form = await attack(() => fetch(federation.gateway.url, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: `query=${encodeURIComponent(SIMPLE)}` }));
    expect(form.status).toBe(415);
    expect(((await form.json()) as { errors: unknown[] }).errors).toEqual([
      { message: 'Send the request body as application/json.', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE', hubCode: 'HUB_CONTENT_TYPE_UNSUPPORTED', requestId: expect.any(String) } },
    ]);
    const get = await attack(() => fetch(`${federation.gateway.url}?query=${encodeURIComponent(SIMPLE)}`, { headers: { authorization: headers.authorization!, 'x-purpose': headers['x-purpose']! } }));
    expect(get.status).toBe(400);
    expect(((await get.json()) as { errors: { extensions: unknown }[] }).errors[0]!.extensions).toEqual({ code: 'BAD_REQUEST', hubCode: 'HUB_CSRF_REFUSED' });
  });

  it('after every attack the hub still answers', async () => {
    const health = await fetch(federation.gateway.url.replace(/\/graphql$/, '/healthz'));
    expect(health.status).toBe(200);
    const { status, body } = await post({ query: SIMPLE });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { cases: { totalCount: expect.any(Number) } } });
  });

  describe('trusted documents and the rate limit (a second gateway)', () => {
    it('runs a registered document by id, and refuses unregistered text or unknown ids', async () => {
      const ref = ((await post({ query: '{ cases(first: 1) { edges { node { ref } } } }' })).body.data as { cases: { edges: { node: { ref: string } }[] } }).cases.edges[0]!.node.ref;
      const send = (body: unknown) => fetch(guarded.url, { method: 'POST', headers, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] } }));

      const byId = await send({ documentId: `sha256:${REGISTERED_ID}`, variables: { ref } });
      expect(byId.status).toBe(200);
      expect(byId.body.data).toEqual({ case: { ref, status: expect.any(String) } });
      const byApq = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: REGISTERED_ID } }, variables: { ref } });
      expect(byApq.body.data).toEqual(byId.body.data);

      const untrusted = await send({ query: SIMPLE });
      expect([untrusted.status, hubCodes(untrusted.body)]).toEqual([400, ['HUB_LIMIT_UNTRUSTED_DOCUMENT']]);
      // The burst of 3 is spent: the same organisation is now limited, another is not.
      const limited = await fetch(guarded.url, { method: 'POST', headers, body: JSON.stringify({ documentId: REGISTERED_ID, variables: { ref } }) });
      expect(limited.status).toBe(429);
      // One token per 5 s: the wait left is 5 s less whatever the burst took (on a loaded machine, over a second).
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(5);
      expect(((await limited.json()) as { errors: unknown[] }).errors).toEqual([
        { message: `Too many requests from your organisation; retry after ${retryAfter} s.`, extensions: { code: 'RATE_LIMITED', hubCode: 'HUB_LIMIT_RATE', requestId: expect.any(String) } },
      ]);
      const asGermany = { ...(await federation.as('de-case-officer', 'RETURN_COUNSELLING')), 'content-type': 'application/json' };
      const unknown = await fetch(guarded.url, { method: 'POST', headers: asGermany, body: JSON.stringify({ documentId: '0'.repeat(64) }) });
      expect([unknown.status, hubCodes((await unknown.json()) as { errors: { extensions: Record<string, unknown> }[] })]).toEqual([400, ['HUB_LIMIT_UNKNOWN_DOCUMENT']]);
    });

    it('counts every refusal in /metrics by hub code', async () => {
      const text = await (await fetch(guarded.url.replace(/\/graphql$/, '/metrics'))).text();
      expect(text).toContain('continuum_http_refusals_total{code="HUB_LIMIT_RATE"} 1');
      expect(text).toContain('continuum_http_refusals_total{code="HUB_LIMIT_UNTRUSTED_DOCUMENT"} 1');
      expect(text).toContain('continuum_http_refusals_total{code="HUB_LIMIT_UNKNOWN_DOCUMENT"} 1');
    });
  });
});
