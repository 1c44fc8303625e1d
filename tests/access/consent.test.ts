/**
 * Consent, end to end through the gateway on every store in `testStores`: a withdrawal denies the
 * very next request, a recorded consent releases on the next one, only officers of the Member
 * State that owns the case may change consents, and malformed consents are refused. Each test
 * works on its own case, so their order does not matter.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonaName } from '../../auth/dev-identities.js';
import { caseAccessesOf, type AuditContent } from '../../audit/index.js';
import type { Purpose } from '../../contract/index.js';
import type { SyntheticCase } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { postGraphQL } from '../harness/graphql.js';
import { testStores } from '../harness/stores.js';
import { allCases, assignedTo, CASES, consentTo, EVIDENCE_HASH, IQ_PARTNER, noConsentTo, ownedBy } from './harness.js';

const withMedicalRecord = (c: SyntheticCase) => c.medical !== null;
/** Health consent to the Iraqi partner seeded: the withdrawal test's case. */
const [CONSENTED] = allCases(assignedTo(IQ_PARTNER), consentTo(IQ_PARTNER, 'HEALTH'));
/** Belgian cases of the Iraqi partner with a medical record and no health consent: one per test that records. */
const [UNCONSENTED, REFUSED_TO_OTHER_MS, REFUSED_TO_PARTNER, BAD_INPUT, AUDITED_REFUSAL] = allCases(ownedBy('BE'), assignedTo(IQ_PARTNER), withMedicalRecord, noConsentTo(IQ_PARTNER, 'HEALTH'));

/** A case of the Iraqi partner with its partner file and no health consent: the file must survive the denial. */
const [FILE_WITHOUT_HEALTH_CONSENT] = allCases(assignedTo(IQ_PARTNER), noConsentTo(IQ_PARTNER, 'HEALTH'), (c) => c.partnerFile !== null);

const READ_MEDICAL = 'query($ref: CaseRef!) { case(ref: $ref) { memberStateFile { medical { fitToTravel } } } }';
const READ_CONSENTS = 'query($ref: CaseRef!) { case(ref: $ref) { consents { id recipient categories purposes withdrawnAt } } }';
const RECORD = 'mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id recipient categories purposes withdrawnAt } }';
const WITHDRAW = 'mutation($id: ID!) { withdrawConsent(id: $id) { id withdrawnAt } }';

/** What a consent can cover, written out: every personal category and purpose decided per case. */
const CONSENTABLE_CATEGORIES = 'IDENTITY, CONTACT, COUNSELLING, VULNERABILITY, HEALTH, RETURN_DECISION, ASYLUM_HISTORY, TRAVEL, REINTEGRATION, MONITORING, REFERRAL, CASE_ADMIN, CONSENT';
const CONSENTABLE_PURPOSES = 'RETURN_COUNSELLING, RETURN_PREPARATION, CONTINUITY_OF_CARE, REINTEGRATION_ASSISTANCE, REFERRAL, MONITORING_EVALUATION';

const officerOf = (c: SyntheticCase): PersonaName => (c.owningMemberState === 'BE' ? 'be-counsellor' : 'de-case-officer');

const healthConsentFor = (c: SyntheticCase, overrides: Record<string, unknown> = {}) => ({
  caseRef: c.ref,
  recipient: IQ_PARTNER,
  categories: ['HEALTH'],
  purposes: ['CONTINUITY_OF_CARE'],
  validFrom: new Date(Date.now() - 60_000).toISOString(),
  evidenceHash: EVIDENCE_HASH,
  ...overrides,
});

const CONSENT_REQUIRED = {
  message: 'Field "BelgianCaseFile.medical" (HEALTH) is not released to you: CONSENT_REQUIRED by rule partner.continuity-of-care.',
  path: ['case', 'memberStateFile', 'medical'],
  extensions: { code: 'CONSENT_REQUIRED', rule: 'partner.continuity-of-care', category: 'HEALTH' },
};
const OWNING_MS_ONLY = (field: string) => ({
  message: 'Only officers of the Member State that owns the case may record or withdraw its consents.',
  path: [field],
  extensions: { code: 'FORBIDDEN_FIELD', rule: 'consent.owning-member-state-only', serviceName: 'central' },
});

