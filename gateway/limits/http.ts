/**
 * HTTP-level limits on /graphql, before GraphQL sees the request: body size (Fastify's
 * bodyLimit, answered here with the hub's code), batched operations, and the shape every
 * refusal takes — the same as authentication's: `{ errors: [{ message, extensions: { code,
 * hubCode, requestId } }] }` with the catalogue's status.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HubErrors, type HubErrorCode } from '../errors.js';

function format(message: string, args: readonly string[]): string {
  let i = 0;
  return message.replace(/%s/g, () => args[i++] ?? '');
}

export function sendHubError(reply: FastifyReply, code: HubErrorCode, requestId: string, args: readonly string[] = []) {
  const definition = HubErrors[code];
  return reply
    .code(definition.httpStatus)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ errors: [{ message: format(definition.message, args), extensions: { code: definition.graphqlCode, hubCode: definition.code, requestId } }] });
}

/** One operation per request: a JSON array is a batch (Apollo's own switch is off as well). */
export function refuseBatches(onRefusal: (code: HubErrorCode) => void = () => {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!Array.isArray(request.body)) return;
    onRefusal('HUB_LIMIT_BATCHED');
    return sendHubError(reply, 'HUB_LIMIT_BATCHED', request.id);
  };
}

/**
 * The /graphql route's error handler: an oversized body (refused by Fastify before it is read,
 * from Content-Length or while streaming) gets the hub's code; anything else goes on to Fastify.
 */
export function bodyLimitErrorHandler(bodyLimitBytes: number, onRefusal: (code: HubErrorCode) => void = () => {}) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      onRefusal('HUB_LIMIT_BODY_TOO_LARGE');
      // The rest of the body is not read: close the connection rather than drain megabytes.
      reply.header('connection', 'close');
      return sendHubError(reply, 'HUB_LIMIT_BODY_TOO_LARGE', request.id, [String(bodyLimitBytes)]);
    }
    return reply.send(error);
  };
}
