/**
 * What traces send out of the process. With the default configuration nothing: no tracer provider
 * is registered and a collector named by OpenTelemetry's own environment variables hears nothing.
 * With `CONTINUUM_TRACES=otlp`, a collector on 127.0.0.1 (a small node:http receiver recording the
 * OTLP/HTTP JSON it is sent) receives, by the time the hub has shut down, one trace per request
 * with the gateway's, Apollo Gateway's and each called subgraph's spans, correctly linked. A
 * collector that refuses the last spans costs those spans, not a clean shutdown.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config.js';
import { startTracing, tracingOptions } from '../../gateway/tracing.js';
import { startTestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';

const QUERY = 'query ExportedPage { cases(first: 10) { edges { node { ref status reintegrationPlan { approvedOn } } } } }';

interface Received {
  path: string;
  contentType: string;
  body: unknown;
}

/** An OTLP/HTTP collector stand-in: records every POST, answers `status` (200 unless told). */
async function collector(): Promise<{ server: Server; url: string; received: Received[]; status: number }> {
  const received: Received[] = [];
  const state = { status: 200 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ path: request.url ?? '', contentType: request.headers['content-type'] ?? '', body: text ? JSON.parse(text) : null });
      response.writeHead(state.status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received });
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}
interface OtlpExport {
  resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const attribute = (attributes: OtlpSpan['attributes'], key: string) => {
  const value = attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? value?.intValue;
};

/** Every exported span, with the service name of its resource. */
function spansIn(received: Received[]): (OtlpSpan & { service: string; version: unknown })[] {
  return received.flatMap(({ body }) =>
    (body as OtlpExport).resourceSpans.flatMap(({ resource, scopeSpans }) =>
      scopeSpans.flatMap(({ spans }) => spans.map((span) => ({ ...span, service: String(attribute(resource.attributes, 'service.name')), version: attribute(resource.attributes, 'service.version') }))),
    ),
  );
}

describe.each(testStores)('what traces send out, on $name', (store) => {
  let receiver: Awaited<ReturnType<typeof collector>>;
  const otelEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

  beforeAll(async () => {
    receiver = await collector();
  });
  afterAll(async () => {
    if (otelEndpoint === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = otelEndpoint;
    receiver?.server.closeAllConnections();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('by default registers no tracer provider and sends nothing, even with an OpenTelemetry collector in the environment', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    const federation = await startTestFederation(store, { cases: 20, traces: tracingOptions(loadConfig({})) });
    try {
      const response = await federation.query('be-counsellor', 'RETURN_COUNSELLING', QUERY);
      expect(response.errors).toBeUndefined();
      expect(federation.tracing).toBeUndefined();
      expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
      expect(propagation.fields()).toEqual([]);
    } finally {
      await federation.stop();
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    }
    expect(receiver.received).toEqual([]);
  });

  it("with CONTINUUM_TRACES=otlp sends the collector each request's whole trace as OTLP/HTTP JSON, flushed at shutdown", async () => {
    const config = loadConfig({ CONTINUUM_TRACES: 'otlp', CONTINUUM_OTLP_ENDPOINT: receiver.url });
    const federation = await startTestFederation(store, { cases: 20, traces: tracingOptions(config) });
    const traceId = randomUUID().replaceAll('-', '');
    let stopped = false;
    try {
      const response = await fetch(federation.gateway.url, {
        method: 'POST',
        headers: { ...(await federation.as('be-counsellor', 'RETURN_COUNSELLING')), 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        body: JSON.stringify({ query: QUERY }),
      });
      expect(response.status).toBe(200);
      await federation.stop();
      stopped = true;
    } finally {
      if (!stopped) await federation.stop();
    }

    expect(receiver.received.length).toBeGreaterThan(0);
    for (const { path, contentType } of receiver.received) expect({ path, contentType }).toEqual({ path: '/v1/traces', contentType: 'application/json' });
    const spans = spansIn(receiver.received).filter((span) => span.traceId === traceId);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const root = spans.find((span) => span.name === 'POST /graphql' && span.service === 'continuum-gateway')!;
    expect(root.parentSpanId).toBe('00f067aa0ba902b7');
    expect(root.version).toBe((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version);
    // Exported without the client's operation name (gateway/tracing.ts CLIENT_TEXT_ATTRIBUTES).
    expect(spans.filter((span) => span.attributes.some((a) => a.key === 'graphql.operation.name' || a.key === 'operationName'))).toEqual([]);
    expect(spans.map((span) => span.name)).toEqual(expect.arrayContaining(['gateway.request', 'gateway.plan', 'gateway.execute', 'gateway.fetch', 'gateway.postprocessing']));
    const subgraphSpans = spans.filter((span) => span.service.startsWith('continuum-subgraph-'));
    expect(subgraphSpans.map((span) => span.service).sort()).toEqual(['continuum-subgraph-central', 'continuum-subgraph-eu-programme']);
    for (const span of subgraphSpans) {
      expect(byId.get(span.parentSpanId ?? '')).toMatchObject({ name: 'gateway.fetch', service: 'continuum-gateway' });
    }
    for (const span of spans.filter((s) => s !== root)) expect(byId.has(span.parentSpanId ?? '')).toBe(true);
  });

  it('shuts down cleanly when the collector refuses the last spans, saying so in a log line', async () => {
    receiver.status = 400;
    const lines: string[] = [];
    const tracing = startTracing({ mode: 'otlp', otlpEndpoint: receiver.url, write: (line) => lines.push(line) })!;
    trace.getTracer('probe').startSpan('probe').end();
    await expect(tracing.shutdown()).resolves.toBeUndefined();
    expect(receiver.received.at(-1)?.path).toBe('/v1/traces');
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({ level: 'warn', component: 'tracing', msg: expect.stringMatching(/^spans not exported at shutdown: /) }),
    );
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  });
});
