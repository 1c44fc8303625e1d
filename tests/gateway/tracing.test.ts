/**
 * OpenTelemetry traces across the federation, in-process with an in-memory exporter: one trace per
 * request from the gateway's server span through Apollo Gateway's spans to a server span in each
 * subgraph called, linked by the `traceparent` each fetch carries; a caller's trace continued; no
 * personal data, case reference, caller identity or document in any span; a failing subgraph
 * marked ERROR with its hub code. What leaves the process (OTLP, and nothing when off):
 * tracing-export.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_TEXT_ATTRIBUTES, JsonLinesSpanExporter } from '../../gateway/tracing.js';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import { callCounts, startTestFederation, type TestFederation } from '../harness/federation.js';
import { postGraphQL } from '../harness/graphql.js';
import { testStores } from '../harness/stores.js';

const CASES = 60;
const IQ_PARTNER = 'IQ/NGO/IQ-REINTEGRATION-PARTNER';
const PAGE = `query TracedPage { cases(first: 40) { edges { node { ref status reintegrationPlan { approvedOn } memberStateFile {
  ... on BelgianCaseFile { person { familyName givenNames documents { number } contact { email phone } } counsellingSessions { date topic } } } } } } }`;
const ONE_CASE = 'query TracedCase($ref: CaseRef!) { case(ref: $ref) { ref status memberStateFile { person { familyName } } } }';

const serviceOf = (span: ReadableSpan) => span.resource.attributes['service.name'];
const isServer = (span: ReadableSpan) => span.kind === SpanKind.SERVER;

describe.each(testStores)('traces on $name', (store) => {
  let federation: TestFederation;
  const exporter = new InMemorySpanExporter();

  /**
   * Sends an operation with its own request id (extra headers, e.g. a caller's traceparent, as
   * given) and waits for its whole trace: the gateway's server span and one server span per
   * request the subgraphs received (spans end after their responses leave, so some may still be
   * on their way when the client has its answer).
   */
  const send = async (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}, persona: 'be-counsellor' | 'iq-partner' | null = 'be-counsellor') => {
    const requestId = randomUUID();
    const purpose = persona === 'iq-partner' ? 'REINTEGRATION_ASSISTANCE' : 'RETURN_COUNSELLING';
    const before = callCounts(federation);
    const credentials = persona ? await federation.as(persona, purpose) : {};
    const response = await postGraphQL(federation.gateway.url, query, variables, { ...credentials, 'x-request-id': requestId, ...headers });
    const reached = Object.entries(callCounts(federation)).reduce((sum, [name, { fetches }]) => sum + fetches - before[name]!.fetches, 0);
    for (;;) {
      await federation.tracing!.flush();
      const spans = exporter.getFinishedSpans();
      const root = spans.find((s) => isServer(s) && serviceOf(s) === 'continuum-gateway' && s.attributes['continuum.request_id'] === requestId);
      const trace = root ? spans.filter((s) => s.spanContext().traceId === root.spanContext().traceId) : [];
      if (root && trace.filter((s) => isServer(s) && s !== root).length === reached) return { requestId, response, trace };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES, traces: { mode: 'stdout', exporter } });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it("gives a request one trace: the gateway's server span, Apollo Gateway's spans under it, and a server span in each subgraph called under its fetch", async () => {
    const { requestId, response, trace } = await send(PAGE);
    expect(response.errors).toBeUndefined();
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (span: ReadableSpan) => byId.get(span.parentSpanContext?.spanId ?? '');

    const root = trace.find((s) => isServer(s) && serviceOf(s) === 'continuum-gateway')!;
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.name).toBe('POST /graphql');
    expect(root.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': '/graphql',
      'continuum.request_id': requestId,
      'http.response.status_code': 200,
    });
    // The client's operation name is on no span: Apollo Gateway's own spans included.
    expect(trace.filter((s) => CLIENT_TEXT_ATTRIBUTES.some((name) => name in s.attributes)).map((s) => s.name)).toEqual([]);
    expect(root.status.code).toBe(SpanStatusCode.UNSET);

    const named = (name: string) => trace.filter((s) => s.name === name);
    const [request] = named('gateway.request');
    expect(parentOf(request!)).toBe(root);
    for (const name of ['gateway.validate', 'gateway.plan', 'gateway.execute']) expect(named(name).map(parentOf)).toEqual([request]);
    expect(named('gateway.postprocessing').map(parentOf)).toEqual(named('gateway.execute'));
    for (const span of named('gateway.request').concat(named('gateway.execute'))) expect(serviceOf(span)).toBe('continuum-gateway');

    const fetches = named('gateway.fetch');
    expect(fetches.map(parentOf)).toEqual(fetches.map(() => named('gateway.execute')[0]));
    const called = fetches.map((f) => f.attributes.service).sort();
    expect(called).toEqual(['be-cases', 'central', 'eu-programme']);
    const subgraphSpans = trace.filter((s) => isServer(s) && s !== root);
    expect(subgraphSpans.map((s) => serviceOf(s)).sort()).toEqual(called.map((name) => `continuum-subgraph-${name}`));
    for (const span of subgraphSpans) {
      const subgraph = span.attributes['continuum.subgraph'];
      // The traceparent the subgraph received named the fetch that called it.
      expect(parentOf(span)).toMatchObject({ name: 'gateway.fetch', attributes: { service: subgraph } });
      expect(span.attributes).toMatchObject({ 'continuum.request_id': requestId, 'http.response.status_code': 200 });
    }
  });

  it("continues a caller's trace: the same trace id, the gateway's server span a child of the caller's span, the caller's tracestate left out", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const callerSpan = 'b7ad6b7169203331';
    const { trace } = await send(ONE_CASE, { ref: 'EU-2024-000003' }, { traceparent: `00-${traceId}-${callerSpan}-01`, tracestate: 'caller=free-text' });
    const root = trace.find((s) => isServer(s) && serviceOf(s) === 'continuum-gateway')!;
    expect(root.spanContext().traceId).toBe(traceId);
    expect(root.parentSpanContext).toMatchObject({ traceId, spanId: callerSpan, isRemote: true });
    expect(trace.filter((s) => isServer(s) && s !== root).length).toBeGreaterThan(0);
    expect(trace.map((s) => s.spanContext().traceState)).toEqual(trace.map(() => undefined));
  });

  it('puts no personal data, case reference, caller identity or document text in any span', async () => {
    const cases = [...syntheticCases(CASES)];
    const asked = cases.find((c) => c.owningMemberState === 'BE')!;
    const page = await send(PAGE);
    const one = await send(ONE_CASE, { ref: asked.ref });
    const spans = [...page.trace, ...one.trace];

    // What an operator would see: the stdout lines, and every attribute, event and status of every span.
    const lines: string[] = [];
    new JsonLinesSpanExporter((text) => lines.push(text)).export(spans, () => {});
    const exported = lines.join('');
    expect(exported.split('\n').filter(Boolean)).toHaveLength(spans.length);
    const people = cases.map((c) => c.person);
    const secrets = people.flatMap((p) => [p.familyName, ...p.documents.map((d) => d.number), ...(p.contact.email ? [p.contact.email] : [])]).filter((s) => s.length >= 5);
    const served = JSON.stringify([page.response.data, one.response.data]);
    expect(secrets.filter((s) => served.includes(s)).length).toBeGreaterThan(10);
    expect(secrets.filter((s) => exported.includes(s))).toEqual([]);
    expect(exported).not.toMatch(/EU-\d{4}-\d{6}/);
    expect(exported).not.toContain('be-counsellor-001');
    expect(exported).not.toContain('EU/GOV/BE-RETURN');
    for (const field of ['familyName', 'documents', 'counsellingSessions', '$ref']) expect(exported).not.toContain(field);
    expect(spans.flatMap((s) => s.events)).toEqual([]);
  });

  it('records a refused request with its HTTP status and hub code, as an answer rather than a fault', async () => {
    const { response, trace } = await send(ONE_CASE, { ref: 'EU-2024-000003' }, {}, null);
    expect(response.status).toBe(401);
    expect(trace).toHaveLength(1);
    expect(trace[0]!.attributes).toMatchObject({ 'http.response.status_code': 401, 'continuum.error_codes': ['HUB_AUTH_MISSING_TOKEN'] });
    expect(trace[0]!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a request whose subgraph failed ERROR with the hub code, on its server span and on that fetch, never with the message', async () => {
    const partnerCase = [...syntheticCases(CASES)].find((c) => c.assignedPartner === IQ_PARTNER && c.partnerFile)!;
    await federation.systems.get('iq-partner')!.subgraph.close();
    const { response, trace } = await send('query TracedPartnerFile($ref: CaseRef!) { case(ref: $ref) { ref partnerFile { partner } } }', { ref: partnerCase.ref }, {}, 'iq-partner');
    expect(response.errors?.map((e) => e.extensions?.hubCode)).toEqual(['HUB_SUBGRAPH_UNAVAILABLE']);
    const root = trace.find((s) => isServer(s) && serviceOf(s) === 'continuum-gateway')!;
    expect(root.status).toEqual({ code: SpanStatusCode.ERROR, message: 'HUB_SUBGRAPH_UNAVAILABLE' });
    expect(root.attributes['continuum.error_codes']).toEqual(['HUB_SUBGRAPH_UNAVAILABLE']);
    const fetch = trace.find((s) => s.name === 'gateway.fetch' && s.attributes.service === 'iq-partner')!;
    expect(fetch.status.code).toBe(SpanStatusCode.ERROR);
    expect(fetch.attributes['continuum.error_codes']).toEqual(['HUB_SUBGRAPH_UNAVAILABLE']);
    expect(JSON.stringify(trace.map((s) => [s.attributes, s.status, s.events]))).not.toContain('unavailable');
  });
});
