/**
 * Traces: W3C trace context (https://www.w3.org/TR/trace-context/) always, OpenTelemetry spans
 * when an operator turns them on.
 *
 * Always: each request continues the caller's trace (a valid `traceparent`) or starts one, every
 * subgraph call carries a `traceparent` of that trace, and the gateway and the subgraphs log the
 * trace id with the request id. With traces off (the default) this is done by hand below, no
 * tracer provider is registered and nothing leaves the process.
 *
 * `CONTINUUM_TRACES=stdout|otlp` starts the OpenTelemetry SDK (`startTracing`): the gateway's
 * provider becomes the process's global one, so Apollo Gateway's own spans (`gateway.request`,
 * `.plan`, `.execute`, `.fetch`, `.postprocessing`) join the hub's server spans
 * (subgraphs/kit/tracing.ts) in one trace per request, and the `traceparent` a subgraph receives
 * names the `gateway.fetch` span that called it. Each component has its own service name
 * (`continuum-gateway`, `continuum-subgraph-<name>`) even when they share a process. Spans carry
 * ids, names, codes and timings only — never a document, variables, caller or case data, or an
 * error message (docs/DEPLOYMENT.md § Traces).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { context, diag, DiagLogLevel, isSpanContextValid, propagation, ProxyTracerProvider, trace, type Context, type Span, type SpanOptions, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, hrTimeToMilliseconds, hrTimeToTimeStamp, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TraceContext {
  traceId: string;
  /** The caller's trace flags (sampled or not), passed on unchanged. */
  flags: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE = '0'.repeat(32);
const INVALID_SPAN = '0'.repeat(16);

/** The trace a request belongs to: the caller's if its `traceparent` is valid, else a new one. */
export function traceContextOf(header: unknown): TraceContext {
  const match = typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
  if (match && match[1] !== INVALID_TRACE && match[2] !== INVALID_SPAN) return { traceId: match[1]!, flags: match[3]! };
  return { traceId: randomBytes(16).toString('hex'), flags: '00' };
}

