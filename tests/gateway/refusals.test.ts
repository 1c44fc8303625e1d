/**
 * Every refusal keeps who and why: whatever stage of gateway/pipeline.ts refuses a request, the
 * request gets exactly one audit record, durable before the response, naming the caller once the
 * token was verified and the catalogue code it was refused with — and a refusal that cannot be
 * recorded is answered AUDIT_UNAVAILABLE (fail closed), over real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCode, type AuditContent } from '../../audit/index.js';
import { refusalRecord } from '../../gateway/auditPlugin.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';

const SIMPLE = '{ cases(first: 1) { totalCount } }';
const BELGIAN_COUNSELLOR = { organisation: 'EU/GOV/BE-RETURN', country: 'BE', officialId: 'be-counsellor-001', roles: ['MS_COUNSELLOR'] };

interface Sent {
  requestId: string;
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

describe.each(testStores)('refusal records on $name', (store) => {
  let federation: TestFederation;
  let token: string;

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: 10 });
    token = (await federation.as('be-counsellor', 'RETURN_COUNSELLING')).authorization!;
  });
  afterAll(async () => {
    await federation?.stop();
  });

  const recordsOf = (requestId: string) =>
    federation.db.query<{ kind: string; outcome: string; organisation: string | null; official_id: string | null; content: AuditContent }>(
      'SELECT kind, outcome, organisation, official_id, body::jsonb AS content FROM audit.record WHERE request_id = $1',
      [requestId],
    );

  /** Sends one request with a fresh request id; `headers` replace the defaults (a verified counsellor, JSON). */
  async function send(init: { method?: string; body?: string; headers?: Record<string, string | undefined> } = {}): Promise<Sent> {
    const requestId = randomUUID();
    const merged: Record<string, string | undefined> = { authorization: token, 'x-purpose': 'RETURN_COUNSELLING', 'content-type': 'application/json', 'x-request-id': requestId, ...init.headers };
    const headers = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
    const response = await fetch(federation.gateway.url, { method: init.method ?? 'POST', headers, body: init.body });
    const text = await response.text();
    return { requestId, status: response.status, body: text ? (JSON.parse(text) as Sent['body']) : {} };
  }

  /** The request's one record: outcome, code, and who the caller was. */
  async function recordOf(sent: Sent) {
    const records = await recordsOf(sent.requestId);
    expect(records).toHaveLength(1);
    const [record] = records;
    return { outcome: record!.outcome, code: record!.content.code, caller: record!.content.caller, purpose: record!.content.purpose, organisation: record!.organisation, officialId: record!.official_id };
  }

  const byCounsellor = (code: string, purpose: string | null = null, outcome = 'REFUSED') => ({
    outcome,
    code,
    caller: { issuer: expect.any(String), ...BELGIAN_COUNSELLOR },
    purpose,
    organisation: BELGIAN_COUNSELLOR.organisation,
    officialId: BELGIAN_COUNSELLOR.officialId,
  });

  it('a purpose refusal of a verified token names the caller (HUB_PURPOSE_MISSING)', async () => {
    const sent = await send({ body: JSON.stringify({ query: SIMPLE }), headers: { 'x-purpose': undefined } });
    expect(sent.status).toBe(400);
    expect(await recordOf(sent)).toEqual(byCounsellor('HUB_PURPOSE_MISSING'));
  });

  it('an unknown purpose is refused with the caller and without the text declared (HUB_PURPOSE_UNKNOWN)', async () => {
    const sent = await send({ body: JSON.stringify({ query: SIMPLE }), headers: { 'x-purpose': 'Jane Doe born 1990' } });
    expect(sent.status).toBe(400);
    expect(await recordOf(sent)).toEqual(byCounsellor('HUB_PURPOSE_UNKNOWN'));
  });

  it('a purpose the token does not allow is recorded with the caller and that purpose (HUB_PURPOSE_NOT_ALLOWED)', async () => {
    const sent = await send({ body: JSON.stringify({ query: SIMPLE }), headers: { 'x-purpose': 'AUDIT' } });
    expect(sent.status).toBe(403);
    expect(await recordOf(sent)).toEqual(byCounsellor('HUB_PURPOSE_NOT_ALLOWED', 'AUDIT'));
  });

  it('a token that does not verify is recorded without a caller, with its code', async () => {
    const sent = await send({ body: JSON.stringify({ query: SIMPLE }), headers: { authorization: 'Bearer not-a-token' } });
    expect(sent.status).toBe(401);
    expect(await recordOf(sent)).toEqual({ outcome: 'REFUSED', code: 'HUB_AUTH_MALFORMED_TOKEN', caller: null, purpose: null, organisation: null, officialId: null });
  });

  it('a parse failure is a refusal with its code, not an ERROR without one', async () => {
    const sent = await send({ body: JSON.stringify({ query: '{ cases(' }) });
    expect(sent.status).toBe(400);
    expect(await recordOf(sent)).toEqual(byCounsellor('GRAPHQL_PARSE_FAILED', 'RETURN_COUNSELLING'));
  });

  it('a validation failure is a refusal with its code', async () => {
    const sent = await send({ body: JSON.stringify({ query: '{ noSuchField }' }) });
    expect(sent.status).toBe(400);
    expect(await recordOf(sent)).toEqual(byCounsellor('GRAPHQL_VALIDATION_FAILED', 'RETURN_COUNSELLING'));
  });

  it('a limit rule names its catalogue code (HUB_LIMIT_DEPTH)', async () => {
    const bomb = `{ cases(first: 1) { edges { node { ${'memberStateFile { '.repeat(20)}ref${' }'.repeat(20)} } } } }`;
    const sent = await send({ body: JSON.stringify({ query: bomb }) });
    expect(sent.status).toBe(400);
    expect(await recordOf(sent)).toEqual(byCounsellor('HUB_LIMIT_DEPTH', 'RETURN_COUNSELLING'));
  });

  it('CSRF prevention (refused by Apollo Server before any plugin runs) is recorded with the caller', async () => {
    const sent = await send({ body: JSON.stringify({ query: SIMPLE }), headers: { 'content-type': 'text/plain' } });
    expect(sent.status).toBe(400);
    expect(await recordOf(sent)).toEqual(byCounsellor('HUB_CSRF_REFUSED', 'RETURN_COUNSELLING'));
  });

  it('a form content type is refused with HUB_CONTENT_TYPE_UNSUPPORTED and recorded', async () => {
    const sent = await send({ body: `query=${encodeURIComponent(SIMPLE)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([sent.status, sent.body.errors]).toEqual([
      415,
      [{ message: 'Send the request body as application/json.', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE', hubCode: 'HUB_CONTENT_TYPE_UNSUPPORTED', requestId: sent.requestId } }],
    ]);
    expect(await recordOf(sent)).toEqual(byCounsellor('HUB_CONTENT_TYPE_UNSUPPORTED', 'RETURN_COUNSELLING'));
  });

  it('a body that is not JSON is refused with HUB_REQUEST_MALFORMED and recorded', async () => {
    const sent = await send({ body: '{"query": ' });
    expect([sent.status, sent.body.errors]).toEqual([
      400,
      [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST', hubCode: 'HUB_REQUEST_MALFORMED', requestId: sent.requestId } }],
    ]);
    expect(await recordOf(sent)).toEqual(byCounsellor('HUB_REQUEST_MALFORMED', 'RETURN_COUNSELLING'));
  });

  it('a batch is recorded with the caller (HUB_LIMIT_BATCHED)', async () => {
    const sent = await send({ body: JSON.stringify([{ query: SIMPLE }, { query: SIMPLE }]) });
    expect(sent.status).toBe(400);
    expect(await recordOf(sent)).toEqual(byCounsellor('HUB_LIMIT_BATCHED', 'RETURN_COUNSELLING'));
  });

  it('an oversized body is recorded with the caller: the token is verified before the body is read', async () => {
    const sent = await send({ body: JSON.stringify({ query: `{ ${'__typename '.repeat(200_000)}}` }) });
    expect(sent.status).toBe(413);
    expect(await recordOf(sent)).toEqual(byCounsellor('HUB_LIMIT_BODY_TOO_LARGE', 'RETURN_COUNSELLING'));
  });

  it('a request Apollo Server finds malformed (no query) is recorded with its code', async () => {
    const sent = await send({ body: JSON.stringify({ variables: {} }) });
    expect(sent.status).toBe(400);
    expect(await recordOf(sent)).toEqual(byCounsellor('BAD_REQUEST', 'RETURN_COUNSELLING'));
  });

  it('a method /graphql does not serve is refused with HUB_METHOD_NOT_ALLOWED and recorded', async () => {
    const sent = await send({ method: 'PUT', body: JSON.stringify({ query: SIMPLE }) });
    expect([sent.status, sent.body.errors]).toEqual([
      405,
      [{ message: 'Send GraphQL requests to /graphql with GET or POST.', extensions: { code: 'METHOD_NOT_ALLOWED', hubCode: 'HUB_METHOD_NOT_ALLOWED', requestId: sent.requestId } }],
    ]);
    expect(await recordOf(sent)).toEqual(byCounsellor('HUB_METHOD_NOT_ALLOWED', 'RETURN_COUNSELLING'));
  });

  it('a served request still has exactly one record, OK and without a code', async () => {
    const sent = await send({ body: JSON.stringify({ query: SIMPLE }) });
    expect(sent.status).toBe(200);
    expect(await recordOf(sent)).toEqual({ ...byCounsellor('', 'RETURN_COUNSELLING', 'OK'), code: undefined });
  });

  it('answers a refusal AUDIT_UNAVAILABLE while its record cannot be written (fail closed)', async () => {
    await federation.db.query('ALTER TABLE audit.record RENAME TO record_unavailable');
    let sent: Sent;
    try {
      sent = await send({ body: JSON.stringify([{ query: SIMPLE }]) });
    } finally {
      await federation.db.query('ALTER TABLE audit.record_unavailable RENAME TO record');
    }
    expect([sent.status, sent.body]).toEqual([
      503,
      { errors: [{ message: 'The access log cannot be written right now, so no data is served. Try again shortly.', extensions: { code: 'AUDIT_UNAVAILABLE', hubCode: 'HUB_AUDIT_UNAVAILABLE', requestId: sent.requestId } }] },
    ]);
  });

  it('leaves no record without a code, whatever refused it', async () => {
    const mute = await federation.db.query<{ outcome: string }>("SELECT outcome FROM audit.record WHERE outcome <> 'OK' AND coalesce(body::jsonb->>'code', '') = ''");
    const refused = await federation.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit.record WHERE outcome = 'REFUSED'");
    expect(mute).toEqual([]);
    expect(refused[0]!.n).toBeGreaterThanOrEqual(13);
  });
});

describe('a record names why, or is not written', () => {
  it('refuses a record of a refusal or failure without a code', () => {
    expect(() => requireCode({ requestId: 'r-1', outcome: 'ERROR' })).toThrow(new TypeError('audit record of request r-1 has outcome ERROR and no code'));
    expect(() => requireCode({ requestId: 'r-2', outcome: 'REFUSED', code: '' })).toThrow(new TypeError('audit record of request r-2 has outcome REFUSED and no code'));
  });

  it('passes a served record without a code, and any record with one', () => {
    expect(requireCode({ requestId: 'r-3', outcome: 'OK' })).toEqual({ requestId: 'r-3', outcome: 'OK' });
    expect(requireCode({ requestId: 'r-4', outcome: 'DENIED', code: 'FORBIDDEN_FIELD' })).toEqual({ requestId: 'r-4', outcome: 'DENIED', code: 'FORBIDDEN_FIELD' });
  });

  it('builds an HTTP-layer refusal with the code, and no caller when none was verified', () => {
    expect(refusalRecord({ requestId: 'r-5', code: 'HUB_LIMIT_BATCHED', outcome: 'REFUSED', request: null, response: null })).toMatchObject({
      kind: 'ACCESS',
      requestId: 'r-5',
      caller: null,
      purpose: null,
      outcome: 'REFUSED',
      code: 'HUB_LIMIT_BATCHED',
    });
  });
});
