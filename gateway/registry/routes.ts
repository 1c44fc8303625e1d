/**
 * The registry's HTTP surface on the gateway.
 *
 * Participants (signed with their own key, no token): POST /registry/subgraphs/check and
 * /registry/subgraphs/publish with `{ "jws": "<compact JWS>" }` whose payload is
 * `{ participant, iat, nonce, submission: { name, routingUrl, sdl, reason?, allowBreaking? } }`.
 *
 * A publish that breaks consumers or widens who may see a field answers 202 HUB_REGISTRY_HELD:
 * stored, not served, until the hub operator approves it.
 *
 * The hub operator (bearer token, role HUB_OPERATOR, x-purpose OPERATIONS): participants (list,
 * add, change state), supergraph versions (list, show, diff, approve or reject a held one, roll
 * back).
 *
 * Anyone: GET /.well-known/continuum/context-jwks.json, the key subgraphs verify the gateway's
 * signed contexts with.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { compactVerify, decodeProtectedHeader, importJWK, type CryptoKey } from 'jose';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ContextKeys } from '../../auth/context-token.js';
import type { Caller } from '../../auth/Caller.js';
import { AuthError } from '../../auth/errors.js';
import { CONTEXT_JWKS_PATH } from '../../contract/index.js';
import type { TokenVerifier } from '../../auth/verify.js';
import { HubErrors, type HubErrorCode } from '../errors.js';
import { refusalBody } from '../refusal.js';
import { RegistryError, SubmissionInput, type Actor, type Participant, type Registry } from './Registry.js';

const SIGNED_ALGORITHMS = ['EdDSA', 'ES256', 'ES384', 'RS256', 'PS256'];
const MAX_SKEW_SECONDS = 300;

const SignedPayload = z.strictObject({
  participant: z.string().min(1).max(200),
  iat: z.number().int(),
  nonce: z.uuid(),
  submission: SubmissionInput,
});

/**
 * A refusal as every other refusal of the hub (../refusal.ts): `errors` with the message, the
 * GraphQL and catalogue codes and the request id; `ok: false` and, where there is one, the
 * registry's report beside it.
 */
function send(reply: FastifyReply, code: HubErrorCode, message?: string, extra: Record<string, unknown> = {}) {
  return reply.code(HubErrors[code].httpStatus).send({ ok: false, ...refusalBody(code, reply.request.id, [], message), ...extra });
}

function sendRegistryError(reply: FastifyReply, error: unknown) {
  if (error instanceof RegistryError) return send(reply, error.code, error.message, error.report ? { report: error.report } : {});
  throw error;
}

class SignedRequestError extends Error {
  constructor(readonly code: HubErrorCode) {
    super(code);
  }
}

/** Verifies a participant-signed request: known participant, its key, fresh, well-formed. */
async function verifySigned(registry: Registry, body: unknown): Promise<{ participant: Participant; payload: z.infer<typeof SignedPayload>; digest: string }> {
  const jws = (body as { jws?: unknown } | null)?.jws;
  if (typeof jws !== 'string' || jws.length > 2_000_000 || jws.split('.').length !== 3) throw new SignedRequestError('HUB_REGISTRY_INVALID_REQUEST');
  let claimed: unknown;
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(jws).alg;
    claimed = (JSON.parse(Buffer.from(jws.split('.')[1] as string, 'base64url').toString('utf8')) as { participant?: unknown }).participant;
  } catch {
    throw new SignedRequestError('HUB_REGISTRY_INVALID_REQUEST');
  }
  if (typeof claimed !== 'string' || typeof alg !== 'string') throw new SignedRequestError('HUB_REGISTRY_INVALID_REQUEST');
  const participant = await registry.participant(claimed);
  if (!participant || !participant.publicJwk) throw new SignedRequestError('HUB_REGISTRY_UNKNOWN_PARTICIPANT');
  if (!SIGNED_ALGORITHMS.includes(alg)) throw new SignedRequestError('HUB_REGISTRY_BAD_SIGNATURE');
  let payloadBytes: Uint8Array;
  try {
    const key = (await importJWK(participant.publicJwk, alg)) as CryptoKey;
    ({ payload: payloadBytes } = await compactVerify(jws, key, { algorithms: SIGNED_ALGORITHMS }));
  } catch {
    throw new SignedRequestError('HUB_REGISTRY_BAD_SIGNATURE');
  }
  const parsed = SignedPayload.safeParse(JSON.parse(new TextDecoder().decode(payloadBytes)));
  if (!parsed.success || parsed.data.participant !== participant.id) throw new SignedRequestError('HUB_REGISTRY_INVALID_REQUEST');
  if (Math.abs(Date.now() / 1000 - parsed.data.iat) > MAX_SKEW_SECONDS) throw new SignedRequestError('HUB_REGISTRY_STALE_REQUEST');
  return { participant, payload: parsed.data, digest: createHash('sha256').update(jws).digest('hex') };
}