/** A `traceparent` for one outgoing call in this trace. */
export function childTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${randomBytes(8).toString('hex')}-${trace.flags}`;
}

/**
 * The trace of the request being served: the active span's when traces are on (its trace id is
 * the one exported, and a new root's differs from anything the caller sent), else by hand.
 */
export function requestTrace(header: unknown): TraceContext {
  const active = trace.getSpanContext(context.active());
  if (active && isSpanContextValid(active)) return { traceId: active.traceId, flags: (active.traceFlags & 1) === 1 ? '01' : '00' };
  return traceContextOf(header);
}

/**
 * The `traceparent` for a subgraph call: the active span's (Apollo Gateway's `gateway.fetch`)
 * through the W3C propagator when traces are on, so the subgraph's span is its child; by hand
 * with a fresh span id otherwise.
 */
export function outgoingTraceparent(fallback: TraceContext): string {
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? childTraceparent(fallback);
}

export type TracesMode = 'off' | 'stdout' | 'otlp';
export const TRACES_MODES = ['off', 'stdout', 'otlp'] as const satisfies readonly TracesMode[];

export const GATEWAY_SERVICE = 'continuum-gateway';
export const subgraphService = (name: string): string => `continuum-subgraph-${name}`;

export interface TracingOptions {
  mode: TracesMode;
  /** The collector's OTLP/HTTP traces URL (mode `otlp`); a URL without a path gets `/v1/traces`. */
  otlpEndpoint?: string;
  /** Replaces the mode's exporter (tests: an in-memory one). */
  exporter?: SpanExporter;
  /** Where `stdout` lines and the SDK's own warnings (e.g. a collector that cannot be reached) go. */
  write?: (line: string) => void;
}

export interface Tracing {
  /** The tracer of one component, exported under its own service name. */
  tracer(service: string): Tracer;
  /** Exports every finished span still buffered. */
  flush(): Promise<void>;
  /** Flushes, stops exporting, and unregisters the global provider, context manager and propagator. */
  shutdown(): Promise<void>;
}

/** The tracing settings of a loaded configuration (gateway/config.ts). */
export function tracingOptions(config: { CONTINUUM_TRACES: TracesMode; CONTINUUM_OTLP_ENDPOINT?: string | undefined }): TracingOptions {
  return { mode: config.CONTINUUM_TRACES, ...(config.CONTINUUM_OTLP_ENDPOINT ? { otlpEndpoint: config.CONTINUUM_OTLP_ENDPOINT } : {}) };
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const NO_TRACER = new ProxyTracerProvider().getTracer('continuum-off');

/**
 * The process's global tracer provider once traces have been started: it forwards to the running
 * tracing's gateway provider, or to nothing. Libraries keep the tracer they got at load time
 * (Apollo Gateway does), so replacing the global provider on a restart would leave them writing
 * to the stopped one; forwarding lets tracing stop and start again in one process (tests, embedding).
 */
class ForwardingTracerProvider implements TracerProvider {
  current: TracerProvider | undefined;
  getTracer(name: string, version?: string): Tracer {
    return new ForwardingTracer(this, name, version);
  }
}

class ForwardingTracer implements Tracer {
  private cached: { provider: TracerProvider; tracer: Tracer } | undefined;
  constructor(
    private readonly owner: ForwardingTracerProvider,
    private readonly name: string,
    private readonly version: string | undefined,
  ) {}

  private target(): Tracer {
    const provider = this.owner.current;
    if (!provider) return NO_TRACER;
    if (this.cached?.provider !== provider) this.cached = { provider, tracer: provider.getTracer(this.name, this.version) };
    return this.cached.tracer;
  }

  startSpan(name: string, options?: SpanOptions, parent?: Context): Span {
    return this.target().startSpan(name, options, parent);
  }

  startActiveSpan: Tracer['startActiveSpan'] = (...args: unknown[]) => (this.target().startActiveSpan as (...a: unknown[]) => never)(...args);
}

const forwarding = new ForwardingTracerProvider();
let forwardingRegistered = false;

/**
 * Starts the OpenTelemetry SDK, or returns undefined for mode `off` (nothing registered). One
 * span processor and exporter for the whole process; one provider per component, each with its
 * service name, version and this process's instance id. Only one may run per process at a time.
 */
export function startTracing(options: TracingOptions): Tracing | undefined {
  if (options.mode === 'off') return undefined;
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const exporter = new WithoutClientText(options.exporter ?? (options.mode === 'stdout' ? new JsonLinesSpanExporter(write) : new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint) })));
  // Batched for both: ending a span costs a queue push, never I/O on the request's path.
  const processor = new BatchSpanProcessor(exporter, options.mode === 'stdout' ? { scheduledDelayMillis: 1000 } : {});
  // A caller's sampling decision is kept; a trace the hub starts is always recorded.
  const sampler = new ParentBasedSampler({ root: new AlwaysOnSampler() });
  const instance = randomUUID();
  const providers = new Map<string, NodeTracerProvider>();
  const providerFor = (service: string) => {
    let provider = providers.get(service);
    if (!provider) {
      const resource = defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: service, [ATTR_SERVICE_VERSION]: VERSION, 'service.instance.id': instance }));
      provider = new NodeTracerProvider({ resource, sampler, spanProcessors: [processor] });
      providers.set(service, provider);
    }
    return provider;
  };

  // The gateway's provider answers the global API: Apollo Gateway creates its spans through it.
  if (forwarding.current) throw new Error('Traces are already started in this process: shut the other tracing down first.');
  if (!forwardingRegistered) forwardingRegistered = trace.setGlobalTracerProvider(forwarding);
  if (!forwardingRegistered) throw new Error('Another OpenTelemetry tracer provider is registered in this process.');
  forwarding.current = providerFor(GATEWAY_SERVICE);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // W3C trace context only: no baggage is read from callers or passed to subgraphs.
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const log = (level: 'error' | 'warn', message: string) => write(`${JSON.stringify({ level, component: 'tracing', msg: message })}\n`);
  diag.setLogger(
    { error: (message) => log('error', message), warn: (message) => log('warn', message), info: () => {}, debug: () => {}, verbose: () => {} },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );

  let stopped: Promise<void> | undefined;
  return {
    tracer: (service) => providerFor(service).getTracer('continuum', VERSION),
    flush: () => processor.forceFlush(),
    // Never fails: a collector that is down at shutdown costs its last spans, not a clean exit.
    shutdown: () =>
      (stopped ??= processor
        .shutdown()
        .catch((error: unknown) => {
          log('warn', `spans not exported at shutdown: ${(error as Error).message}`);
        })
        .finally(() => {
          // The global tracer provider stays registered (Apollo Gateway keeps the tracer it got
          // from it at load time) but forwards to nothing: spans are no-ops again.
          forwarding.current = undefined;
          context.disable();
          propagation.disable();
          diag.disable();
        })),
  };
}

/** The collector's traces URL: as given, or with OTLP/HTTP's `/v1/traces` when it has no path. */
export function tracesUrl(endpoint: string | undefined): string {
  if (!endpoint) throw new Error('CONTINUUM_OTLP_ENDPOINT is required when CONTINUUM_TRACES is otlp');
  const url = new URL(endpoint);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
  return url.toString();
}

const KINDS = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUSES = ['UNSET', 'OK', 'ERROR'];

/** One finished span as one JSON object: what `CONTINUUM_TRACES=stdout` prints, a line each. */
export function spanRecord(span: ReadableSpan): Record<string, unknown> {
  const { traceId, spanId } = span.spanContext();
  return {
    span: span.name,
    service: span.resource.attributes[ATTR_SERVICE_NAME] ?? null,
    traceId,
    spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    kind: KINDS[span.kind] ?? String(span.kind),
    start: hrTimeToTimeStamp(span.startTime),
    durationMs: Math.round(hrTimeToMilliseconds(span.duration) * 1000) / 1000,
    status: STATUSES[span.status.code] ?? String(span.status.code),
    ...(span.status.message ? { statusMessage: span.status.message } : {}),
    attributes: span.attributes,
    ...(span.events.length > 0 ? { events: span.events.map((event) => ({ name: event.name, attributes: event.attributes ?? {} })) } : {}),
  };
}

/**
 * Span attributes holding text a client chose — the operation name, which Apollo Gateway puts on
 * its own spans (`graphql.operation.name`, `operationName`) and the kit on request spans — and so
 * possibly personal data. They never leave the process: the operation's type stays.
 */
export const CLIENT_TEXT_ATTRIBUTES: readonly string[] = Object.freeze(['graphql.operation.name', 'operationName']);

function withoutClientText(span: ReadableSpan): ReadableSpan {
  if (!CLIENT_TEXT_ATTRIBUTES.some((name) => name in span.attributes)) return span;
  const attributes = { ...span.attributes };
  for (const name of CLIENT_TEXT_ATTRIBUTES) delete attributes[name];
  // The span itself, seen with other attributes (its methods and fields come through the prototype).
  return Object.create(span, { attributes: { value: attributes, enumerable: true } }) as ReadableSpan;
}

/** Wraps the process's exporter: every span is exported without CLIENT_TEXT_ATTRIBUTES. */
export class WithoutClientText implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans.map(withoutClientText), done);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Writes each finished span as one JSON line (`CONTINUUM_TRACES=stdout`). */
export class JsonLinesSpanExporter implements SpanExporter {
  constructor(private readonly write: (text: string) => void) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      this.write(spans.map((span) => `${JSON.stringify(spanRecord(span))}\n`).join(''));
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
