/**
 * Authentication and purpose, before anything else: a Fastify preHandler on /graphql. A refused
 * request never reaches Apollo Server — it gets the catalogue's status and code and nothing more.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../auth/Caller.js';
import { AuthError } from '../auth/errors.js';
import type { TokenVerifier } from '../auth/verify.js';
import { PURPOSES, type Purpose } from '../schema/vocabulary.js';
import { HubErrors, type HubErrorCode } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
    purpose?: Purpose;
  }
}

const KNOWN_PURPOSES = new Set<string>(PURPOSES);

function refuse(reply: FastifyReply, code: HubErrorCode, requestId: string) {
  const definition = HubErrors[code];
  return reply
    .code(definition.httpStatus)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ errors: [{ message: definition.message, extensions: { code: definition.graphqlCode, hubCode: definition.code, requestId } }] });
}

/**
 * @param audit records each refusal (awaited: the refusal is answered once it is on record, and
 * answered anyway if the log is down — a refusal releases nothing).
 */
export function authenticate(verifier: TokenVerifier, log: (entry: Record<string, unknown>) => void, audit: (requestId: string, code: HubErrorCode, body: unknown) => Promise<unknown>) {
  const refuseAndRecord = async (request: FastifyRequest, reply: FastifyReply, code: HubErrorCode) => {
    log({ requestId: request.id, hubCode: code, msg: 'refused a request' });
    await audit(request.id, code, request.body).catch(() => {});
    return refuse(reply, code, request.id);
  };
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'OPTIONS') return;
    try {
      request.caller = await verifier.verify(request.headers.authorization);
    } catch (error) {
      return refuseAndRecord(request, reply, error instanceof AuthError ? error.code : 'HUB_AUTH_MALFORMED_TOKEN');
    }
    const declared = request.headers['x-purpose'];
    if (typeof declared !== 'string' || declared.length === 0) return refuseAndRecord(request, reply, 'HUB_PURPOSE_MISSING');
    if (!KNOWN_PURPOSES.has(declared)) return refuseAndRecord(request, reply, 'HUB_PURPOSE_UNKNOWN');
    if (!request.caller.purposes.includes(declared as Purpose)) return refuseAndRecord(request, reply, 'HUB_PURPOSE_NOT_ALLOWED');
    request.purpose = declared as Purpose;
  };
}
