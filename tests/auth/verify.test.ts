/**
 * The token verifier against every way a token can be forged, replayed or misused. Each refusal is
 * asserted by hub code and exact message — the messages are part of the API and must not drift or
 * start describing keys or the trust list.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDevIdentities, createTokenVerifier, issueDevToken, PERSONAS, type DevIdentities, type TokenVerifier, type TrustList } from '../../auth/index.js';
import { AUDIENCE, bearer, claimsOf, compact, NOW, NOW_SECONDS, sign } from './harness.js';

const BE = 'EU/GOV/BE-RETURN';
const IQ_PARTNER = 'IQ/NGO/IQ-REINTEGRATION-PARTNER';

let identities: DevIdentities;
let verifier: TokenVerifier;

beforeAll(async () => {
  identities = await createDevIdentities(AUDIENCE);
  verifier = createTokenVerifier(identities.trust, { currentDate: () => NOW });
});

/** A valid be-counsellor token, optionally with claims replaced (`undefined` removes one). */
function beToken(overrides: Record<string, unknown> = {}, options: Parameters<typeof sign>[2] = { organisation: BE }) {
  return sign(identities, { ...claimsOf(identities, 'be-counsellor'), ...overrides }, options);
}

describe('valid tokens', () => {
  it('yields the exact Caller for a valid token', async () => {
    const token = await issueDevToken(identities, 'be-counsellor', { now: NOW });
    await expect(verifier.verify(bearer(token))).resolves.toStrictEqual({
      issuer: 'https://idp.be-return.continuum.test',
      officialId: 'be-counsellor-001',
      organisation: 'EU/GOV/BE-RETURN',
      country: 'BE',
      roles: ['MS_COUNSELLOR'],
      purposes: ['RETURN_COUNSELLING', 'RETURN_PREPARATION', 'CONTINUITY_OF_CARE'],
    });
  });

  it('accepts the Bearer scheme in any case', async () => {
    const token = await issueDevToken(identities, 'be-counsellor', { now: NOW });
    await expect(verifier.verify(`bearer ${token}`)).resolves.toMatchObject({ officialId: 'be-counsellor-001' });
  });

  it('accepts a token whose nbf is in the future but within the clock tolerance', async () => {
    const token = await beToken({ nbf: NOW_SECONDS + 20 });
    await expect(verifier.verify(bearer(token))).resolves.toMatchObject({ officialId: 'be-counsellor-001' });
  });

  it('accepts a token that expired less than the clock tolerance ago', async () => {
    const token = await beToken({ iat: NOW_SECONDS - 3600, exp: NOW_SECONDS - 20 });
    await expect(verifier.verify(bearer(token))).resolves.toMatchObject({ officialId: 'be-counsellor-001' });
  });

  it('returns a copy from the cache, so a caller cannot alter what later requests see', async () => {
    const token = await issueDevToken(identities, 'be-counsellor', { now: NOW });
    const first = await verifier.verify(bearer(token));
    first.roles.push('DPO');
    const second = await verifier.verify(bearer(token));
    expect(second.roles).toStrictEqual(['MS_COUNSELLOR']);
  });

  it('re-checks expiry on a cached token', async () => {
    let now = NOW;
    const clocked = createTokenVerifier(identities.trust, { currentDate: () => now });
    const token = await issueDevToken(identities, 'be-counsellor', { now: NOW, ttlSeconds: 60 });
    await expect(clocked.verify(bearer(token))).resolves.toMatchObject({ officialId: 'be-counsellor-001' });
    now = new Date(NOW.getTime() + 120_000);
    await expect(clocked.verify(bearer(token))).rejects.toMatchObject({ code: 'HUB_AUTH_TOKEN_EXPIRED', message: 'The token has expired.' });
  });
});

