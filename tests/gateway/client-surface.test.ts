/**
 * What the hub says back, and what it writes down, when clients send odd things over real HTTP:
 * no "Did you mean" outside development, no value echoed beyond a short prefix, every method on
 * /graphql answered deliberately (never a 500 from context creation), and no client-chosen text —
 * operation names, aliases, variable names, request ids — in log lines or metric labels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../auth/policy.js';
import { createTokenVerifier } from '../../auth/verify.js';
import { HubErrors } from '../../gateway/errors.js';
import { clientSafeMessage } from '../../gateway/limits/apolloRefusals.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';

const SIMPLE = '{ cases(first: 1) { totalCount } }';
const FILTERED = 'query Filtered($f: CaseFilter) { cases(filter: $f, first: 1) { totalCount } }';
/** Text a careless or hostile client might put where names go. */
const PERSONAL = 'Jane_Doe_1990_03_14';

describe.each(testStores)('the client surface on $name', (store) => {
  let federation: TestFederation;
  let logged: RunningGateway;
  const lines: string[] = [];
  let headers: Record<string, string>;

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: 10 });
    headers = { ...(await federation.as('be-counsellor', 'RETURN_COUNSELLING')), 'content-type': 'application/json' };
    // A second gateway on the same federation, logging at debug into `lines`.
    logged = await startGateway({
      supergraph: federation.gateway.supergraph,
      registry: federation.registry,
      verifier: createTokenVerifier(federation.identities.trust),
      policy: loadPolicy(),
      store: federation.db,
      contextKeys: federation.contextKeys,
      audit: federation.audit,
      logLevel: 'debug',
      logStream: { write: (line) => void lines.push(line) },
    });
  });
  afterAll(async () => {
    await logged?.close();
    await federation?.stop();
  });

  const post = async (body: unknown, extra: Record<string, string> = {}, url = federation.gateway.url) => {
    const response = await fetch(url, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, length: text.length, body: JSON.parse(text) as { data?: unknown; errors?: { message: string; locations?: unknown; extensions?: Record<string, unknown> }[] } };
  };

  describe('messages', () => {
    it('a misspelt input field in a variable gets no "Did you mean"', async () => {
      const { status, body } = await post({ query: FILTERED, variables: { f: { countryOfOrign: 'IQ' } } });
      expect(status).toBe(400);
      expect(body.errors).toEqual([
        {
          message: 'Variable "$f" got invalid value { countryOfOrign: "IQ" }; Field "countryOfOrign" is not defined by type "CaseFilter".',
          locations: [{ line: 1, column: 16 }],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ]);
    });

    it('a misspelt enum value in a variable gets no "Did you mean the enum value"', async () => {
      const query = 'query Timeline($b: AuditBucket!) { auditTimeline(bucket: $b) { start } }';
      const { status, body } = await post({ query, variables: { b: 'DAYS' } });
      expect(status).toBe(400);
      expect(body.errors).toEqual([
        { message: 'Variable "$b" got invalid value "DAYS"; Value "DAYS" does not exist in "AuditBucket" enum.', locations: [{ line: 1, column: 16 }], extensions: { code: 'BAD_USER_INPUT' } },
      ]);
    });

    it('a misspelt field gets no suggestion either', async () => {
      const { body } = await post({ query: '{ cases(first: 1) { totalCont } }' });
      expect(body.errors).toEqual([{ message: 'Cannot query field "totalCont" on type "CaseConnection".', locations: [{ line: 1, column: 21 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
    });

    it('a 600 KB bad value comes back as a 48-character prefix, not twice in full', async () => {
      const value = 'X'.repeat(600_000);
      const { status, length, body } = await post({ query: FILTERED, variables: { f: { countryOfOrigin: value } } });
      const prefix = `${'X'.repeat(48)}…`;
      expect(status).toBe(400);
      // graphql-js quotes the value (cut to its prefix here); the scalar's own part says the format.
      expect(body.errors).toEqual([
        {
          message: `Variable "$f" got invalid value "${prefix}" at "f.countryOfOrigin"; CountryCode must be an ISO 3166-1 alpha-2 country code in upper case, e.g. BE; got "XXXXXX…" (600000 characters).`,
          locations: [{ line: 1, column: 16 }],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ]);
      expect(length).toBeLessThan(1000);
    });

    it('bounds quoted values, unquoted runs and the whole message, and keeps suggestions only in development', () => {
      const suggested = 'Field "countryOfOrign" is not defined by type "CaseFilter". Did you mean "countryOfOrigin"?';
      expect(clientSafeMessage(suggested, { suggestions: true })).toBe(suggested);
      expect(clientSafeMessage(suggested, { suggestions: false })).toBe('Field "countryOfOrign" is not defined by type "CaseFilter".');
      expect(clientSafeMessage(`got { ${'k'.repeat(100)}: 1 }`, { suggestions: false })).toBe(`got { ${'k'.repeat(64)}… 1 }`);
      expect(clientSafeMessage(`"${'a\\"'.repeat(100_000)}"`, { suggestions: false })).toBe(`"${'a\\"'.repeat(16)}…"`);
      expect(clientSafeMessage('word '.repeat(400), { suggestions: false })).toBe(`${'word '.repeat(200)}…`);
      // Messages are remembered per mode: asked again, in either order, each mode answers as before.
      expect(clientSafeMessage(suggested, { suggestions: false })).toBe('Field "countryOfOrign" is not defined by type "CaseFilter".');
      expect(clientSafeMessage(suggested, { suggestions: true })).toBe(suggested);
    });
  });

  it("refuses introspection with the catalogue's status and code", async () => {
    const { status, body } = await post({ query: '{ __schema { queryType { name } } }' });
    expect([status, body]).toEqual([
      HubErrors.HUB_INTROSPECTION_DISABLED.httpStatus,
      { errors: [{ message: 'Introspection is available to the hub operator only.', extensions: { code: 'INTROSPECTION_DISABLED', hubCode: 'HUB_INTROSPECTION_DISABLED' } }] },
    ]);
  });

  describe('methods on /graphql', () => {
    it('OPTIONS without a token: 204, no CORS allowance', async () => {
      const response = await fetch(federation.gateway.url, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' } });
      expect([response.status, response.headers.get('allow'), response.headers.get('access-control-allow-origin'), await response.text()]).toEqual([204, 'GET, POST, OPTIONS', null, '']);
    });

    it('HEAD, PUT, DELETE and PATCH without a token: 401, never a 500', async () => {
      const statuses = await Promise.all(['HEAD', 'PUT', 'DELETE', 'PATCH'].map(async (method) => (await fetch(federation.gateway.url, { method })).status));
      expect(statuses).toEqual([401, 401, 401, 401]);
    });

    it('HEAD, PUT, DELETE and PATCH with a token: 405 HUB_METHOD_NOT_ALLOWED with an Allow header', async () => {
      const answers = await Promise.all(
        ['HEAD', 'PUT', 'DELETE', 'PATCH'].map(async (method) => {
          const response = await fetch(federation.gateway.url, { method, headers: { authorization: headers.authorization!, 'x-purpose': headers['x-purpose']! } });
          const text = await response.text();
          return [method, response.status, response.headers.get('allow'), text ? (JSON.parse(text) as { errors: { extensions: { hubCode: string } }[] }).errors[0]!.extensions.hubCode : null];
        }),
      );
      expect(answers).toEqual([
        ['HEAD', 405, 'GET, POST, OPTIONS', null],
        ['PUT', 405, 'GET, POST, OPTIONS', 'HUB_METHOD_NOT_ALLOWED'],
        ['DELETE', 405, 'GET, POST, OPTIONS', 'HUB_METHOD_NOT_ALLOWED'],
        ['PATCH', 405, 'GET, POST, OPTIONS', 'HUB_METHOD_NOT_ALLOWED'],
      ]);
    });

    it('GET with a token and a preflight header is served', async () => {
      const response = await fetch(`${federation.gateway.url}?query=${encodeURIComponent(SIMPLE)}`, {
        headers: { authorization: headers.authorization!, 'x-purpose': headers['x-purpose']!, 'apollo-require-preflight': 'true' },
      });
      expect([response.status, await response.json()]).toEqual([200, { data: { cases: { totalCount: expect.any(Number) } } }]);
    });
  });

  describe('client-chosen text stays out of logs and metrics', () => {
    it('replaces an x-request-id that is not a UUID', async () => {
      const { headers: answered } = await post({ query: SIMPLE }, { 'x-request-id': 'Jane-Doe-born-1990-03-14' }, logged.url);
      expect(answered.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

    it('labels requests by operation type, whatever they are named: 300 names, three series at most', async () => {
      for (let i = 0; i < 300; i++) await post({ query: `query ${PERSONAL}_${i} { ${PERSONAL}: __typename }` }, {}, logged.url);
      await post({ query: `query ${PERSONAL}_bad($${PERSONAL}: Int) { cases(first: $${PERSONAL}) { nope } }` }, {}, logged.url);
      const metrics = await (await fetch(logged.url.replace(/\/graphql$/, '/metrics'))).text();
      const operations = new Set([...metrics.matchAll(/continuum_graphql_requests_total\{operation="([^"]*)"/g)].map((m) => m[1]));

      expect(metrics).not.toContain('Jane');
      expect([...operations].sort()).toEqual(['none', 'query']);
      expect(metrics).toMatch(/continuum_graphql_requests_total\{operation="query",outcome="ok"\} 30[0-9]/);
    });

    it('logs no operation name, alias, variable name or request id the client chose', async () => {
      await post({ query: `query ${PERSONAL} { ${PERSONAL}: cases(first: 1) { totalCount } }` }, { 'x-request-id': PERSONAL }, logged.url);
      const requestLines = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === 'graphql request');

      expect(lines.filter((line) => line.includes('Jane'))).toEqual([]);
      expect(requestLines.at(-1)).toMatchObject({ operation: 'query', documentHash: expect.stringMatching(/^[0-9a-f]{64}$/), errors: 0 });
    });
  });
});
