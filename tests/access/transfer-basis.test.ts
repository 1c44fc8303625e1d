/**
 * Transfer bases through the typed API, end to end through the gateway on every store in
 * `testStores`: the Member State's case officer records a basis and the country-of-origin
 * authority gets the case on the very next request; revoked, it is withheld on the next one; a
 * basis outside its validity window never counts; only the roles the policy names may change
 * bases, only their own Member State's; malformed input is refused; every change, refused or
 * not, leaves a TRANSFER_BASIS_CHANGE record keeping the caller (and a refusal's code and rule).
 *
 * Client-facing codes of whole-case denials are not asserted (a non-party must not tell them
 * apart): the audit record holds the true reason, and the test reads it there.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonaName } from '../../auth/dev-identities.js';
import { caseAccessesOf, type AuditContent } from '../../audit/index.js';
import type { Purpose } from '../../contract/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { postGraphQL } from '../harness/graphql.js';
import { testStores } from '../harness/stores.js';
import { CASES, consentTo, findCase, fromCountry, IQ_AUTHORITY, ownedBy, returned } from './harness.js';

/** German cases reach the Iraqi authority only through a basis the tests record (none is seeded). */
const DE_RETURNED = findCase('a returned DE-owned IQ case with a consent to the Iraqi authority', ownedBy('DE'), fromCountry('IQ'), returned, consentTo(IQ_AUTHORITY, 'IDENTITY'));

const READ_CASE = 'query ReadCase($ref: CaseRef!) { case(ref: $ref) { ref memberStateFile { person { familyName } } } }';
const RECORD = 'mutation Record($input: RecordTransferBasisInput!) { recordTransferBasis(input: $input) { id exporter recipient instrument reference validFrom validUntil recordedBy revokedAt inForce } }';
const REVOKE = 'mutation Revoke($id: ID!) { revokeTransferBasis(id: $id) { id revokedAt revokedBy inForce } }';
const LIST = '{ transferBases { id exporter recipient inForce } }';

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const safeguards = (overrides: Record<string, unknown> = {}) => ({
  recipient: IQ_AUTHORITY,
  instrument: 'APPROPRIATE_SAFEGUARDS',
  reference: 'DE-IQ administrative arrangement 2026/04',
  validFrom: day(-1),
  ...overrides,
});

const ROLE_ONLY = (field: string) => ({
  message: "Only the roles the policy names (changes.transferBases) may record, revoke or list transfer bases, and only their own Member State's.",
  path: [field],
  extensions: { code: 'FORBIDDEN_FIELD', rule: 'transfer-basis.member-state-role-only', serviceName: 'central' },
});
const badInput = (field: string, message: string) => ({ message, path: [field], extensions: { code: 'BAD_USER_INPUT', serviceName: 'central' } });

