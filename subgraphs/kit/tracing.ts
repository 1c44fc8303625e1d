/**
 * A server span for each request on a traced route (the gateway's and every subgraph's
 * `/graphql`), when traces are on (gateway/tracing.ts): it continues the caller's `traceparent`
 * or starts a trace, is the active span while the route's handler runs (so Apollo Gateway's spans
 * and the subgraph calls hang under it), and ends when the response has gone, with its HTTP status.
 *
 * What a span may carry is decided here and nowhere else: the method and route (never the URL,
 * whose query string can hold a document and variables), the request id, the operation name,
 * the subgraph's name, the HTTP status and the codes of the errors answered (catalogue codes,
 * never messages). No document, variables, case reference, caller identity, client address or
 * value. The caller's `tracestate` is not read: it is free text the caller controls.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { context, createContextKey, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type TextMapGetter, type Tracer } from '@opentelemetry/api';
import { SCANNED_ERROR_BODY, SPAN_ATTRIBUTES, spanCodeOf, spanCodesOfBody, spanFault, TRACEPARENT_HEADER } from '@continuum/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';

export { SPAN_ATTRIBUTES };

// OpenTelemetry's stable HTTP semantic conventions, written out (the kit needs only @opentelemetry/api).
const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
const ATTR_HTTP_ROUTE = 'http.route';

interface RequestSpan {
  span: Span;
  codes: Set<string>;
}

const REQUEST_SPAN = createContextKey('continuum request span');
const spans = new WeakMap<FastifyRequest, RequestSpan>();

const traceparentOnly: TextMapGetter<FastifyRequest['headers']> = {
  keys: () => [TRACEPARENT_HEADER],
  get: (headers, key) => (key === TRACEPARENT_HEADER ? headers[TRACEPARENT_HEADER] : undefined),
};

/** The request span of the request being handled, if traces are on. */
function current(): RequestSpan | undefined {
  return context.active().getValue(REQUEST_SPAN) as RequestSpan | undefined;
}

/**
 * Route options (`onRequest`, `onSend`, `onResponse`, `handler`) that trace `handler`; with no
 * tracer, just the handler. Spread them into `app.route({ … })`.
 */
export function tracedRoute<H extends (this: never, ...args: never[]) => unknown>(
  tracer: Tracer | undefined,
  route: string,
  handler: H,
  attributes: (request: FastifyRequest) => Attributes = () => ({}),
) {
  if (!tracer) return { handler };
  return {
    onRequest: async (request: FastifyRequest) => {
      const parent = propagation.extract(ROOT_CONTEXT, request.headers, traceparentOnly);
      const span = tracer.startSpan(
        `${request.method} ${route}`,
        { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_HTTP_ROUTE]: route, ...attributes(request) } },
        parent,
      );
      spans.set(request, { span, codes: new Set() });
    },
    onSend: async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const state = spans.get(request);
      if (state && reply.statusCode >= 400 && typeof payload === 'string' && payload.length <= SCANNED_ERROR_BODY) {
        for (const code of spanCodesOfBody(payload)) state.codes.add(code);
      }
      return payload;
    },
    onResponse: async (request: FastifyRequest, reply: FastifyReply) => {
      const state = spans.get(request);
      if (!state) return;
      spans.delete(request);
      const { span, codes } = state;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
      if (codes.size > 0) span.setAttribute(SPAN_ATTRIBUTES.errorCodes, [...codes].sort());
      const fault = spanFault(codes, reply.statusCode);
      if (fault) span.setStatus({ code: SpanStatusCode.ERROR, message: fault });
      span.end();
    },
    handler: function (this: unknown, request: FastifyRequest, reply: FastifyReply) {
      const inner = handler as unknown as (this: unknown, request: FastifyRequest, reply: FastifyReply) => unknown;
      const state = spans.get(request);
      if (!state) return inner.call(this, request, reply);
      return context.with(trace.setSpan(context.active(), state.span).setValue(REQUEST_SPAN, state), () => inner.call(this, request, reply));
    } as unknown as H,
  };
}

/**
 * Records the operation name and the codes of the errors answered on the request's span. The
 * errors are the formatted ones, after the gateway has masked anything without a safe code.
 */
export function requestSpanPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const state = current();
      if (!state) return;
      return {
        async willSendResponse({ response, operationName }) {
          if (operationName) state.span.setAttribute(SPAN_ATTRIBUTES.operationName, operationName);
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          for (const error of errors) {
            const code = spanCodeOf(error);
            if (code) state.codes.add(code);
          }
        },
      };
    },
  };
}