describe('the Authorization header', () => {
  it('refuses a request without one', async () => {
    await expect(verifier.verify(undefined)).rejects.toMatchObject({ code: 'HUB_AUTH_MISSING_TOKEN', message: 'A bearer token is required.', httpStatus: 401 });
  });

  it('refuses an empty header', async () => {
    await expect(verifier.verify('')).rejects.toMatchObject({ code: 'HUB_AUTH_MISSING_TOKEN', message: 'A bearer token is required.' });
  });

  it('refuses a scheme other than Bearer', async () => {
    const token = await issueDevToken(identities, 'be-counsellor', { now: NOW });
    await expect(verifier.verify(`Basic ${token}`)).rejects.toMatchObject({ code: 'HUB_AUTH_MISSING_TOKEN', message: 'A bearer token is required.' });
  });

  it('refuses a bare token without the Bearer scheme', async () => {
    const token = await issueDevToken(identities, 'be-counsellor', { now: NOW });
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'HUB_AUTH_MISSING_TOKEN', message: 'A bearer token is required.' });
  });

  it('refuses "Bearer" with no token', async () => {
    await expect(verifier.verify('Bearer ')).rejects.toMatchObject({ code: 'HUB_AUTH_MISSING_TOKEN', message: 'A bearer token is required.' });
  });

  it('refuses garbage as a malformed token', async () => {
    await expect(verifier.verify('Bearer garbage')).rejects.toMatchObject({ code: 'HUB_AUTH_MALFORMED_TOKEN', message: 'The token is malformed.' });
  });

  it('refuses three segments that are not JSON as a malformed token', async () => {
    await expect(verifier.verify('Bearer a.b.c')).rejects.toMatchObject({ code: 'HUB_AUTH_MALFORMED_TOKEN', message: 'The token is malformed.' });
  });

  it('refuses an oversized token before parsing it', async () => {
    await expect(verifier.verify(`Bearer ${'a'.repeat(9000)}`)).rejects.toMatchObject({ code: 'HUB_AUTH_MALFORMED_TOKEN', message: 'The token is malformed.' });
  });
});

describe('algorithm attacks', () => {
  it('refuses an unsigned token (alg: none)', async () => {
    const token = compact({ alg: 'none', typ: 'JWT' }, claimsOf(identities, 'be-counsellor'));
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({
      code: 'HUB_AUTH_ALGORITHM_REFUSED',
      message: 'The token signing algorithm is not accepted.',
    });
  });

  it("refuses an HS256 token whose HMAC secret is the issuer's public key", async () => {
    const entry = identities.trust.issuers.find((issuer) => issuer.organisation === BE);
    if (!entry || !('keys' in entry.jwks)) throw new Error('fixture');
    const publicJwk = entry.jwks.keys[0] as JWK;
    const publicKey = await importJWK(publicJwk, 'ES256', { extractable: true });
    // Both classic encodings of the public key an attacker can fetch: PEM and the JWK JSON.
    for (const secret of [await exportSPKI(publicKey as CryptoKey), JSON.stringify(publicJwk)]) {
      const token = await new SignJWT(claimsOf(identities, 'be-counsellor'))
        .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid, typ: 'JWT' })
        .sign(new TextEncoder().encode(secret));
      await expect(verifier.verify(bearer(token))).rejects.toMatchObject({
        code: 'HUB_AUTH_ALGORITHM_REFUSED',
        message: 'The token signing algorithm is not accepted.',
      });
    }
  });
});

describe('time', () => {
  it('refuses an expired token', async () => {
    const token = await issueDevToken(identities, 'be-counsellor', { now: new Date(NOW.getTime() - 2 * 3600_000) });
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({ code: 'HUB_AUTH_TOKEN_EXPIRED', message: 'The token has expired.' });
  });

  it('refuses a token whose nbf is in the future beyond the clock tolerance', async () => {
    const token = await beToken({ nbf: NOW_SECONDS + 120 });
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({ code: 'HUB_AUTH_TOKEN_NOT_YET_VALID', message: 'The token is not yet valid.' });
  });

  it('refuses a token issued in the future beyond the clock tolerance', async () => {
    const token = await beToken({ iat: NOW_SECONDS + 600, exp: NOW_SECONDS + 4200 });
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({ code: 'HUB_AUTH_TOKEN_NOT_YET_VALID', message: 'The token is not yet valid.' });
  });
});

