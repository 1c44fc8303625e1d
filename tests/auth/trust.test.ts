/**
 * The trust list is configuration: a bad setting stops start-up with a TypeError naming it (never
 * an AuthError), and an issuer can only be listed with public, asymmetric keys.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  return {
    issuer: 'https://idp.be-return.continuum.test',
    organisation: 'EU/GOV/BE-RETURN',
    country: 'BE',
    roles: ['MS_COUNSELLOR'],
    purposes: ['RETURN_COUNSELLING'],
    jwks: { keys: [publicJwk] },
    ...overrides,
  };
}

/** An entry for the Iraqi reintegration partner's identity provider (an NGO outside the EU). */
function partnerIssuer(overrides: Record<string, unknown> = {}) {
  return issuer({
    issuer: 'https://idp.iq-reintegration-partner.continuum.test',
    organisation: 'IQ/NGO/IQ-REINTEGRATION-PARTNER',
    country: 'IQ',
    roles: ['REINTEGRATION_PARTNER'],
    purposes: ['REINTEGRATION_ASSISTANCE'],
    ...overrides,
  });
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
    ['an issuer without roles (nothing is assumed)', () => ({ audience: AUDIENCE, issuers: [issuer({ roles: undefined })] }), 'issuers.0.roles: Invalid input: expected array, received undefined'],
    ['an issuer without purposes (nothing is assumed)', () => ({ audience: AUDIENCE, issuers: [issuer({ purposes: undefined })] }), 'issuers.0.purposes: Invalid input: expected array, received undefined'],
    ['an issuer with an empty list of roles', () => ({ audience: AUDIENCE, issuers: [issuer({ roles: [] })] }), 'issuers.0.roles: Too small: expected array to have >=1 items'],
    ['a role listed twice', () => ({ audience: AUDIENCE, issuers: [issuer({ roles: ['MS_COUNSELLOR', 'MS_COUNSELLOR'] })] }), 'issuers.0.roles: MS_COUNSELLOR is listed twice'],
  ])('refuses %s, naming the setting', (_, data, problem) => {
    expect(() => parseTrustList(data())).toThrow(new TypeError(`Invalid trust list: ${problem}`));
  });

  it('keeps the roles and purposes each issuer may assert, and marks no issuer for oversight unless told', () => {
    const [entry] = parseTrustList({ audience: AUDIENCE, issuers: [issuer()] }).issuers;
    expect({ roles: entry?.roles, purposes: entry?.purposes, oversight: entry?.oversight }).toStrictEqual({ roles: ['MS_COUNSELLOR'], purposes: ['RETURN_COUNSELLING'], oversight: false });
  });

  it('refuses a role the hub does not know', () => {
    expect(() => parseTrustList({ audience: AUDIENCE, issuers: [issuer({ roles: ['SUPERUSER'] })] })).toThrow(/^Invalid trust list: issuers\.0\.roles\.0: Invalid option: expected one of "MS_COUNSELLOR"\|/);
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

describe('oversight roles: auditors, DPOs and hub operators', () => {
  it.each([
    ['DPO', { roles: ['REINTEGRATION_PARTNER', 'DPO'] }, 'issuers.0.roles: DPO is an oversight role: only an issuer marked "oversight": true may assert it (https://idp.iq-reintegration-partner.continuum.test)'],
    ['HUB_OPERATOR', { roles: ['HUB_OPERATOR'] }, 'issuers.0.roles: HUB_OPERATOR is an oversight role: only an issuer marked "oversight": true may assert it (https://idp.iq-reintegration-partner.continuum.test)'],
    ['AUDITOR', { roles: ['AUDITOR'] }, 'issuers.0.roles: AUDITOR is an oversight role: only an issuer marked "oversight": true may assert it (https://idp.iq-reintegration-partner.continuum.test)'],
    ['the purpose AUDIT', { purposes: ['AUDIT'] }, 'issuers.0.purposes: AUDIT is an oversight purpose: only an issuer marked "oversight": true may allow it (https://idp.iq-reintegration-partner.continuum.test)'],
    ['the purpose OPERATIONS', { purposes: ['OPERATIONS'] }, 'issuers.0.purposes: OPERATIONS is an oversight purpose: only an issuer marked "oversight": true may allow it (https://idp.iq-reintegration-partner.continuum.test)'],
  ])('refuses, at load time, an issuer not marked for oversight that lists %s', (_, overrides, problem) => {
    expect(() => parseTrustList({ audience: AUDIENCE, issuers: [partnerIssuer(overrides)] })).toThrow(new TypeError(`Invalid trust list: ${problem}`));
  });

  it.each([
    ["a partner's (NGO) identity provider", () => partnerIssuer({ roles: ['DPO'], oversight: true }), 'IQ/NGO/IQ-REINTEGRATION-PARTNER'],
    ["a country-of-origin authority's identity provider", () => partnerIssuer({ issuer: 'https://idp.iq-migration-authority.continuum.test', organisation: 'IQ/GOV/IQ-MIGRATION-AUTHORITY', roles: ['HUB_OPERATOR'], oversight: true }), 'IQ/GOV/IQ-MIGRATION-AUTHORITY'],
    ["a research institute's identity provider", () => issuer({ issuer: 'https://idp.eu-return-research.continuum.test', organisation: 'EU/EDU/EU-RETURN-RESEARCH', country: 'EU', roles: ['AUDITOR'], oversight: true }), 'EU/EDU/EU-RETURN-RESEARCH'],
  ])('refuses to mark %s for oversight: only an EU public body (EU/GOV/…) can be', (_, entryOf, organisation) => {
    const entry = entryOf();
    expect(() => parseTrustList({ audience: AUDIENCE, issuers: [entry] })).toThrow(
      new TypeError(`Invalid trust list: issuers.0.oversight: only an EU public body (organisation EU/GOV/…) may be marked for oversight; ${organisation} is not one (${entry.issuer})`),
    );
  });

  it('accepts oversight roles and purposes from an EU public body marked for oversight', () => {
    const entry = issuer({ issuer: 'https://idp.eu-data-protection-supervisor.continuum.test', organisation: 'EU/GOV/EU-DATA-PROTECTION-SUPERVISOR', country: 'EU', roles: ['DPO'], purposes: ['AUDIT'], oversight: true });
    expect(parseTrustList({ audience: AUDIENCE, issuers: [entry] }).issuers[0]).toMatchObject({ roles: ['DPO'], purposes: ['AUDIT'], oversight: true });
  });
});

describe('the trust list example in docs/DEPLOYMENT.md', () => {
  const page = readFileSync(new URL('../../docs/DEPLOYMENT.md', import.meta.url), 'utf8');
  const section = page.slice(page.indexOf('## The trust list'));
  const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(section)?.[1] ?? 'null') as { issuers: Record<string, unknown>[] };

  it('is a trust list the hub loads', () => {
    const trust = parseTrustList(example, { baseDir: '/etc/continuum' });
    expect(trust.issuers.map((entry) => [entry.organisation, entry.oversight, entry.jwks])).toStrictEqual([
      ['EU/GOV/BE-RETURN', true, { url: 'https://idp.be-return.example/realms/continuum/certs' }],
      ['IQ/NGO/IQ-REINTEGRATION-PARTNER', false, { file: '/etc/continuum/jwks/iq-reintegration-partner.json' }],
    ]);
  });

  it('stops loading when its partner entry is given an oversight role, with the message the page shows', () => {
    const [member, partner] = example.issuers;
    const wrong = { ...example, issuers: [member, { ...partner, roles: ['REINTEGRATION_PARTNER', 'DPO'] }] };
    expect(() => parseTrustList(wrong, { source: '/etc/continuum/trust.json' })).toThrow(
      new TypeError('Invalid trust list /etc/continuum/trust.json: issuers.1.roles: DPO is an oversight role: only an issuer marked "oversight": true may assert it (https://idp.reintegration-partner.example)'),
    );
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
