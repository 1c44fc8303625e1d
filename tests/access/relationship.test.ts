/**
 * Relationship to the case and the transfer gate, end to end through the gateway on every store in
 * `testStores`: partners see only the cases assigned to them, a country-of-origin authority sees
 * a case only after return and only with a recorded transfer basis from the owning Member State,
 * and never its asylum history or return decision — not with a consent, and not even when the
 * policy file wrongly grants them (a second federation runs such a policy).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseAccessesOf, type AuditContent } from '../../audit/index.js';
import { DEFAULT_POLICY_PATH, parsePolicy } from '../../auth/policy.js';
import { postGraphQL } from '../harness/graphql.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';
import {
  allCases,
  assignedTo,
  CASES,
  consentTo,
  errorsAt,
  EVIDENCE_HASH,
  findCase,
  fromCountry,
  IQ_AUTHORITY,
  IQ_OTHER_PARTNER,
  IQ_PARTNER,
  notReturned,
  ownedBy,
  returned,
  startFederationWithPolicy,
} from './harness.js';

const PARTNER_CASE = findCase('a case of the Iraqi partner', assignedTo(IQ_PARTNER));
const BE_RETURNED = findCase('a returned BE-owned IQ case with a consent to the Iraqi authority', ownedBy('BE'), fromCountry('IQ'), returned, consentTo(IQ_AUTHORITY, 'IDENTITY'), (c) => c.asylumHistory !== null && c.returnDecision !== null);
const DE_RETURNED = findCase('a returned DE-owned IQ case with a consent to the Iraqi authority', ownedBy('DE'), fromCountry('IQ'), returned, consentTo(IQ_AUTHORITY, 'IDENTITY'));
const BE_NOT_RETURNED = findCase('a BE-owned IQ case before return', ownedBy('BE'), fromCountry('IQ'), notReturned);

const LIST_REFS = '{ cases(first: 100) { totalCount pageInfo { hasNextPage } edges { node { ref } } } }';
const READ_CASE = 'query($ref: CaseRef!) { case(ref: $ref) { ref memberStateFile { person { familyName } } } }';
const NEVER_TO_COO = 'query($ref: CaseRef!) { case(ref: $ref) { memberStateFile { asylumHistory { outcome } returnDecision { decidedOn } } } }';

/** A reference in the right format that the case index does not hold. */
const UNKNOWN_REF = 'EU-2099-999999';

/** The one refusal a caller gets for a case it is not a party to, whatever the true reason. */
const notAParty = (ref: string) => caseRefused(ref, 'NO_RELATIONSHIP', 'case.not-a-party');

const caseRefused = (ref: string, code: string, rule: string) => ({
  message: `Case "${ref}" is not released to you: ${code} by rule ${rule}.`,
  path: ['case'],
  extensions: { code, rule, category: 'CASE_ADMIN', serviceName: 'central' },
});

/** auth/policy.yaml with one mistake: the CoO authority granted asylum history and return decisions. */
function policyGrantingAsylumHistoryToAuthorities() {
  const text = readFileSync(DEFAULT_POLICY_PATH, 'utf8');
  const wrong = text.replace('categories: [IDENTITY, CONTACT, REFERRAL, REINTEGRATION]', 'categories: [IDENTITY, CONTACT, REFERRAL, REINTEGRATION, ASYLUM_HISTORY, RETURN_DECISION]');
  if (wrong === text) throw new Error('fixture: the CoO authority grant was not found in auth/policy.yaml');
  return parsePolicy(wrong, 'policy with a wrong grant');
}

