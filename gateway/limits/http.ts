/**
 * HTTP-level limits on /graphql, before GraphQL sees the request: body size (Fastify's
 * bodyLimit, answered here with the hub's code), the body's content type and JSON, and batched
 * operations. Every refusal goes through the one refusal sender (../refusal.ts), so it has the
 * catalogue's status and body and is recorded in the audit log like any other request.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { HubErrorCode } from '../errors.js';
import { sendRefusal } from '../refusal.js';

/** The one refusal sender, for guards that have only the reply (its request is `reply.request`). */
export function sendHubError(reply: FastifyReply, code: HubErrorCode, _requestId: string, args: readonly string[] = []) {
  return sendRefusal(reply.request, reply, code, args);
}

/** One operation per request: a JSON array is a batch (Apollo's own switch is off as well). */
export function refuseBatches(onRefusal: (code: HubErrorCode) => void = () => {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!Array.isArray(request.body)) return;
    onRefusal('HUB_LIMIT_BATCHED');
    return sendRefusal(request, reply, 'HUB_LIMIT_BATCHED');
  };
}

/** Fastify's body errors, by the hub code each is refused with. */
const BODY_ERRORS: Readonly<Record<string, HubErrorCode>> = Object.freeze({
  FST_ERR_CTP_BODY_TOO_LARGE: 'HUB_LIMIT_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'HUB_CONTENT_TYPE_UNSUPPORTED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'HUB_REQUEST_MALFORMED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'HUB_REQUEST_MALFORMED',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'HUB_REQUEST_MALFORMED',
});

/** The hub code for an error Fastify raised while reading the body, if it is one. */
export function bodyErrorCode(error: FastifyError): HubErrorCode | undefined {
  const code = error.code ? BODY_ERRORS[error.code] : undefined;
  if (code) return code;
  // The JSON parser's own syntax errors carry status 400 and no Fastify code.
  if (error instanceof SyntaxError && error.statusCode === 400) return 'HUB_REQUEST_MALFORMED';
  return undefined;
}

/**
 * The /graphql route's error handler: an oversized body (refused by Fastify before it is read,
 * from Content-Length or while streaming), a content type other than JSON or a body that is not
 * JSON get the hub's code; anything else is unexpected and answers HUB_INTERNAL (logged, masked).
 */
export function bodyLimitErrorHandler(bodyLimitBytes: number, onRefusal: (code: HubErrorCode) => void = () => {}, log: (entry: Record<string, unknown>) => void = () => {}) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const code = bodyErrorCode(error);
    if (!code) {
      log({ requestId: request.id, fastifyCode: error.code ?? null, message: error.message });
      return sendRefusal(request, reply, 'HUB_INTERNAL');
    }
    onRefusal(code);
    if (code === 'HUB_LIMIT_BODY_TOO_LARGE') {
      // The rest of the body is not read: close the connection rather than drain megabytes.
      reply.header('connection', 'close');
      return sendRefusal(request, reply, code, [String(bodyLimitBytes)]);
    }
    return sendRefusal(request, reply, code);
  };
}