describe('issuer, audience and keys', () => {
  it('refuses a token for another audience', async () => {
    const token = await beToken({ aud: 'https://some-other-hub.continuum.test' });
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({ code: 'HUB_AUTH_WRONG_AUDIENCE', message: 'The token is not intended for this hub.' });
  });

  it('refuses a token without an audience', async () => {
    const token = await beToken({ aud: undefined });
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({ code: 'HUB_AUTH_WRONG_AUDIENCE', message: 'The token is not intended for this hub.' });
  });

  it('refuses a token from an issuer not on the trust list', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await beToken({ iss: 'https://idp.attacker.continuum.test' }, { organisation: BE, key: privateKey, header: { kid: 'attacker-1' } });
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({ code: 'HUB_AUTH_UNKNOWN_ISSUER', message: 'The token issuer is not trusted.' });
  });

  it('refuses a token without an issuer', async () => {
    const token = await beToken({ iss: undefined });
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({ code: 'HUB_AUTH_UNKNOWN_ISSUER', message: 'The token issuer is not trusted.' });
  });

  it("refuses a token signed with a key whose kid is not in the issuer's JWKS", async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await beToken({}, { organisation: BE, key: privateKey, header: { kid: 'not-published' } });
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({ code: 'HUB_AUTH_UNKNOWN_KEY', message: 'The token signing key is not recognised.' });
  });

  it("refuses a token carrying the issuer's kid but signed with another key", async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await beToken({}, { organisation: BE, key: privateKey });
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({ code: 'HUB_AUTH_BAD_SIGNATURE', message: 'The token signature is invalid.' });
  });

  it("refuses a token naming issuer A but signed with trusted issuer B's key", async () => {
    const token = await beToken({}, { organisation: BE, signerOrganisation: IQ_PARTNER });
    // B's kid is not in A's key set.
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({ code: 'HUB_AUTH_UNKNOWN_KEY', message: 'The token signing key is not recognised.' });
  });

  it('refuses a tampered payload that keeps the original signature', async () => {
    const token = await issueDevToken(identities, 'be-counsellor', { now: NOW });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = compact(JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>, { ...claims, roles: ['DPO'], purposes: ['AUDIT'] }, signature);
    await expect(verifier.verify(bearer(tampered))).rejects.toMatchObject({ code: 'HUB_AUTH_BAD_SIGNATURE', message: 'The token signature is invalid.' });
  });
});

describe('an issuer vouches only for its own organisation and country', () => {
  it("refuses issuer A's token claiming issuer B's organisation", async () => {
    const token = await sign(identities, { ...claimsOf(identities, 'iq-partner'), org: BE, country: 'BE' }, { organisation: IQ_PARTNER });
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({
      code: 'HUB_AUTH_ORGANISATION_MISMATCH',
      message: 'The token organisation or country does not match its issuer.',
    });
  });

  it("refuses a token claiming another country than its issuer's", async () => {
    const token = await beToken({ country: 'DE' });
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({
      code: 'HUB_AUTH_ORGANISATION_MISMATCH',
      message: 'The token organisation or country does not match its issuer.',
    });
  });
});