describe.each(testStores)('relationship and transfer on $name', (store) => {
  let federation: TestFederation;
  /** The denials the audit record of `requestId` keeps for `ref` (the true reasons). */
  const recordedDenials = async (requestId: string, ref: string) => {
    const [record] = await federation.db.query<{ content: AuditContent }>('SELECT body::jsonb AS content FROM audit.record WHERE request_id = $1', [requestId]);
    return caseAccessesOf(record!.content).find((access) => access.ref === ref)?.denied.map(({ category, code, rule }) => ({ category, code, rule }));
  };
  const readCase = async (persona: 'other-partner' | 'iq-authority', ref: string) => {
    const requestId = randomUUID();
    const result = await postGraphQL(federation.gateway.url, READ_CASE, { ref }, { ...(await federation.as(persona, 'REINTEGRATION_ASSISTANCE')), 'x-request-id': requestId });
    return { requestId, result };
  };
  const listRefs = async (persona: 'iq-partner' | 'other-partner' | 'iq-authority', purpose: 'REINTEGRATION_ASSISTANCE') => {
    const result = await federation.query(persona, purpose, LIST_REFS);
    expect(result.errors).toBeUndefined();
    expect(result.data?.cases.pageInfo.hasNextPage).toBe(false);
    return { total: result.data?.cases.totalCount as number, refs: (result.data?.cases.edges as { node: { ref: string } }[]).map((e) => e.node.ref) };
  };

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  describe('reintegration partners', () => {
    it('refuses a partner the case of another partner (NO_RELATIONSHIP), with nothing of it in the answer', async () => {
      const result = await federation.query('other-partner', 'REINTEGRATION_ASSISTANCE', READ_CASE, { ref: PARTNER_CASE.ref });
      expect(result.data).toEqual({ case: null });
      expect(result.errors).toEqual([notAParty(PARTNER_CASE.ref)]);
    });

    it('refuses a reference the index does not hold exactly as a case of another partner', async () => {
      const missing = await federation.query('other-partner', 'REINTEGRATION_ASSISTANCE', READ_CASE, { ref: UNKNOWN_REF });
      expect(missing.data).toEqual({ case: null });
      expect(missing.errors).toEqual([notAParty(UNKNOWN_REF)]);
    });

    it('keeps the true reasons in the audit record: the rule that found no relationship, or the unknown case', async () => {
      const other = await readCase('other-partner', PARTNER_CASE.ref);
      const missing = await readCase('other-partner', UNKNOWN_REF);
      expect(await recordedDenials(other.requestId, PARTNER_CASE.ref)).toEqual([{ category: 'CASE_ADMIN', code: 'NO_RELATIONSHIP', rule: 'partner.reintegration' }]);
      expect(await recordedDenials(missing.requestId, UNKNOWN_REF)).toEqual([{ category: 'CASE_ADMIN', code: 'NO_RELATIONSHIP', rule: 'case.unknown' }]);
    });

    it('lists a partner exactly the cases assigned to it, and none of another partner', async () => {
      const expected = allCases(assignedTo(IQ_OTHER_PARTNER)).map((c) => c.ref);
      expect(expected.length).toBeGreaterThan(0);
      expect(await listRefs('other-partner', 'REINTEGRATION_ASSISTANCE')).toEqual({ total: expected.length, refs: expected });
    });

    it('lists the assigned partner exactly its assigned cases', async () => {
      const expected = allCases(assignedTo(IQ_PARTNER)).map((c) => c.ref);
      expect(expected).toContain(PARTNER_CASE.ref);
      expect(await listRefs('iq-partner', 'REINTEGRATION_ASSISTANCE')).toEqual({ total: expected.length, refs: expected });
    });
  });

  describe('the country-of-origin authority', () => {
    it('is released a returned case of a Member State with a recorded transfer basis, under the consent given', async () => {
      const result = await federation.query('iq-authority', 'REINTEGRATION_ASSISTANCE', READ_CASE, { ref: BE_RETURNED.ref });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ case: { ref: BE_RETURNED.ref, memberStateFile: { person: { familyName: BE_RETURNED.person.familyName } } } });
    });

    // A returned national of its own country without a transfer basis, a case before return and
    // a reference that does not exist all answer alike: the authority cannot learn who returned from where.
    it('is refused a returned case of a Member State without a recorded transfer basis as any case it is not a party to, consent notwithstanding', async () => {
      const result = await federation.query('iq-authority', 'REINTEGRATION_ASSISTANCE', READ_CASE, { ref: DE_RETURNED.ref });
      expect(result.data).toEqual({ case: null });
      expect(result.errors).toEqual([notAParty(DE_RETURNED.ref)]);
    });

    it('is refused a case before return as any case it is not a party to', async () => {
      const result = await federation.query('iq-authority', 'REINTEGRATION_ASSISTANCE', READ_CASE, { ref: BE_NOT_RETURNED.ref });
      expect(result.data).toEqual({ case: null });
      expect(result.errors).toEqual([notAParty(BE_NOT_RETURNED.ref)]);
    });

    it('is refused a reference the index does not hold as any case it is not a party to', async () => {
      const result = await federation.query('iq-authority', 'REINTEGRATION_ASSISTANCE', READ_CASE, { ref: UNKNOWN_REF });
      expect(result.data).toEqual({ case: null });
      expect(result.errors).toEqual([notAParty(UNKNOWN_REF)]);
    });

    it('keeps the true reasons in the audit record: the transfer gate, and the rule that found no relationship', async () => {
      const blocked = await readCase('iq-authority', DE_RETURNED.ref);
      const before = await readCase('iq-authority', BE_NOT_RETURNED.ref);
      expect(await recordedDenials(blocked.requestId, DE_RETURNED.ref)).toEqual([{ category: 'CASE_ADMIN', code: 'TRANSFER_BLOCKED', rule: 'transfer.no-recorded-basis' }]);
      expect(await recordedDenials(before.requestId, BE_NOT_RETURNED.ref)).toEqual([{ category: 'CASE_ADMIN', code: 'NO_RELATIONSHIP', rule: 'coo-authority.after-return' }]);
    });

    it('lists exactly the returned cases of its country owned by Member States with a recorded transfer basis', async () => {
      const expected = allCases(fromCountry('IQ'), returned, ownedBy('BE')).map((c) => c.ref);
      expect(await listRefs('iq-authority', 'REINTEGRATION_ASSISTANCE')).toEqual({ total: expected.length, refs: expected });
    });

    it('never receives asylum history or the return decision, on any case it may see', async () => {
      const result = await federation.query('iq-authority', 'REINTEGRATION_ASSISTANCE', '{ cases(first: 100) { edges { node { memberStateFile { asylumHistory { outcome } returnDecision { decidedOn } } } } } }');
      const edges = result.data?.cases.edges as { node: { memberStateFile: Record<string, unknown> } }[];
      expect(edges.length).toBeGreaterThan(0);
      expect(edges.map((e) => e.node.memberStateFile)).toEqual(edges.map(() => ({ asylumHistory: null, returnDecision: null })));
      edges.forEach((_, i) => {
        for (const [field, category] of [['asylumHistory', 'ASYLUM_HISTORY'], ['returnDecision', 'RETURN_DECISION']] as const) {
          expect(errorsAt(result, ['cases', 'edges', i, 'node', 'memberStateFile', field])).toMatchObject([{ extensions: { code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', category } }]);
        }
      });
    });

    it('never receives asylum history or the return decision, even when the data subject consented to it', async () => {
      const recorded = await federation.query('be-counsellor', 'RETURN_COUNSELLING', 'mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }', {
        input: {
          caseRef: BE_RETURNED.ref,
          recipient: IQ_AUTHORITY,
          categories: ['ASYLUM_HISTORY', 'RETURN_DECISION'],
          purposes: ['REINTEGRATION_ASSISTANCE', 'REFERRAL'],
          validFrom: new Date(Date.now() - 60_000).toISOString(),
          evidenceHash: EVIDENCE_HASH,
        },
      });
      expect(recorded.errors).toBeUndefined();
      const result = await federation.query('iq-authority', 'REINTEGRATION_ASSISTANCE', NEVER_TO_COO, { ref: BE_RETURNED.ref });
      expect(result.data).toEqual({ case: { memberStateFile: { asylumHistory: null, returnDecision: null } } });
      expect(result.errors).toMatchObject([
        { path: ['case', 'memberStateFile', 'asylumHistory'], extensions: { code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', category: 'ASYLUM_HISTORY' } },
        { path: ['case', 'memberStateFile', 'returnDecision'], extensions: { code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', category: 'RETURN_DECISION' } },
      ]);
    });
  });

  describe('under a policy that wrongly grants asylum history to country-of-origin authorities', () => {
    let misconfigured: TestFederation;

    beforeAll(async () => {
      misconfigured = await startFederationWithPolicy(store, policyGrantingAsylumHistoryToAuthorities());
    });
    afterAll(async () => {
      await misconfigured?.stop();
    });

    it('the transfer gate still refuses them (TRANSFER_BLOCKED), while the rest of the grant stands', async () => {
      const result = await misconfigured.query('iq-authority', 'REINTEGRATION_ASSISTANCE', NEVER_TO_COO.replace('memberStateFile {', 'memberStateFile { person { familyName }'), { ref: BE_RETURNED.ref });
      expect(result.data).toEqual({ case: { memberStateFile: { person: { familyName: BE_RETURNED.person.familyName }, asylumHistory: null, returnDecision: null } } });
      expect(result.errors).toEqual([
        {
          message: 'Field "MemberStateFile.asylumHistory" (ASYLUM_HISTORY) is not released to you: TRANSFER_BLOCKED by rule transfer.never-to-country-of-origin-authority.',
          path: ['case', 'memberStateFile', 'asylumHistory'],
          extensions: { code: 'TRANSFER_BLOCKED', rule: 'transfer.never-to-country-of-origin-authority', category: 'ASYLUM_HISTORY' },
        },
        {
          message: 'Field "MemberStateFile.returnDecision" (RETURN_DECISION) is not released to you: TRANSFER_BLOCKED by rule transfer.never-to-country-of-origin-authority.',
          path: ['case', 'memberStateFile', 'returnDecision'],
          extensions: { code: 'TRANSFER_BLOCKED', rule: 'transfer.never-to-country-of-origin-authority', category: 'RETURN_DECISION' },
        },
      ]);
    });
  });
});
