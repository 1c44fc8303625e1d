/**
 * The gateway's context token, on its own: what a subgraph accepts and what it refuses. Every
 * refusal is a forged, replayed or malformed token a caller could put in a subgraph request to
 * get past the gateway; each carries the stable reason the subgraph logs.
 */
import { createHmac, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_ISSUER, ContextTokenError, encodeDecisions, generateContextKeys, signContext, verifyContext, type ContextKeys, type SubgraphContext } from '../../auth/context-token.js';

const CALLER: SubgraphContext = {
  officialId: 'synthetic-officer-1',
  organisation: 'BE/GOV/SYNTHETIC-OFFICE',
  country: 'BE',
  roles: ['MS_COUNSELLOR'],
  purpose: 'RETURN_COUNSELLING',
  requestId: 'req-1',
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);
const validClaims = () => ({ iss: CONTEXT_ISSUER, aud: 'be-cases', sub: CALLER.officialId, iat: nowSeconds(), exp: nowSeconds() + 60, org: CALLER.organisation, country: 'BE', roles: ['MS_COUNSELLOR'], purpose: 'RETURN_COUNSELLING', rid: 'req-1' });

/** The reason a refused token carries (the subgraph's log line), or 'accepted'. */
async function outcome(keys: ContextKeys, token: unknown, audience = 'be-cases'): Promise<string> {
  try {
    await verifyContext(keys.publicKey, audience, token);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(ContextTokenError);
    return (error as ContextTokenError).reason;
  }
}