describe('an issuer vouches only for the roles and purposes the trust list gives it', () => {
  const roleRefused = { code: 'HUB_AUTH_ROLE_NOT_VOUCHED', message: 'The token asserts a role its issuer may not vouch for.', httpStatus: 401 };
  const purposeRefused = { code: 'HUB_AUTH_PURPOSE_NOT_VOUCHED', message: 'The token allows a purpose its issuer may not vouch for.', httpStatus: 401 };
  const tokenOf = (persona: 'iq-partner' | 'researcher' | 'be-counsellor', overrides: Record<string, unknown>) =>
    sign(identities, { ...claimsOf(identities, persona), ...overrides }, { organisation: PERSONAS[persona].organisation });

  it("refuses a partner's identity provider making its user a DPO", async () => {
    await expect(verifier.verify(bearer(await tokenOf('iq-partner', { roles: ['DPO'], purposes: ['AUDIT'] })))).rejects.toMatchObject(roleRefused);
  });

  it("refuses a partner's identity provider making its user a hub operator", async () => {
    await expect(verifier.verify(bearer(await tokenOf('iq-partner', { roles: ['HUB_OPERATOR'], purposes: ['OPERATIONS'] })))).rejects.toMatchObject(roleRefused);
  });

  it("refuses a research institute's identity provider making its user an EU programme manager", async () => {
    await expect(verifier.verify(bearer(await tokenOf('researcher', { roles: ['EU_PROGRAMME_MANAGER'], purposes: ['MONITORING_EVALUATION'] })))).rejects.toMatchObject(roleRefused);
  });

  it("refuses a Member State's identity provider making its user a hub operator, though it may appoint auditors", async () => {
    await expect(verifier.verify(bearer(await tokenOf('be-counsellor', { roles: ['HUB_OPERATOR'], purposes: ['OPERATIONS'] })))).rejects.toMatchObject(roleRefused);
  });

  it('refuses the whole token when one role of several is not vouched for', async () => {
    await expect(verifier.verify(bearer(await tokenOf('iq-partner', { roles: ['REINTEGRATION_PARTNER', 'DPO'] })))).rejects.toMatchObject(roleRefused);
  });

  it("refuses a partner's token allowing a purpose its issuer may not vouch for", async () => {
    await expect(verifier.verify(bearer(await tokenOf('iq-partner', { purposes: ['REINTEGRATION_ASSISTANCE', 'RETURN_PREPARATION'] })))).rejects.toMatchObject(purposeRefused);
  });

  it('accepts a token asserting a subset of what its issuer vouches for', async () => {
    await expect(verifier.verify(bearer(await tokenOf('iq-partner', { purposes: ['CONTINUITY_OF_CARE'] })))).resolves.toMatchObject({ roles: ['REINTEGRATION_PARTNER'], purposes: ['CONTINUITY_OF_CARE'] });
  });
});

describe('Continuum claims', () => {
  it.each([
    ['roles missing', { roles: undefined }],
    ['roles empty', { roles: [] }],
    ['roles not an array', { roles: 'MS_COUNSELLOR' }],
    ['an unknown role', { roles: ['MS_COUNSELLOR', 'SUPERUSER'] }],
    ['purposes missing', { purposes: undefined }],
    ['purposes empty', { purposes: [] }],
    ['an unknown purpose', { purposes: ['MARKETING'] }],
    ['org missing', { org: undefined }],
    ['country missing', { country: undefined }],
    ['sub longer than 128 characters', { sub: 'x'.repeat(129) }],
    ['sub missing', { sub: undefined }],
    ['exp missing', { exp: undefined }],
    ['iat missing', { iat: undefined }],
  ])('refuses a token with %s', async (_, overrides) => {
    const token = await beToken(overrides);
    await expect(verifier.verify(bearer(token))).rejects.toMatchObject({ code: 'HUB_AUTH_INVALID_CLAIMS', message: 'The token claims are missing or invalid.' });
  });
});

