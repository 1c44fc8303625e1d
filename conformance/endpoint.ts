/**
 * How the suite talks to the endpoint under test: plain HTTP, as the gateway does
 * (docs/PARTNER-PROTOCOL.md §1), with contexts it signs itself — valid ones with the gateway's own
 * signer, and hostile ones (other header, other key, other claims) with a raw Ed25519 signer.
 */
import { createHmac, KeyObject, sign } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { CONTEXT_ISSUER, encodeDecisions, signContext, type ContextKeys, type SignedDecisions, type SubgraphContext } from '../auth/context-token.js';

export const CONTEXT_EXTENSION = 'continuumContext';
export const CONTEXT_HEADER = { alg: 'EdDSA', typ: 'continuum-context+jwt' } as const;

export const SUITE_CALLER: Omit<SubgraphContext, 'decisions' | 'requestId'> = {
  officialId: 'conformance-suite',
  organisation: 'EU/GOV/CONTINUUM-CONFORMANCE',
  country: 'EU',
  roles: ['MS_CASE_OFFICER'],
  purpose: 'RETURN_COUNSELLING',
};

export interface Reply {
  status: number;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: { data?: unknown; errors?: { message?: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] } | undefined;
  text: string;
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact JWS over any header and payload, signed with `key` (Ed25519): for hostile tokens. */
export function rawToken(key: CryptoKey, header: unknown, payload: unknown): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), KeyObject.from(key)).toString('base64url')}`;
}

/** An HS256 token whose secret is the public key's bytes: the algorithm-confusion attack. */
export function hmacToken(publicJwk: { x?: string }, payload: unknown): string {
  const input = `${b64({ alg: 'HS256', typ: 'continuum-context+jwt' })}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', Buffer.from(publicJwk.x ?? '', 'base64url')).update(input).digest('base64url')}`;
}

export function claims(audience: string, overrides: Record<string, unknown> = {}, now = Date.now()): Record<string, unknown> {
  const iat = Math.floor(now / 1000);
  return {
    iss: CONTEXT_ISSUER,
    aud: audience,
    sub: SUITE_CALLER.officialId,
    iat,
    exp: iat + 60,
    org: SUITE_CALLER.organisation,
    country: SUITE_CALLER.country,
    roles: SUITE_CALLER.roles,
    purpose: SUITE_CALLER.purpose,
    rid: `conformance-${iat}`,
    ...overrides,
  };
}

export function decisionsFor(perCase: Record<string, Record<string, string>>): SignedDecisions {
  return encodeDecisions(new Map(Object.entries(perCase)));
}

export class Endpoint {
  private counter = 0;

  constructor(
    readonly url: string,
    readonly name: string,
    private readonly timeoutMs: number,
  ) {}

  async request(init: { method?: string; body?: string; headers?: Record<string, string>; query?: string }): Promise<Reply> {
    const target = init.query ? `${this.url}${this.url.includes('?') ? '&' : '?'}${init.query}` : this.url;
    let response: Response;
    try {
      response = await fetch(target, {
        method: init.method ?? 'POST',
        headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
        ...(init.body !== undefined ? { body: init.body } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const failure = error as Error & { cause?: { code?: string } };
      throw new Error(`the endpoint did not answer (${failure.name === 'TimeoutError' ? 'timed out' : (failure.cause?.code ?? failure.message)})`, { cause: error });
    }
    const text = await response.text();
    let body: Reply['body'];
    try {
      body = JSON.parse(text) as Reply['body'];
    } catch {
      body = undefined;
    }
    return { status: response.status, body, text };
  }

  /** POSTs a GraphQL request with `token` as its context (none when undefined). */
  post(request: { query: string; variables?: Record<string, unknown> }, token: string | undefined, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request({ body: JSON.stringify({ ...request, ...(token !== undefined ? { extensions: { [CONTEXT_EXTENSION]: token } } : {}) }), headers });
  }

  /** A context the gateway would sign for this endpoint. */
  async token(keys: Pick<ContextKeys, 'privateKey'>, options: { decisions?: SignedDecisions; quiet?: boolean; audience?: string; now?: number } = {}): Promise<string> {
    return signContext(
      keys,
      options.audience ?? this.name,
      { ...SUITE_CALLER, requestId: `conformance-${Date.now()}-${++this.counter}`, ...(options.quiet ? { quietDenials: true } : {}), ...(options.decisions ? { decisions: options.decisions } : {}) },
      options.now,
    );
  }
}
