/**
 * The trust list is configuration: a bad setting stops start-up with a TypeError naming it (never
 * an AuthError), and an issuer can only be listed with public, asymmetric keys.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, issueDevToken, createDevIdentities, loadTrustList, parseTrustList, type DevIdentities } from '../../auth/index.js';
import { AUDIENCE, bearer, NOW } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'continuum-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let publicJwk: Record<string, unknown>;
let privateJwk: Record<string, unknown>;
beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1' };
  privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'k1' };
});

function issuer(overrides: Record<string, unknown> = {}) {
  return { issuer: 'https://idp.be-return.continuum.test', organisation: 'EU/GOV/BE-RETURN', country: 'BE', jwks: { keys: [publicJwk] }, ...overrides };
}

describe('parseTrustList', () => {
  it('defaults the clock tolerance to 30 seconds', () => {
    expect(parseTrustList({ audience: AUDIENCE, issuers: [issuer()] }).clockToleranceSeconds).toBe(30);
  });

  it.each([
    ['a missing audience', () => ({ issuers: [issuer()] }), 'audience: Invalid input: expected string, received undefined'],
    ['no issuers', () => ({ audience: AUDIENCE, issuers: [] }), 'issuers: Too small: expected array to have >=1 items'],
    ['a country that is not ISO 3166-1', () => ({ audience: AUDIENCE, issuers: [issuer({ country: 'XX' })] }), 'issuers.0.country: must be an ISO 3166-1 alpha-2 code or EU'],
    ['an issuer that is not a URL', () => ({ audience: AUDIENCE, issuers: [issuer({ issuer: 'be-return' })] }), 'issuers.0.issuer: Invalid URL'],
    ['an organisation that is not INSTANCE/CLASS/CODE', () => ({ audience: AUDIENCE, issuers: [issuer({ organisation: 'BE-RETURN' })] }), 'issuers.0.organisation: must be an X-Road style identifier INSTANCE/CLASS/CODE'],
    ['a duplicate issuer', () => ({ audience: AUDIENCE, issuers: [issuer(), issuer()] }), 'issuers.1.issuer: duplicate issuer'],
    ['a misspelt setting', () => ({ audience: AUDIENCE, clockTolerance: 5, issuers: [issuer()] }), '(root): Unrecognized key: "clockTolerance"'],
  ])('refuses %s, naming the setting', (_, data, problem) => {
    expect(() => parseTrustList(data())).toThrow(new TypeError(`Invalid trust list: ${problem}`));
  });

  it('refuses a private key in an issuer key set', () => {
    expect(() => parseTrustList({ audience: AUDIENCE, issuers: [issuer({ jwks: { keys: [privateJwk] } })] })).toThrow(
      new TypeError('Invalid trust list: issuers.0.jwks.keys.0: must be a public key (private key material found)'),
    );
  });

  it('refuses a symmetric key in an issuer key set', () => {
    const result = () => parseTrustList({ audience: AUDIENCE, issuers: [issuer({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } })] });
    expect(result).toThrow(TypeError);
    expect(result).toThrow(/issuers\.0\.jwks\.keys\.0: symmetric \(oct\) keys are not accepted/);
  });

  it('refuses a key set with more than one source', () => {
    expect(() => parseTrustList({ audience: AUDIENCE, issuers: [issuer({ jwks: { file: 'a.json', keys: [publicJwk] } })] })).toThrow(
      new TypeError('Invalid trust list: issuers.0.jwks: must have exactly one of "file", "url" or "keys"'),
    );
  });

  it('refuses a JWKS URL over plain http unless it is a loopback address', () => {
    expect(() => parseTrustList({ audience: AUDIENCE, issuers: [issuer({ jwks: { url: 'http://idp.be-return.continuum.test/jwks' } })] })).toThrow(
      new TypeError('Invalid trust list: issuers.0.jwks.url: must use https (http is accepted only for loopback addresses)'),
    );
    expect(() => parseTrustList({ audience: AUDIENCE, issuers: [issuer({ jwks: { url: 'http://127.0.0.1:8080/jwks' } })] })).not.toThrow();
  });
});

describe('loadTrustList', () => {
  let identities: DevIdentities;
  beforeAll(async () => {
    identities = await createDevIdentities(AUDIENCE);
  });

  it('names the file when it is not JSON', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ not json');
    expect(() => loadTrustList(path)).toThrow(/^Trust list .*broken\.json is not valid JSON/);
  });

  it('names the file in a validation error', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ audience: AUDIENCE, issuers: [issuer({ country: 'be' })] }));
    expect(() => loadTrustList(path)).toThrow(new TypeError(`Invalid trust list ${path}: issuers.0.country: must be an ISO 3166-1 alpha-2 code or EU`));
  });

  it('resolves a jwks.file relative to the trust list and verifies with it', async () => {
    const entry = identities.trust.issuers.find((candidate) => candidate.organisation === 'EU/GOV/BE-RETURN');
    if (!entry || !('keys' in entry.jwks)) throw new Error('fixture');
    writeFileSync(join(dir, 'be-jwks.json'), JSON.stringify({ keys: entry.jwks.keys }));
    writeFileSync(join(dir, 'file-trust.json'), JSON.stringify({ audience: AUDIENCE, issuers: [{ ...entry, jwks: { file: 'be-jwks.json' } }] }));
    const trust = loadTrustList(join(dir, 'file-trust.json'));
    expect(trust.issuers[0]?.jwks).toStrictEqual({ file: join(dir, 'be-jwks.json') });
    const verifier = createTokenVerifier(trust, { currentDate: () => NOW });
    await expect(verifier.verify(bearer(await issueDevToken(identities, 'auditor', { now: NOW })))).resolves.toMatchObject({ roles: ['AUDITOR'] });
  });

  it('fails at start-up, not on the first request, when a jwks.file is missing', () => {
    const trust = parseTrustList({ audience: AUDIENCE, issuers: [issuer({ jwks: { file: join(dir, 'missing.json') } })] });
    expect(() => createTokenVerifier(trust)).toThrow(`Cannot read JWKS file ${join(dir, 'missing.json')}: ENOENT`);
  });
});
