/**
 * The EU_PROGRAMME relationship, decided without a store: it holds only for the programme's own
 * organisation (named in auth/policy.yaml, `parties.EU_PROGRAMME`), and only on a case enrolled in
 * the programme (its system takes part in the case). A role alone relates nobody to a case.
 */
import { describe, expect, it } from 'vitest';
import { decide, NOT_A_PARTY, type CaseFacts, type Requester } from '../../auth/decide.js';
import { loadPolicy } from '../../auth/policy.js';

const policy = loadPolicy();
const PROGRAMME = 'EU/GOV/EU-REINTEGRATION-PROGRAMME';

const ENROLLED: CaseFacts = {
  ref: 'EU-2026-000001',
  owningMemberState: 'DE',
  countryOfOrigin: 'IQ',
  returned: true,
  assignedPartner: null,
  enrolledInEuProgramme: true,
};
const NOT_ENROLLED: CaseFacts = { ...ENROLLED, enrolledInEuProgramme: false };

const manager = (organisation: string, country = 'EU'): Requester => ({ organisation, country, roles: ['EU_PROGRAMME_MANAGER'], purpose: 'REINTEGRATION_ASSISTANCE' });
const decideOn = (requester: Requester, facts: CaseFacts) => decide(policy, requester, 'IDENTITY', { facts, consents: [], hasTransferBasis: () => false });

describe('the EU_PROGRAMME relationship', () => {
  it('names the programme as data in the policy', () => {
    expect(policy.document.parties).toStrictEqual({ EU_PROGRAMME: PROGRAMME });
  });

  it("releases to the programme's own manager a case the programme takes part in", () => {
    expect(decideOn(manager(PROGRAMME), ENROLLED)).toStrictEqual({ released: true, rule: 'eu-programme.reintegration', basis: 'PUBLIC_TASK' });
  });

  it('refuses a manager of another organisation the same enrolled case (NO_RELATIONSHIP)', () => {
    expect(decideOn(manager('EU/EDU/EU-RETURN-RESEARCH'), ENROLLED)).toStrictEqual({ released: false, code: 'NO_RELATIONSHIP', rule: 'eu-programme.reintegration', shown: NOT_A_PARTY });
  });

  it("refuses a Member State's official asserting the programme manager role on its own country's enrolled case", () => {
    expect(decideOn(manager('EU/GOV/DE-RETURN', 'DE'), ENROLLED)).toStrictEqual({ released: false, code: 'NO_RELATIONSHIP', rule: 'eu-programme.reintegration', shown: NOT_A_PARTY });
  });

  it('refuses the programme a case it does not take part in', () => {
    expect(decideOn(manager(PROGRAMME), NOT_ENROLLED)).toStrictEqual({ released: false, code: 'NO_RELATIONSHIP', rule: 'eu-programme.reintegration', shown: NOT_A_PARTY });
  });
});