describe('context token', () => {
  let keys: ContextKeys;
  let other: ContextKeys;
  /** Signs arbitrary header and claims with the gateway's real key: what a bug in signContext could produce. */
  let signRaw: (header: Record<string, unknown>, claims: Record<string, unknown>) => string;

  beforeAll(async () => {
    keys = await generateContextKeys();
    other = await generateContextKeys();
    const privateKey = KeyObject.from(keys.privateKey);
    signRaw = (header, claims) => {
      const input = `${b64(header)}.${b64(claims)}`;
      return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
    };
  });

  it('carries the caller, purpose, request id and decisions from gateway to subgraph', async () => {
    const decisions = encodeDecisions(new Map([['BE-2026-000001', { IDENTITY: 'R', HEALTH: 'HUB_DENIED_CONSENT consent-required' }]]));
    const token = await signContext(keys, 'be-cases', { ...CALLER, quietDenials: true, decisions });
    await expect(verifyContext(keys.publicKey, 'be-cases', token)).resolves.toEqual({ ...CALLER, quietDenials: true, decisions });
  });

  it('is signed EdDSA with the context type, so it cannot pass for another kind of JWT', async () => {
    const token = await signContext(keys, 'be-cases', CALLER);
    expect(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString())).toEqual({ alg: 'EdDSA', typ: 'continuum-context+jwt' });
  });

  it('refuses a token signed with another key (a forger without the gateway key)', async () => {
    expect(await outcome(keys, await signContext(other, 'be-cases', CALLER))).toBe('signature');
  });

  it('refuses a token captured for one subgraph at another', async () => {
    expect(await outcome(keys, await signContext(keys, 'de-cases', CALLER))).toBe('claims');
  });

  it('refuses an expired token, beyond five seconds of clock tolerance', async () => {
    expect(await outcome(keys, await signContext(keys, 'be-cases', CALLER, Date.now() - 66_000))).toBe('expired');
    expect(await outcome(keys, await signContext(keys, 'be-cases', CALLER, Date.now() - 62_000))).toBe('accepted');
  });

  it('refuses a token whose claims were changed after signing', async () => {
    const [header, , signature] = (await signContext(keys, 'be-cases', CALLER)).split('.');
    const widened = b64({ ...validClaims(), roles: ['MS_COUNSELLOR', 'HUB_OPERATOR'] });
    expect(await outcome(keys, `${header}.${widened}.${signature}`)).toBe('signature');
  });

  it('refuses an unsigned token (alg none)', async () => {
    expect(await outcome(keys, `${b64({ alg: 'none', typ: 'continuum-context+jwt' })}.${b64(validClaims())}.`)).not.toBe('accepted');
  });

  it('refuses HS256 keyed with the public key (algorithm confusion)', async () => {
    const publicPem = KeyObject.from(keys.publicKey).export({ type: 'spki', format: 'pem' }).toString();
    const input = `${b64({ alg: 'HS256', typ: 'continuum-context+jwt' })}.${b64(validClaims())}`;
    const forged = `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
    expect(await outcome(keys, forged)).toBe('algorithm');
  });

  it('refuses a token that brings its own key in the header (no key is taken from the token)', async () => {
    const stranger = generateKeyPairSync('ed25519');
    const input = `${b64({ alg: 'EdDSA', typ: 'continuum-context+jwt', jwk: stranger.publicKey.export({ format: 'jwk' }) })}.${b64(validClaims())}`;
    const forged = `${input}.${sign(null, Buffer.from(input), stranger.privateKey).toString('base64url')}`;
    expect(await outcome(keys, forged)).toBe('header');
  });

  it('refuses any header but the one the gateway writes, even correctly signed', async () => {
    expect(await outcome(keys, signRaw({ alg: 'EdDSA', typ: 'continuum-context+jwt', kid: 'other' }, validClaims()))).toBe('header');
    expect(await outcome(keys, signRaw({ alg: 'EdDSA', typ: 'continuum-context+jwt', crit: ['exp'] }, validClaims()))).toBe('header');
    expect(await outcome(keys, signRaw({ typ: 'continuum-context+jwt', alg: 'EdDSA' }, validClaims()))).toBe('header');
  });

  it('refuses a token issued in the future, beyond the clock tolerance', async () => {
    expect(await outcome(keys, await signContext(keys, 'be-cases', CALLER, Date.now() + 30_000))).toBe('not-yet-valid');
  });

  it('refuses a token of another type signed with the gateway key', async () => {
    expect(await outcome(keys, signRaw({ alg: 'EdDSA', typ: 'JWT' }, validClaims()))).toBe('type');
    expect(await outcome(keys, signRaw({ alg: 'EdDSA' }, validClaims()))).toBe('type');
  });

  it('refuses a token without issuer or audience, or from another issuer', async () => {
    const { iss: _iss, ...noIssuer } = validClaims();
    const { aud: _aud, ...noAudience } = validClaims();
    const header = { alg: 'EdDSA', typ: 'continuum-context+jwt' };
    expect(await outcome(keys, signRaw(header, noIssuer))).toBe('claims');
    expect(await outcome(keys, signRaw(header, noAudience))).toBe('claims');
    expect(await outcome(keys, signRaw(header, { ...validClaims(), iss: 'someone-else' }))).toBe('claims');
    expect(await outcome(keys, signRaw(header, { ...validClaims(), aud: ['be-cases', 'de-cases'] }))).toBe('claims');
    expect(await outcome(keys, signRaw(header, { ...validClaims(), exp: '9999999999' }))).toBe('claims');
    expect(await outcome(keys, signRaw(header, [validClaims()] as unknown as Record<string, unknown>))).toBe('malformed');
  });

  it('refuses claims outside the vocabulary even when correctly signed', async () => {
    const header = { alg: 'EdDSA', typ: 'continuum-context+jwt' };
    expect(await outcome(keys, signRaw(header, { ...validClaims(), roles: ['SUPERUSER'] }))).toBe('claims');
    expect(await outcome(keys, signRaw(header, { ...validClaims(), purpose: 'CURIOSITY' }))).toBe('claims');
    expect(await outcome(keys, signRaw(header, { ...validClaims(), decisions: { sets: [], cases: { 'BE-2026-000001': -1 } } }))).toBe('claims');
  });

  it('refuses a missing, empty, non-string or malformed token', async () => {
    expect(await outcome(keys, undefined)).toBe('missing');
    expect(await outcome(keys, '')).toBe('missing');
    expect(await outcome(keys, { token: 'x' })).toBe('missing');
    expect(await outcome(keys, 'not-a-jwt')).toBe('malformed');
    expect(await outcome(keys, 'a.b.c')).toBe('malformed');
    const token = await signContext(keys, 'be-cases', CALLER);
    expect(await outcome(keys, `${token}.extra`)).toBe('malformed');
    expect(await outcome(keys, `${token.slice(0, token.lastIndexOf('.'))}.c2lnbmF0dXJl`)).toBe('signature');
    const [header, , signature] = token.split('.');
    expect(await outcome(keys, `${header}.bm90IGpzb24.${signature}`)).toBe('signature');
  });
});

describe('decisions claim', () => {
  it('stores each distinct outcome vector once, whether equal vectors are one object or not', () => {
    const shared = { IDENTITY: 'R', HEALTH: 'CONSENT_REQUIRED consent.health' };
    const encoded = encodeDecisions(
      new Map([
        ['BE-2026-000001', shared],
        ['BE-2026-000002', shared],
        ['BE-2026-000003', { IDENTITY: 'R', HEALTH: 'CONSENT_REQUIRED consent.health' }],
        ['BE-2026-000004', { IDENTITY: 'R', HEALTH: 'R' }],
      ]),
    );
    expect(encoded).toEqual({
      sets: [shared, { IDENTITY: 'R', HEALTH: 'R' }],
      cases: { 'BE-2026-000001': 0, 'BE-2026-000002': 0, 'BE-2026-000003': 0, 'BE-2026-000004': 1 },
    });
  });
});
