/**
 * Authentication and purpose, before anything else: a Fastify preHandler on /graphql. A refused
 * request never reaches Apollo Server — it gets the catalogue's status and code and nothing more.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../auth/Caller.js';
import { AuthError } from '../auth/errors.js';
import type { TokenVerifier } from '../auth/verify.js';
import { PURPOSES, type Purpose } from '../schema/vocabulary.js';
import { HubErrors, hubMessage, type HubErrorCode } from './errors.js';

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

function refuse(reply: FastifyReply, code: HubErrorCode, requestId: string, args: readonly string[] = []) {
  const definition = HubErrors[code];
  return reply
    .code(definition.httpStatus)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ errors: [{ message: hubMessage(code, args), extensions: { code: definition.graphqlCode, hubCode: definition.code, requestId } }] });
}

/**
 * @param audit records each refusal (awaited: the refusal is answered once it is on record, and
 * answered anyway if the log is down — a refusal releases nothing).
 */
export function authenticate(verifier: TokenVerifier, log: (entry: Record<string, unknown>) => void, audit: (requestId: string, code: HubErrorCode, body: unknown) => Promise<unknown>) {
  const refuseAndRecord = async (request: FastifyRequest, reply: FastifyReply, code: HubErrorCode, args: readonly string[] = []) => {
    log({ requestId: request.id, hubCode: code, msg: 'refused a request' });
    await audit(request.id, code, request.body).catch(() => {});
    return refuse(reply, code, request.id, args);
  };
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'OPTIONS') return;
    try {
      request.caller = await verifier.verify(request.headers.authorization);
    } catch (error) {
      return refuseAndRecord(request, reply, error instanceof AuthError ? error.code : 'HUB_AUTH_MALFORMED_TOKEN');
    }
    // Refusals name what the token allows (its own claims, sent back to their holder) so the caller can correct the header.
    const allowed = request.caller.purposes.join(', ');
    const declared = request.headers['x-purpose'];
    if (typeof declared !== 'string' || declared.length === 0) return refuseAndRecord(request, reply, 'HUB_PURPOSE_MISSING', [allowed]);
    const purpose = knownPurpose(declared);
    if (purpose === undefined) return refuseAndRecord(request, reply, 'HUB_PURPOSE_UNKNOWN', [quoted(declared), allowed]);
    if (!request.caller.purposes.includes(purpose)) return refuseAndRecord(request, reply, 'HUB_PURPOSE_NOT_ALLOWED', [purpose, allowed]);
    request.purpose = purpose;
  };
}