describe('a JWKS served over HTTP', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function publicJwk(key: CryptoKey, kid: string): Promise<JWK> {
    return { ...(await exportJWK(key)), kid, alg: 'ES256', use: 'sig' };
  }

  /** Serves `keys()` as the JWKS; counts requests. */
  async function serveJwks(keys: () => JWK[]): Promise<{ url: string; requests: () => number }> {
    let count = 0;
    server = createServer((request, response) => {
      count++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys() }));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/jwks.json`, requests: () => count };
  }

  const vouchesFor = (persona: 'be-counsellor') => ({ roles: [...PERSONAS[persona].roles], purposes: [...PERSONAS[persona].purposes], oversight: false });

  function remoteTrust(url: string): TrustList {
    return { audience: AUDIENCE, clockToleranceSeconds: 30, issuers: [{ issuer: 'https://idp.remote.continuum.test', organisation: BE, country: 'BE', ...vouchesFor('be-counsellor'), jwks: { url } }] };
  }

  async function remoteToken(key: CryptoKey, kid: string): Promise<string> {
    return new SignJWT({ ...claimsOf(identities, 'be-counsellor'), iss: 'https://idp.remote.continuum.test' }).setProtectedHeader({ alg: 'ES256', kid }).sign(key);
  }

  it('fetches the key set and verifies a token', async () => {
    const first = await generateKeyPair('ES256');
    const published = [await publicJwk(first.publicKey, 'k1')];
    const served = await serveJwks(() => published);
    const remote = createTokenVerifier(remoteTrust(served.url), { currentDate: () => NOW });
    await expect(remote.verify(bearer(await remoteToken(first.privateKey, 'k1')))).resolves.toStrictEqual({
      issuer: 'https://idp.remote.continuum.test',
      officialId: 'be-counsellor-001',
      organisation: BE,
      country: 'BE',
      roles: ['MS_COUNSELLOR'],
      purposes: ['RETURN_COUNSELLING', 'RETURN_PREPARATION', 'CONTINUITY_OF_CARE'],
    });
    expect(served.requests()).toBe(1);
  });

  it('refetches once on an unknown kid and finds a rotated-in key', async () => {
    const first = await generateKeyPair('ES256');
    const rotated = await generateKeyPair('ES256');
    const published = [await publicJwk(first.publicKey, 'k1')];
    const served = await serveJwks(() => published);
    const remote = createTokenVerifier(remoteTrust(served.url), { currentDate: () => NOW, remoteJwks: { cooldownDuration: 0 } });

    await remote.verify(bearer(await remoteToken(first.privateKey, 'k1')));
    expect(served.requests()).toBe(1);

    published.push(await publicJwk(rotated.publicKey, 'k2'));
    await expect(remote.verify(bearer(await remoteToken(rotated.privateKey, 'k2')))).resolves.toMatchObject({ officialId: 'be-counsellor-001' });
    expect(served.requests()).toBe(2);
  });

  it('does not refetch for an unknown kid during the cooldown', async () => {
    const first = await generateKeyPair('ES256');
    const unknown = await generateKeyPair('ES256');
    const published = [await publicJwk(first.publicKey, 'k1')];
    const served = await serveJwks(() => published);
    const remote = createTokenVerifier(remoteTrust(served.url), { currentDate: () => NOW, remoteJwks: { cooldownDuration: 60_000 } });

    await remote.verify(bearer(await remoteToken(first.privateKey, 'k1')));
    await expect(remote.verify(bearer(await remoteToken(unknown.privateKey, 'k9')))).rejects.toMatchObject({
      code: 'HUB_AUTH_UNKNOWN_KEY',
      message: 'The token signing key is not recognised.',
    });
    expect(served.requests()).toBe(1);
  });

  it('stops accepting a cached token once cacheSeconds pass after its key was withdrawn', async () => {
    const first = await generateKeyPair('ES256');
    const published = [await publicJwk(first.publicKey, 'k1')];
    const served = await serveJwks(() => published);
    let now = NOW;
    const remote = createTokenVerifier(remoteTrust(served.url), { currentDate: () => now, cacheSeconds: 60, remoteJwks: { cooldownDuration: 0, cacheMaxAge: 0 } });
    const token = bearer(await remoteToken(first.privateKey, 'k1'));

    await remote.verify(token);
    published.length = 0;
    now = new Date(NOW.getTime() + 30_000);
    await expect(remote.verify(token)).resolves.toMatchObject({ officialId: 'be-counsellor-001' });
    expect(served.requests()).toBe(1);

    now = new Date(NOW.getTime() + 90_000);
    await expect(remote.verify(token)).rejects.toMatchObject({ code: 'HUB_AUTH_UNKNOWN_KEY', message: 'The token signing key is not recognised.' });
  });

  it('reports an unreachable key set as unavailable (503), not as a bad token', async () => {
    // A port that was just free: nothing listens there any more.
    const { url } = await serveJwks(() => []);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const first = await generateKeyPair('ES256');
    const remote = createTokenVerifier(remoteTrust(url), { currentDate: () => NOW, remoteJwks: { timeoutDuration: 2000 } });
    await expect(remote.verify(bearer(await remoteToken(first.privateKey, 'k1')))).rejects.toMatchObject({
      code: 'HUB_AUTH_KEYS_UNAVAILABLE',
      message: 'The token cannot be checked right now; try again later.',
      httpStatus: 503,
    });
  });
});
