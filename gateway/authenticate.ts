/**
 * Authentication and purpose, before anything else: a Fastify hook on /graphql (onRequest: before
 * the body is read) and on /audit/export. A refused request never reaches Apollo Server — it gets
 * the catalogue's status and code (../refusal.ts) and nothing more. A purpose refusal comes after
 * the token was verified, so its record names the caller.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../auth/Caller.js';
import { AuthError } from '../auth/errors.js';
import type { TokenVerifier } from '../auth/verify.js';
import { PURPOSES, type Purpose } from '../schema/vocabulary.js';
import type { HubErrorCode } from './errors.js';
import { sendRefusal } from './refusal.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
    purpose?: Purpose;
  }
}

const KNOWN_PURPOSES = new Set<string>(PURPOSES);

/**
 * @param audit when given, records each refusal before it is answered; if the record cannot be
 * written, the answer is HUB_AUDIT_UNAVAILABLE instead (fail closed). Without it, the route's own
 * hook records (/graphql: ./auditPlugin.ts `recordUnrecorded`).
 */
export function authenticate(verifier: TokenVerifier, log: (entry: Record<string, unknown>) => void, audit?: (request: FastifyRequest, code: HubErrorCode) => Promise<unknown>) {
  const refuse = async (request: FastifyRequest, reply: FastifyReply, code: HubErrorCode) => {
    log({ requestId: request.id, hubCode: code, msg: 'refused a request' });
    if (audit) {
      try {
        await audit(request, code);
      } catch {
        return sendRefusal(request, reply, 'HUB_AUDIT_UNAVAILABLE');
      }
    }
    return sendRefusal(request, reply, code);
  };
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      request.caller = await verifier.verify(request.headers.authorization);
    } catch (error) {
      return refuse(request, reply, error instanceof AuthError ? error.code : 'HUB_AUTH_MALFORMED_TOKEN');
    }
    const declared = request.headers['x-purpose'];
    if (typeof declared !== 'string' || declared.length === 0) return refuse(request, reply, 'HUB_PURPOSE_MISSING');
    if (!KNOWN_PURPOSES.has(declared)) return refuse(request, reply, 'HUB_PURPOSE_UNKNOWN');
    // Set before the check: a refusal's record says which known purpose the token does not allow.
    request.purpose = declared as Purpose;
    if (!request.caller.purposes.includes(declared as Purpose)) return refuse(request, reply, 'HUB_PURPOSE_NOT_ALLOWED');
  };
}
