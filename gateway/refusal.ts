/**
 * The one refusal sender: every request the hub refuses outside GraphQL execution gets its status
 * and body from the catalogue (./errors.ts), built here and nowhere else:
 * `{ errors: [{ message, extensions: { code, hubCode, requestId } }] }` (docs/ERRORS.md).
 *
 * The sender also notes the code on the request, so that the /graphql route's audit hook
 * (./auditPlugin.ts, `recordResponses`) writes the refusal's record — with the caller, when the
 * token was verified — before the response leaves.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatMessage, HubErrors, type HubErrorCode } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The catalogue code this request was refused with, once it was. */
    refusedWith?: HubErrorCode;
  }
}

export interface RefusalBody {
  errors: [{ message: string; extensions: { code: string; hubCode: HubErrorCode; requestId: string } }];
}

/** The refusal body for `code`; `message`, when given, says more precisely what was refused (the registry's checks). */
export function refusalBody(code: HubErrorCode, requestId: string, args: readonly string[] = [], message?: string): RefusalBody {
  const definition = HubErrors[code];
  return { errors: [{ message: message ?? formatMessage(definition.message, args), extensions: { code: definition.graphqlCode, hubCode: code, requestId } }] };
}

/** Sends the catalogue's status and body for `code`, and notes the refusal on the request. */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, code: HubErrorCode, args: readonly string[] = []) {
  request.refusedWith = code;
  return reply.code(HubErrors[code].httpStatus).header('content-type', 'application/json; charset=utf-8').send(refusalBody(code, request.id, args));
}
