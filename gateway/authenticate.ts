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
import { PURPOSES, type Purpose } from '../contract/index.js';
import type { HubErrorCode } from './errors.js';
import { sendRefusal } from './refusal.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
    purpose?: Purpose;
  }
}

const KNOWN_PURPOSES = new Set<string>(PURPOSES);

/** What a purpose looks like: a word of letters and underscores. Only such a value is ever named back. */
const PURPOSE_SHAPED = /^[A-Za-z_]{1,40}$/;

/**
 * The purpose a request declares, in any letter case: purposes are a closed list of upper-case
 * names in which case means nothing, so `return_counselling` is RETURN_COUNSELLING, and the
 * canonical name is what the request runs and is recorded under (docs/ERRORS.md).
 */
function knownPurpose(declared: string): Purpose | undefined {
  if (!PURPOSE_SHAPED.test(declared)) return undefined;
  const canonical = declared.toUpperCase();
  return KNOWN_PURPOSES.has(canonical) ? (canonical as Purpose) : undefined;
}

/** The declared value as a refusal may quote it: a purpose-shaped word, never arbitrary client text. */
function quoted(declared: string): string {
  return PURPOSE_SHAPED.test(declared) ? `"${declared}"` : 'the value sent';
}

/**
 * @param audit when given, records each refusal before it is answered; if the record cannot be
 * written, the answer is HUB_AUDIT_UNAVAILABLE instead (fail closed). Without it, the route's own
 * hook records (/graphql: ./auditPlugin.ts `recordResponses`).
 */
export function authenticate(verifier: TokenVerifier, log: (entry: Record<string, unknown>) => void, audit?: (request: FastifyRequest, code: HubErrorCode) => Promise<unknown>) {
  const refuse = async (request: FastifyRequest, reply: FastifyReply, code: HubErrorCode, args: readonly string[] = []) => {
    log({ requestId: request.id, hubCode: code, msg: 'refused a request' });
    if (audit) {
      try {
        await audit(request, code);
      } catch {
        return sendRefusal(request, reply, 'HUB_AUDIT_UNAVAILABLE');
      }
    }
    return sendRefusal(request, reply, code, args);
  };
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      request.caller = await verifier.verify(request.headers.authorization);
    } catch (error) {
      return refuse(request, reply, error instanceof AuthError ? error.code : 'HUB_AUTH_MALFORMED_TOKEN');
    }
    // Refusals name what the token allows (its own claims, sent back to their holder) so the caller can correct the header.
    const allowed = request.caller.purposes.join(', ');
    const declared = request.headers['x-purpose'];
    if (typeof declared !== 'string' || declared.length === 0) return refuse(request, reply, 'HUB_PURPOSE_MISSING', [allowed]);
    const purpose = knownPurpose(declared);
    if (purpose === undefined) return refuse(request, reply, 'HUB_PURPOSE_UNKNOWN', [quoted(declared), allowed]);
    // Set before the check: a refusal's record says which known purpose the token does not allow.
    request.purpose = purpose;
    if (!request.caller.purposes.includes(purpose)) return refuse(request, reply, 'HUB_PURPOSE_NOT_ALLOWED', [purpose, allowed]);
  };
}