describe.each(testStores)('transfer bases on $name', (store) => {
  let federation: TestFederation;
  const send = async (persona: PersonaName, purpose: Purpose, query: string, variables: Record<string, unknown> = {}) => {
    const requestId = randomUUID();
    const response = await postGraphQL(federation.gateway.url, query, variables, { ...(await federation.as(persona, purpose)), 'x-request-id': requestId });
    const [record] = await federation.db.query<{ kind: string; outcome: string; cases: string[]; content: AuditContent }>('SELECT kind, outcome, cases, body::jsonb AS content FROM audit.record WHERE request_id = $1', [requestId]);
    return { response, record: record! };
  };
  const authorityReads = () => send('iq-authority', 'REINTEGRATION_ASSISTANCE', READ_CASE, { ref: DE_RETURNED.ref });
  const expectWithheld = async () => {
    const { response, record } = await authorityReads();
    expect(response.data).toEqual({ case: null });
    expect(response.errors).toHaveLength(1);
    expect(caseAccessesOf(record.content)).toEqual([{ ref: DE_RETURNED.ref, released: [], denied: [{ category: 'CASE_ADMIN', code: 'TRANSFER_BLOCKED', rule: 'transfer.no-recorded-basis', paths: ['case'] }] }]);
  };
  const expectReleased = async () => {
    const { response } = await authorityReads();
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ case: { ref: DE_RETURNED.ref, memberStateFile: { person: { familyName: DE_RETURNED.person.familyName } } } });
  };

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it('releases the case to the country-of-origin authority on the very next request after the basis is recorded, and withholds it on the very next after revocation', async () => {
    await expectWithheld();

    const recorded = await send('de-case-officer', 'RETURN_PREPARATION', RECORD, { input: safeguards() });
    expect(recorded.response.errors).toBeUndefined();
    const basis = recorded.response.data?.recordTransferBasis;
    expect(basis).toEqual({
      id: expect.any(String),
      exporter: 'DE',
      recipient: IQ_AUTHORITY,
      instrument: 'APPROPRIATE_SAFEGUARDS',
      reference: 'DE-IQ administrative arrangement 2026/04',
      validFrom: day(-1),
      validUntil: null,
      recordedBy: 'EU/GOV/DE-RETURN',
      revokedAt: null,
      inForce: true,
    });
    await expectReleased();

    const revoked = await send('de-case-officer', 'RETURN_PREPARATION', REVOKE, { id: basis.id });
    expect(revoked.response.errors).toBeUndefined();
    expect(revoked.response.data?.revokeTransferBasis).toEqual({ id: basis.id, revokedAt: expect.any(String), revokedBy: 'EU/GOV/DE-RETURN', inForce: false });
    await expectWithheld();
  });

  it("lists the Member State's cases to the authority while a basis is in force, and no more once it is revoked", async () => {
    const listed = async () => {
      const { response } = await send('iq-authority', 'REINTEGRATION_ASSISTANCE', '{ cases(first: 100) { edges { node { ref owningMemberState } } } }');
      expect(response.errors).toBeUndefined();
      return (response.data?.cases.edges as { node: { ref: string; owningMemberState: string } }[]).map((e) => e.node);
    };
    expect((await listed()).filter((c) => c.owningMemberState === 'DE')).toEqual([]);

    const recorded = await send('de-case-officer', 'RETURN_PREPARATION', RECORD, { input: safeguards() });
    expect((await listed()).map((c) => c.ref)).toContain(DE_RETURNED.ref);

    await send('de-case-officer', 'RETURN_PREPARATION', REVOKE, { id: recorded.response.data?.recordTransferBasis.id });
    expect((await listed()).filter((c) => c.owningMemberState === 'DE')).toEqual([]);
  });

  it.each([
    { when: 'starts tomorrow', window: { validFrom: day(1) } },
    { when: 'ended yesterday', window: { validFrom: day(-30), validUntil: day(-1) } },
  ])('does not count a basis that $when', async ({ window }) => {
    const recorded = await send('de-case-officer', 'RETURN_PREPARATION', RECORD, { input: safeguards(window) });
    expect(recorded.response.errors).toBeUndefined();
    expect(recorded.response.data?.recordTransferBasis.inForce).toBe(false);
    await expectWithheld();
  });

  it('counts a derogation within its window, last day included', async () => {
    const recorded = await send('de-case-officer', 'RETURN_PREPARATION', RECORD, {
      input: safeguards({ instrument: 'DEROGATION', reference: 'Art. 49(1)(d) DE decision 2026-117', validFrom: day(-89), validUntil: day(0) }),
    });
    expect(recorded.response.errors).toBeUndefined();
    expect(recorded.response.data?.recordTransferBasis.inForce).toBe(true);
    await expectReleased();
    await send('de-case-officer', 'RETURN_PREPARATION', REVOKE, { id: recorded.response.data?.recordTransferBasis.id });
    await expectWithheld();
  });

  it('audits a recorded basis as a TRANSFER_BASIS_CHANGE keeping the caller', async () => {
    const { response, record } = await send('de-case-officer', 'RETURN_PREPARATION', RECORD, { input: safeguards({ validFrom: day(2) }) });
    expect(response.errors).toBeUndefined();
    expect(record).toMatchObject({ kind: 'TRANSFER_BASIS_CHANGE', outcome: 'OK' });
    expect(record.content).toMatchObject({
      caller: { organisation: 'EU/GOV/DE-RETURN', country: 'DE', officialId: 'de-case-officer-001', roles: ['MS_CASE_OFFICER'] },
      purpose: 'RETURN_PREPARATION',
      operation: { type: 'mutation', name: 'Record' },
    });
    expect(record.content.code).toBeUndefined();
  });

  it.each<{ who: string; persona: PersonaName; purpose: Purpose }>([
    { who: 'a return counsellor (a role the policy does not name)', persona: 'be-counsellor', purpose: 'RETURN_COUNSELLING' },
    { who: 'the country-of-origin authority itself', persona: 'iq-authority', purpose: 'REINTEGRATION_ASSISTANCE' },
  ])('refuses a basis recorded by $who, records nothing, and audits the refusal with its code and rule', async ({ persona, purpose }) => {
    const before = await federation.db.query('SELECT id FROM central.transfer_basis');
    const { response, record } = await send(persona, purpose, RECORD, { input: safeguards() });

    expect(response.data).toBeNull();
    expect(response.errors).toEqual([ROLE_ONLY('recordTransferBasis')]);
    expect(await federation.db.query('SELECT id FROM central.transfer_basis')).toHaveLength(before.length);
    expect(record).toMatchObject({ kind: 'TRANSFER_BASIS_CHANGE', outcome: 'REFUSED' });
    expect(record.content).toMatchObject({ caller: { organisation: expect.any(String), officialId: `${persona}-001` }, code: 'FORBIDDEN_FIELD', rule: 'transfer-basis.member-state-role-only' });
    await expectWithheld();
  });

  it('shows auditors the changes as TRANSFER_BASIS_CHANGE records, refused ones with their code', async () => {
    await send('iq-authority', 'REINTEGRATION_ASSISTANCE', RECORD, { input: safeguards() });
    const { response } = await send('dpo', 'AUDIT', '{ auditRecords(filter: { kind: TRANSFER_BASIS_CHANGE, organisation: "IQ/GOV/IQ-MIGRATION-AUTHORITY" }, first: 1) { edges { node { kind outcome code organisation officialId operationType } } } }');
    expect(response.errors).toBeUndefined();
    expect(response.data?.auditRecords.edges).toEqual([
      { node: { kind: 'TRANSFER_BASIS_CHANGE', outcome: 'REFUSED', code: 'FORBIDDEN_FIELD', organisation: IQ_AUTHORITY, officialId: 'iq-authority-001', operationType: 'mutation' } },
    ]);
  });

  it("refuses to revoke another Member State's basis as if it did not exist, and the basis stays in force", async () => {
    const [belgian] = await federation.db.query<{ id: string }>("SELECT id FROM central.transfer_basis WHERE exporter_member_state = 'BE' AND recipient = $1", [IQ_AUTHORITY]);
    const { response, record } = await send('de-case-officer', 'RETURN_PREPARATION', REVOKE, { id: belgian!.id });

    expect(response.errors).toEqual([badInput('revokeTransferBasis', 'id: no such transfer basis of your Member State')]);
    expect(record.content).toMatchObject({ code: 'BAD_USER_INPUT', caller: { officialId: 'de-case-officer-001' } });
    expect(await federation.db.query('SELECT 1 FROM central.transfer_basis WHERE id = $1 AND revoked_at IS NULL', [belgian!.id])).toHaveLength(1);
  });

  it("lists only the bases of the caller's own Member State, and refuses the list to other roles", async () => {
    const listed = await send('de-case-officer', 'RETURN_PREPARATION', LIST);
    expect(listed.response.errors).toBeUndefined();
    const bases = listed.response.data?.transferBases as { exporter: string }[];
    const stored = await federation.db.query("SELECT id FROM central.transfer_basis WHERE exporter_member_state = 'DE'");
    expect(bases.length).toBe(stored.length);
    expect(new Set(bases.map((b) => b.exporter))).toEqual(new Set(['DE']));

    const refused = await send('iq-authority', 'REINTEGRATION_ASSISTANCE', LIST);
    expect(refused.response.data).toBeNull();
    expect(refused.response.errors).toEqual([ROLE_ONLY('transferBases')]);
  });

  it.each([
    { what: 'a recipient that takes no part in the hub', overrides: { recipient: 'IQ/GOV/IQ-UNKNOWN-AUTHORITY' }, message: 'input.recipient: not an organisation taking part in the hub' },
    { what: 'a recipient in the EU/EEA', overrides: { recipient: 'EU/GOV/BE-RETURN' }, message: 'input.recipient: is in the EU/EEA, where no transfer basis is needed' },
    { what: 'a recipient that is not an organisation identifier', overrides: { recipient: 'the ministry' }, message: 'input: recipient: not an organisation identifier' },
    { what: 'a validUntil before validFrom', overrides: { validFrom: day(0), validUntil: day(-1) }, message: 'input: validUntil: must not be before validFrom' },
    { what: 'a reference with a line break', overrides: { reference: 'SCC\n2021/914' }, message: 'input: reference: must be 3 to 120 characters (letters, digits, spaces and . , / ( ) : - _), starting with a letter or digit, not ending with a space' },
    { what: 'a reference of two characters', overrides: { reference: 'AB' }, message: 'input: reference: must be 3 to 120 characters (letters, digits, spaces and . , / ( ) : - _), starting with a letter or digit, not ending with a space' },
    { what: 'a derogation without an end', overrides: { instrument: 'DEROGATION' }, message: 'input: validUntil: a derogation (Art. 49) must end: give its last day' },
    { what: 'a derogation longer than the policy allows', overrides: { instrument: 'DEROGATION', validFrom: day(0), validUntil: day(91) }, message: 'input: validUntil: a derogation (Art. 49) must end at most 90 days after validFrom' },
  ])('refuses a basis with $what as BAD_USER_INPUT, and audits the refusal', async ({ overrides, message }) => {
    const { response, record } = await send('de-case-officer', 'RETURN_PREPARATION', RECORD, { input: safeguards(overrides) });
    expect(response.data).toBeNull();
    expect(response.errors).toEqual([badInput('recordTransferBasis', message)]);
    expect(record).toMatchObject({ kind: 'TRANSFER_BASIS_CHANGE', content: { code: 'BAD_USER_INPUT', caller: { officialId: 'de-case-officer-001' } } });
  });
});
