/**
 * The Iraqi partner's own REST backend (simulated): a Fastify service in front of its database.
 * The subgraph reaches the partner only through this HTTP API, as it would in production where
 * the partner's system runs on the partner's premises. A batch lookup answers many EU references
 * with one SQL statement.
 */
import Fastify, { LogController, type FastifyError } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Db } from '../../store/index.js';
import { HEALTH_PATH, INDICATORS_PATH, LOOKUP_PATH, LookupRequest, MAX_LOOKUP_REFS, type ApiError, type LookupResponse } from './api.js';
import { beneficiaryIndicators, lookupBeneficiaries } from './backend.js';

export interface PartnerRestService {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Requests the lookup endpoint has received, valid or not. */
  lookups(): number;
  close(): Promise<void>;
}

export interface PartnerRestOptions {
  logLevel?: string;
  /** 0 picks a free port. */
  port?: number;
}

const apiError = (code: ApiError['error']['code'], message: string): ApiError => ({ error: { code, message } });

export async function startPartnerRestService(db: Db, options: PartnerRestOptions = {}): Promise<PartnerRestService> {
  const app = Fastify({
    logger: { level: options.logLevel ?? process.env.LOG_LEVEL ?? 'info', base: { component: 'iq-partner:rest' } },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
  });
  let lookups = 0;

  // Every error leaves as the API's JSON error shape; Fastify's own errors (bad JSON, wrong
  // content type) included, so clients never parse two formats.
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      app.log.error({ err: { message: error.message } }, 'lookup failed');
      return reply.code(500).send(apiError('INTERNAL_ERROR', 'The lookup failed.'));
    }
    return reply.code(status).send(apiError('MALFORMED_REQUEST', 'The request could not be read as JSON.'));
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(apiError('NOT_FOUND', 'No such endpoint.')));

  app.get(HEALTH_PATH, async (_request, reply) => {
    try {
      await db.query('SELECT 1');
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  app.post(LOOKUP_PATH, async (request, reply) => {
    lookups++;
    const parsed = LookupRequest.safeParse(request.body);
    if (!parsed.success) {
      // Names the offending paths only: never echo references back into a log or a response.
      const where = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'body'))].join(', ');
      return reply
        .code(400)
        .send(apiError('INVALID_LOOKUP', `Expected {"eu_refs": [...]} with at most ${MAX_LOOKUP_REFS} EU case references; invalid: ${where}.`));
    }
    const leaveOutFor = new Map(Object.entries(parsed.data.leave_out_for ?? {}).map(([ref, parts]) => [ref, new Set(parts)] as const));
    const response: LookupResponse = { results: await lookupBeneficiaries(db, parsed.data.eu_refs, new Set(parsed.data.leave_out), leaveOutFor) };
    return response;
  });

  app.get(INDICATORS_PATH, async () => {
    lookups++;
    return beneficiaryIndicators(db);
  });

  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  let closed = false;
  return {
    url: `http://${address.address}:${address.port}`,
    lookups: () => lookups,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}
