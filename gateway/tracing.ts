/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) without a tracing SDK: each request
 * continues the caller's trace (a valid `traceparent`) or starts one, every subgraph call carries
 * a `traceparent` of that trace with a span id of its own, and the gateway and the subgraphs log
 * the trace id with the request id. An exporter (OpenTelemetry, opt-in so that nothing leaves an
 * air-gapped network by default) can build on these ids; it is not part of the hub yet.
 */
import { randomBytes } from 'node:crypto';

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