describe.each(testStores)('consent on $name', (store) => {
  let federation: TestFederation;
  const partnerReadsMedical = (c: SyntheticCase) => federation.query('iq-partner', 'CONTINUITY_OF_CARE', READ_MEDICAL, { ref: c.ref });
  const consentsOf = async (c: SyntheticCase) =>
    (await federation.query(officerOf(c), 'RETURN_COUNSELLING', READ_CONSENTS, { ref: c.ref })).data?.case.consents as {
      id: string;
      recipient: string;
      categories: string[];
      purposes: string[];
      withdrawnAt: string | null;
    }[];
  const healthConsentId = async (c: SyntheticCase) => {
    const found = (await consentsOf(c)).filter((k) => k.recipient === IQ_PARTNER && k.categories.includes('HEALTH') && k.withdrawnAt === null);
    expect(found).toHaveLength(1);
    return found[0]!.id;
  };

  beforeAll(async () => {
    expect([CONSENTED, UNCONSENTED, REFUSED_TO_OTHER_MS, REFUSED_TO_PARTNER, BAD_INPUT, AUDITED_REFUSAL, FILE_WITHOUT_HEALTH_CONSENT].every(Boolean)).toBe(true);
    federation = await startTestFederation(store, { cases: CASES });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it("keeps the partner's own file when only its health part is denied", async () => {
    const c = FILE_WITHOUT_HEALTH_CONSENT!;
    const result = await federation.query('iq-partner', 'CONTINUITY_OF_CARE', 'query($ref: CaseRef!) { case(ref: $ref) { partnerFile { partner healthAssistance { kind } } } }', { ref: c.ref });

    expect(result.data?.case.partnerFile).toEqual({ partner: expect.any(String), healthAssistance: null });
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['case', 'partnerFile', 'healthAssistance'], extensions: expect.objectContaining({ code: 'CONSENT_REQUIRED', category: 'HEALTH' }) }),
    ]);
  });

  it('denies health data on the very next request after the consent is withdrawn', async () => {
    const c = CONSENTED!;
    const before = await partnerReadsMedical(c);
    expect(before.errors).toBeUndefined();
    expect(before.data).toEqual({ case: { memberStateFile: { medical: { fitToTravel: c.medical!.fitToTravel } } } });

    const withdrawn = await federation.query(officerOf(c), 'RETURN_COUNSELLING', WITHDRAW, { id: await healthConsentId(c) });
    expect(withdrawn.errors).toBeUndefined();
    expect(withdrawn.data?.withdrawConsent.withdrawnAt).toEqual(expect.any(String));

    const after = await partnerReadsMedical(c);
    expect(after.data).toEqual({ case: { memberStateFile: { medical: null } } });
    expect(after.errors).toEqual([{ ...CONSENT_REQUIRED, message: CONSENT_REQUIRED.message.replace('BelgianCaseFile', c.owningMemberState === 'BE' ? 'BelgianCaseFile' : 'GermanCaseFile'), extensions: CONSENT_REQUIRED.extensions }]);
  });

  it('releases health data on the very next request after the owning Member State records a consent', async () => {
    const c = UNCONSENTED!;
    const before = await partnerReadsMedical(c);
    expect(before.data).toEqual({ case: { memberStateFile: { medical: null } } });
    expect(before.errors).toEqual([CONSENT_REQUIRED]);

    const recorded = await federation.query('be-counsellor', 'RETURN_COUNSELLING', RECORD, { input: healthConsentFor(c) });
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data?.recordConsent).toEqual({ id: expect.any(String), recipient: IQ_PARTNER, categories: ['HEALTH'], purposes: ['CONTINUITY_OF_CARE'], withdrawnAt: null });

    const after = await partnerReadsMedical(c);
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual({ case: { memberStateFile: { medical: { fitToTravel: c.medical!.fitToTravel } } } });
  });

  it.each<{ who: string; persona: PersonaName; purpose: Purpose }>([
    { who: "another Member State's officer", persona: 'de-case-officer', purpose: 'RETURN_COUNSELLING' },
    { who: 'the partner the consent is for', persona: 'iq-partner', purpose: 'CONTINUITY_OF_CARE' },
  ])('refuses a consent recorded by $who, and records nothing', async ({ persona, purpose }) => {
    const c = persona === 'iq-partner' ? REFUSED_TO_PARTNER! : REFUSED_TO_OTHER_MS!;
    const result = await federation.query(persona, purpose, RECORD, { input: healthConsentFor(c) });
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([OWNING_MS_ONLY('recordConsent')]);
    expect((await consentsOf(c)).filter((k) => k.recipient === IQ_PARTNER)).toEqual([]);
    expect((await partnerReadsMedical(c)).errors).toEqual([CONSENT_REQUIRED]);
  });

  it.each<{ who: string; persona: PersonaName; purpose: Purpose }>([
    { who: "another Member State's officer", persona: 'de-case-officer', purpose: 'RETURN_COUNSELLING' },
    { who: 'the partner the consent is for', persona: 'iq-partner', purpose: 'CONTINUITY_OF_CARE' },
  ])('refuses a withdrawal by $who, and the consent stays active', async ({ persona, purpose }) => {
    // A Belgian case whose seeded consent the Belgian officer alone may withdraw.
    const c = allCases(ownedBy('BE'), assignedTo(IQ_PARTNER), consentTo(IQ_PARTNER, 'HEALTH'))[persona === 'iq-partner' ? 0 : 1]!;
    const id = await healthConsentId(c);
    const result = await federation.query(persona, purpose, WITHDRAW, { id });
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([OWNING_MS_ONLY('withdrawConsent')]);
    expect((await consentsOf(c)).find((k) => k.id === id)?.withdrawnAt).toBeNull();
    expect((await partnerReadsMedical(c)).errors).toBeUndefined();
  });

  it.each([
    { what: 'an evidence hash that is not a SHA-256 digest', overrides: { evidenceHash: 'not-a-digest' }, message: 'input: evidenceHash: must be a SHA-256 digest in lower-case hex' },
    { what: 'an upper-case evidence hash', overrides: { evidenceHash: EVIDENCE_HASH.toUpperCase() }, message: 'input: evidenceHash: must be a SHA-256 digest in lower-case hex' },
    { what: 'a recipient that takes no part in the hub', overrides: { recipient: 'IQ/NGO/IQ-UNKNOWN-PARTNER' }, message: 'input.recipient: not an organisation taking part in the hub' },
    { what: 'a recipient that is not an organisation identifier', overrides: { recipient: 'somebody' }, message: 'input: recipient: not an organisation identifier' },
    { what: 'a validUntil before its validFrom', overrides: { validFrom: '2026-03-01T00:00:00.000Z', validUntil: '2026-02-01T00:00:00.000Z' }, message: 'input: validUntil: must be after validFrom' },
    { what: 'a validUntil equal to its validFrom', overrides: { validFrom: '2026-03-01T00:00:00.000Z', validUntil: '2026-03-01T00:00:00.000Z' }, message: 'input: validUntil: must be after validFrom' },
    { what: 'no category', overrides: { categories: [] }, message: 'input: categories: name at least one category' },
    { what: 'a category named twice', overrides: { categories: ['HEALTH', 'HEALTH'] }, message: 'input: categories: must not name a category twice' },
    { what: 'a category no consent can cover', overrides: { categories: ['NOT_PERSONAL'] }, message: `input: categories.0: must be one of ${CONSENTABLE_CATEGORIES}` },
    { what: 'no purpose', overrides: { purposes: [] }, message: 'input: purposes: name at least one purpose' },
    { what: 'a purpose no consent can cover', overrides: { purposes: ['AUDIT'] }, message: `input: purposes.0: must be one of ${CONSENTABLE_PURPOSES}` },
  ])('refuses a consent with $what as BAD_USER_INPUT', async ({ overrides, message }) => {
    const result = await federation.query('be-counsellor', 'RETURN_COUNSELLING', RECORD, { input: healthConsentFor(BAD_INPUT!, overrides) });
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([{ message, path: ['recordConsent'], extensions: { code: 'BAD_USER_INPUT', serviceName: 'central' } }]);
  });

  it('refuses a consent dated on a day the calendar does not have, before any system is asked', async () => {
    const c = BAD_INPUT!;
    const result = await federation.query('be-counsellor', 'RETURN_COUNSELLING', RECORD, { input: healthConsentFor(c, { validFrom: '2026-02-30T00:00:00.000Z' }) });
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    // The wording of variable coercion errors is the gateway's; the code is what a client branches on.
    expect(result.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' } }]);
    expect((await consentsOf(c)).filter((k) => k.recipient === IQ_PARTNER)).toEqual([]);
  });

  it.each<{ refusal: string; persona: PersonaName; overrides: Record<string, unknown>; code: string; rule?: string }>([
    { refusal: "another Member State's officer", persona: 'de-case-officer', overrides: {}, code: 'FORBIDDEN_FIELD', rule: 'consent.owning-member-state-only' },
    { refusal: 'a validUntil before validFrom', persona: 'be-counsellor', overrides: { validFrom: '2026-03-01T00:00:00.000Z', validUntil: '2026-02-01T00:00:00.000Z' }, code: 'BAD_USER_INPUT' },
  ])('audits a consent refused for $refusal as a CONSENT_CHANGE keeping the case, the caller and the code', async ({ persona, overrides, code, rule }) => {
    const c = AUDITED_REFUSAL!;
    const requestId = randomUUID();
    const response = await postGraphQL(federation.gateway.url, RECORD, { input: healthConsentFor(c, overrides) }, { ...(await federation.as(persona, 'RETURN_COUNSELLING')), 'x-request-id': requestId });
    const [record] = await federation.db.query<{ kind: string; cases: string[]; content: AuditContent }>('SELECT kind, cases, body::jsonb AS content FROM audit.record WHERE request_id = $1', [requestId]);

    expect(response.errors).toMatchObject([{ path: ['recordConsent'], extensions: { code } }]);
    expect(record).toMatchObject({ kind: 'CONSENT_CHANGE', cases: [c.ref] });
    expect(record!.content).toMatchObject({ outcome: 'REFUSED', code, caller: { officialId: `${persona}-001` }, ...(rule ? { rule } : {}) });
    expect(caseAccessesOf(record!.content)).toEqual([{ ref: c.ref, released: [], denied: [{ category: 'CONSENT', code, rule: rule ?? code, paths: ['recordConsent'] }] }]);
  });

  it('refuses to withdraw a consent that does not exist as BAD_USER_INPUT', async () => {
    const result = await federation.query('be-counsellor', 'RETURN_COUNSELLING', WITHDRAW, { id: '00000000-0000-4000-8000-000000000000' });
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([{ message: 'id: no such consent', path: ['withdrawConsent'], extensions: { code: 'BAD_USER_INPUT', serviceName: 'central' } }]);
  });
});
