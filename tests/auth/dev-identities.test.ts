/**
 * DEVELOPMENT-ONLY demo identities: every persona's token verifies to the Caller its definition
 * promises, issuers are one per organisation, and the on-disk store keeps keys across restarts
 * with the private half readable only by its owner.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createDevIdentities,
  createTokenVerifier,
  ensureDevIdentities,
  issueDevToken,
  loadTrustList,
  PERSONA_NAMES,
  PERSONAS,
  type DevIdentities,
} from '../../auth/index.js';
import { AUDIENCE, bearer, NOW, NOW_SECONDS } from './harness.js';

let identities: DevIdentities;
beforeAll(async () => {
  identities = await createDevIdentities(AUDIENCE);
});

describe('personas', () => {
  it('lists the ten synthetic personas', () => {
    expect(PERSONA_NAMES).toStrictEqual([
      'be-counsellor',
      'de-case-officer',
      'eurp-programme-manager',
      'iq-partner',
      'other-partner',
      'iq-authority',
      'researcher',
      'auditor',
      'dpo',
      'hub-operator',
    ]);
  });

  it('has exactly one issuer per persona organisation, each with its own key', () => {
    const organisations = new Set(Object.values(PERSONAS).map((persona) => persona.organisation));
    expect(identities.trust.issuers.map((issuer) => issuer.organisation).sort()).toStrictEqual([...organisations].sort());
    const kids = identities.trust.issuers.map((issuer) => ('keys' in issuer.jwks ? issuer.jwks.keys[0]?.kid : undefined));
    expect(new Set(kids).size).toBe(organisations.size);
  });

  it('binds each demo issuer to exactly the roles and purposes its personas need, and only hub bodies to oversight', () => {
    const bindings = Object.fromEntries(identities.trust.issuers.map((entry) => [entry.organisation, { roles: entry.roles, purposes: entry.purposes, oversight: entry.oversight }]));
    const ms = ['RETURN_COUNSELLING', 'RETURN_PREPARATION', 'CONTINUITY_OF_CARE'];
    const partner = { roles: ['REINTEGRATION_PARTNER'], purposes: ['REINTEGRATION_ASSISTANCE', 'CONTINUITY_OF_CARE'], oversight: false };
    expect(bindings).toStrictEqual({
      'EU/GOV/BE-RETURN': { roles: ['MS_COUNSELLOR', 'AUDITOR'], purposes: [...ms, 'AUDIT'], oversight: true },
      'EU/GOV/DE-RETURN': { roles: ['MS_CASE_OFFICER'], purposes: ms, oversight: false },
      'EU/GOV/EU-REINTEGRATION-PROGRAMME': { roles: ['EU_PROGRAMME_MANAGER'], purposes: ['REINTEGRATION_ASSISTANCE', 'MONITORING_EVALUATION'], oversight: false },
      'IQ/NGO/IQ-REINTEGRATION-PARTNER': partner,
      'IQ/NGO/IQ-OTHER-PARTNER': partner,
      'IQ/GOV/IQ-MIGRATION-AUTHORITY': { roles: ['COO_AUTHORITY'], purposes: ['REINTEGRATION_ASSISTANCE', 'REFERRAL'], oversight: false },
      'EU/EDU/EU-RETURN-RESEARCH': { roles: ['RESEARCHER'], purposes: ['MONITORING_EVALUATION', 'STATISTICS'], oversight: false },
      'EU/GOV/EU-DATA-PROTECTION-SUPERVISOR': { roles: ['DPO'], purposes: ['AUDIT'], oversight: true },
      'EU/GOV/CONTINUUM-HUB': { roles: ['HUB_OPERATOR'], purposes: ['OPERATIONS'], oversight: true },
    });
  });

  it('publishes no private key material in the trust list', () => {
    const text = JSON.stringify(identities.trust);
    expect(text).not.toMatch(/"d":/);
  });

  it.each(PERSONA_NAMES)('issues a token for %s that verifies to its definition', async (name) => {
    const verifier = createTokenVerifier(identities.trust, { currentDate: () => NOW });
    const token = await issueDevToken(identities, name, { now: NOW });
    const definition = PERSONAS[name];
    await expect(verifier.verify(bearer(token))).resolves.toStrictEqual({
      issuer: identities.issuers.get(definition.organisation)?.issuer,
      officialId: `${name}-001`,
      organisation: definition.organisation,
      country: definition.country,
      roles: [...definition.roles],
      purposes: [...definition.purposes],
    });
  });

  it('uses .test issuer URLs derived from the organisation', () => {
    expect(identities.issuers.get('EU/GOV/BE-RETURN')?.issuer).toBe('https://idp.be-return.continuum.test');
    for (const issuer of identities.trust.issuers) expect(new URL(issuer.issuer).hostname).toMatch(/\.continuum\.test$/);
  });
});

describe('issueDevToken', () => {
  it('signs ES256 with the kid of the organisation key and sets the registered claims', async () => {
    const token = await issueDevToken(identities, 'iq-partner', { now: NOW, ttlSeconds: 600, officialId: 'iq-partner-042' });
    expect(decodeProtectedHeader(token)).toStrictEqual({ alg: 'ES256', kid: identities.issuers.get('IQ/NGO/IQ-REINTEGRATION-PARTNER')?.kid, typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: 'https://idp.iq-reintegration-partner.continuum.test',
      sub: 'iq-partner-042',
      aud: AUDIENCE,
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + 600,
      org: 'IQ/NGO/IQ-REINTEGRATION-PARTNER',
      country: 'IQ',
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts an allowed purpose and still lists every allowed purpose', async () => {
    const token = await issueDevToken(identities, 'be-counsellor', { now: NOW, purpose: 'RETURN_PREPARATION' });
    expect(decodeJwt(token).purposes).toStrictEqual(['RETURN_COUNSELLING', 'RETURN_PREPARATION', 'CONTINUITY_OF_CARE']);
  });

  it('refuses a purpose the persona does not allow, naming the valid ones', async () => {
    await expect(issueDevToken(identities, 'researcher', { purpose: 'RETURN_COUNSELLING' })).rejects.toThrow(
      new TypeError('Persona "researcher" does not allow purpose "RETURN_COUNSELLING". Valid purposes: MONITORING_EVALUATION, STATISTICS.'),
    );
  });

  it('refuses an unknown persona, naming the valid ones', async () => {
    await expect(issueDevToken(identities, 'root')).rejects.toThrow(new TypeError(`Unknown persona "root". Valid personas: ${PERSONA_NAMES.join(', ')}.`));
  });

  it('refuses a non-positive ttl', async () => {
    await expect(issueDevToken(identities, 'dpo', { ttlSeconds: 0 })).rejects.toThrow(new TypeError('ttlSeconds must be a positive integer, got 0.'));
  });
});

describe('ensureDevIdentities', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function freshDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'continuum-dev-identities-'));
    dirs.push(dir);
    return join(dir, 'nested', 'dev-identities');
  }

  it('creates issuers.json readable only by its owner and a trust.json loadTrustList accepts', async () => {
    const dir = freshDir();
    const created = await ensureDevIdentities(dir, AUDIENCE);
    expect(statSync(join(dir, 'issuers.json')).mode & 0o777).toBe(0o600);
    const trust = loadTrustList(join(dir, 'trust.json'));
    expect(trust).toStrictEqual(created.trust);
    expect(readFileSync(join(dir, 'trust.json'), 'utf8')).not.toMatch(/"d":/);
  });

  it('keeps the same keys across restarts, so earlier tokens still verify', async () => {
    const dir = freshDir();
    const first = await ensureDevIdentities(dir, AUDIENCE);
    const token = await issueDevToken(first, 'de-case-officer', { now: NOW });
    const second = await ensureDevIdentities(dir, AUDIENCE);
    expect(second.trust).toStrictEqual(first.trust);
    const verifier = createTokenVerifier(loadTrustList(join(dir, 'trust.json')), { currentDate: () => NOW });
    await expect(verifier.verify(bearer(token))).resolves.toMatchObject({ organisation: 'EU/GOV/DE-RETURN', country: 'DE' });
  });

  it('keeps the stored audience when none is given, and updates it when another is', async () => {
    const dir = freshDir();
    await ensureDevIdentities(dir, AUDIENCE);
    expect((await ensureDevIdentities(dir)).audience).toBe(AUDIENCE);
    const moved = await ensureDevIdentities(dir, 'https://other-hub.continuum.test');
    expect(moved.trust.audience).toBe('https://other-hub.continuum.test');
    expect(loadTrustList(join(dir, 'trust.json')).audience).toBe('https://other-hub.continuum.test');
  });
});