function participantActor(participant: Participant): Actor {
  return { issuer: 'registry-signature', organisation: participant.organisation, country: participant.id.split('/')[0] as string, officialId: participant.id, roles: [] };
}

export interface RegistryRoutesOptions {
  registry: Registry;
  verifier: TokenVerifier;
  contextKeys: ContextKeys;
  /** Marks a signed request as seen; false when it was seen before (a replay). */
  firstSeen(digest: string): Promise<boolean>;
  /**
   * Records a request refused before the registry itself saw it (bad signature, stale, replayed,
   * no operator role): durable before the refusal is answered, or the answer is AUDIT_UNAVAILABLE.
   */
  recordRefusal?(refusal: { requestId: string; route: string; code: HubErrorCode; caller?: Caller; purpose?: string }): Promise<unknown>;
}

export function registerRegistryRoutes(app: FastifyInstance, options: RegistryRoutesOptions): void {
  const { registry } = options;
  /** Refuses at the door, on record first (the route is the registered pattern, never client text). */
  const refuse = async (request: FastifyRequest, reply: FastifyReply, code: HubErrorCode, caller?: Caller) => {
    try {
      // The declared purpose is kept only when the verified token may declare it (never other client text).
      const declared = request.headers['x-purpose'];
      const purpose = caller && typeof declared === 'string' && (caller.purposes as readonly string[]).includes(declared) ? declared : undefined;
      await options.recordRefusal?.({ requestId: request.id, route: request.routeOptions.url ?? 'unknown', code, ...(caller ? { caller } : {}), ...(purpose ? { purpose } : {}) });
    } catch {
      return send(reply, 'HUB_AUDIT_UNAVAILABLE');
    }
    return send(reply, code);
  };

  app.get(CONTEXT_JWKS_PATH, async () => ({ keys: [{ ...options.contextKeys.publicJwk, kid: 'continuum-gateway-context' }] }));

  const signed = (publish: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    let verified;
    try {
      verified = await verifySigned(registry, request.body);
    } catch (error) {
      if (error instanceof SignedRequestError) return refuse(request, reply, error.code);
      throw error;
    }
    try {
      if (!publish) {
        const report = await registry.check(verified.participant.id, verified.payload.submission);
        return reply.code(report.ok ? 200 : 422).send({ ok: report.ok, report });
      }
      if (!(await options.firstSeen(verified.digest))) return refuse(request, reply, 'HUB_REGISTRY_REPLAYED');
      const { report, version, held } = await registry.publish(participantActor(verified.participant), verified.participant.id, verified.payload.submission);
      if (held) return send(reply, 'HUB_REGISTRY_HELD', undefined, { held: { version }, report });
      return reply.send({ ok: true, version, report });
    } catch (error) {
      return sendRegistryError(reply, error);
    }
  };
  app.post('/registry/subgraphs/check', signed(false));
  app.post('/registry/subgraphs/publish', signed(true));

  const operator = async (request: FastifyRequest, reply: FastifyReply) => {
    let caller: Caller;
    try {
      caller = await options.verifier.verify(request.headers.authorization);
    } catch (error) {
      return refuse(request, reply, error instanceof AuthError ? error.code : 'HUB_AUTH_MALFORMED_TOKEN');
    }
    const purpose = request.headers['x-purpose'];
    if (!caller.roles.includes('HUB_OPERATOR') || purpose !== 'OPERATIONS' || !caller.purposes.includes('OPERATIONS')) return refuse(request, reply, 'HUB_REGISTRY_FORBIDDEN', caller);
    (request as FastifyRequest & { actor?: Actor }).actor = { issuer: caller.issuer, organisation: caller.organisation, country: caller.country, officialId: caller.officialId, roles: [...caller.roles] };
  };
  const actorOf = (request: FastifyRequest) => (request as FastifyRequest & { actor: Actor }).actor;
  const guarded = async <T>(reply: FastifyReply, work: () => Promise<T>) => {
    try {
      return await work();
    } catch (error) {
      return sendRegistryError(reply, error);
    }
  };
  const versionParam = z.coerce.number().int().positive();

  app.get('/registry/participants', { preHandler: operator }, async () => ({ ok: true, participants: await registry.participants() }));
  app.post('/registry/participants', { preHandler: operator }, (request, reply) =>
    guarded(reply, async () => reply.code(201).send({ ok: true, participant: await registry.addParticipant(actorOf(request), request.body) })),
  );
  app.post<{ Params: { id: string } }>('/registry/participants/:id/state', { preHandler: operator }, (request, reply) =>
    guarded(reply, async () => {
      const state = z.object({ state: z.enum(['APPROVED', 'SUSPENDED', 'REVOKED']) }).safeParse(request.body);
      if (!state.success) return send(reply, 'HUB_REGISTRY_INVALID_REQUEST', 'state: one of APPROVED, SUSPENDED, REVOKED');
      return reply.send({ ok: true, ...(await registry.setState(actorOf(request), decodeURIComponent(request.params.id), state.data.state)) });
    }),
  );
  app.get('/registry/supergraph/versions', { preHandler: operator }, async () => ({ ok: true, versions: await registry.versions() }));
  app.get<{ Querystring: { from?: string; to?: string } }>('/registry/supergraph/diff', { preHandler: operator }, (request, reply) =>
    guarded(reply, async () => {
      const from = versionParam.safeParse(request.query.from);
      const to = versionParam.safeParse(request.query.to);
      if (!from.success || !to.success) return send(reply, 'HUB_REGISTRY_INVALID_REQUEST', 'from and to: supergraph version numbers');
      return reply.send({ ok: true, from: from.data, to: to.data, subgraphs: await registry.diff(from.data, to.data) });
    }),
  );
  const decision = (decide: 'approve' | 'reject') => (request: FastifyRequest, reply: FastifyReply) =>
    guarded(reply, async () => {
      const body = z.strictObject({ version: z.number().int().positive(), reason: z.string().max(500).optional() }).safeParse(request.body);
      if (!body.success) return send(reply, 'HUB_REGISTRY_INVALID_REQUEST', 'version: the held supergraph version');
      return reply.send({ ok: true, ...(await registry[decide](actorOf(request), body.data.version, body.data.reason)) });
    });
  app.post('/registry/supergraph/approve', { preHandler: operator }, decision('approve'));
  app.post('/registry/supergraph/reject', { preHandler: operator }, decision('reject'));
  app.post('/registry/supergraph/rollback', { preHandler: operator }, (request, reply) =>
    guarded(reply, async () => {
      const body = z.strictObject({ version: z.number().int().positive(), reason: z.string().max(500).optional() }).safeParse(request.body);
      if (!body.success) return send(reply, 'HUB_REGISTRY_INVALID_REQUEST', 'version: the supergraph version to restore');
      return reply.send({ ok: true, version: await registry.rollback(actorOf(request), body.data.version, body.data.reason) });
    }),
  );
}
