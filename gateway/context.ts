/** The per-request context the gateway builds for every operation. */
import type { RequestAccess } from './access/RequestAccess.js';
import type { TraceContext } from './tracing.js';

export interface HubContext {
  /** Correlates the request across gateway, subgraphs and logs. */
  requestId: string;
  /** The verified caller, declared purpose and this request's decisions. */
  access: RequestAccess;
  /** The W3C trace this request belongs to (forwarded to subgraphs as `traceparent`). */
  trace?: TraceContext;
}
