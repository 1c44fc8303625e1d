/**
 * Category changes judged by who may receive the field under the policy: widening (someone new
 * receives it) needs the hub operator's approval, narrowing (someone loses it) is breaking.
 * Expectations are written by hand from auth/policy.yaml, not computed with the code under test.
 */
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../auth/policy.js';
import { categoryClassifier } from '../../gateway/registry/audience.js';
import { diffSubgraphSdl } from '../../schema/changes.js';
import { subgraphSdl } from '../../subgraphs/kit/index.js';

const classify = categoryClassifier(loadPolicy());
const sdl = (category: string | null) => subgraphSdl(`
type Case @key(fields: "ref") {
  ref: CaseRef! @personalData(category: CASE_ADMIN)
  referralCount: Int${category ? ` @personalData(category: ${category})` : ''}
}`);

describe('category changes', () => {
  it('calls REFERRAL → NOT_PERSONAL widening, releasing the field to anyone', () => {
    expect(diffSubgraphSdl(sdl('REFERRAL'), sdl('NOT_PERSONAL'), classify)).toEqual([
      { type: 'CATEGORY_CHANGED', breaking: false, widens: true, description: 'Case.referralCount changed category from REFERRAL to NOT_PERSONAL. Newly released to anyone.' },
    ]);
  });

  it('calls dropping @personalData widening: the subgraph kit no longer enforces the field', () => {
    expect(diffSubgraphSdl(sdl('REFERRAL'), sdl(null), classify)).toEqual([
      { type: 'CATEGORY_REMOVED', breaking: false, widens: true, description: 'Case.referralCount changed category from REFERRAL to no category. Newly released to anyone.' },
    ]);
  });

  it('calls REFERRAL → CASE_ADMIN widening but not breaking, naming who gains', () => {
    const [change] = diffSubgraphSdl(sdl('REFERRAL'), sdl('CASE_ADMIN'), classify);
    expect(change).toEqual({
      type: 'CATEGORY_CHANGED',
      breaking: false,
      widens: true,
      description:
        'Case.referralCount changed category from REFERRAL to CASE_ADMIN. Newly released to COO_AUTHORITY for REFERRAL, COO_AUTHORITY for REINTEGRATION_ASSISTANCE, ' +
        'EU_PROGRAMME_MANAGER for MONITORING_EVALUATION, EU_PROGRAMME_MANAGER for REINTEGRATION_ASSISTANCE, REINTEGRATION_PARTNER for CONTINUITY_OF_CARE, REINTEGRATION_PARTNER for REINTEGRATION_ASSISTANCE.',
    });
  });

  it('calls CASE_ADMIN → REFERRAL breaking but not widening', () => {
    expect(diffSubgraphSdl(sdl('CASE_ADMIN'), sdl('REFERRAL'), classify)).toEqual([
      { type: 'CATEGORY_CHANGED', breaking: true, widens: false, description: 'Case.referralCount changed category from CASE_ADMIN to REFERRAL.' },
    ]);
  });

  it('calls REFERRAL → HEALTH both: the country-of-origin authority loses it, nobody gains it without a special-category basis', () => {
    const [change] = diffSubgraphSdl(sdl('REFERRAL'), sdl('HEALTH'), classify);
    expect(change).toMatchObject({ type: 'CATEGORY_CHANGED', breaking: true });
    // HEALTH reaches the assigned partner for continuity of care, which REFERRAL never did.
    expect(change?.widens).toBe(true);
    expect(change?.description).toContain('REINTEGRATION_PARTNER for CONTINUITY_OF_CARE');
  });

  it('calls NOT_PERSONAL → REFERRAL breaking, not widening', () => {
    expect(diffSubgraphSdl(sdl('NOT_PERSONAL'), sdl('REFERRAL'), classify)).toEqual([
      { type: 'CATEGORY_CHANGED', breaking: true, widens: false, description: 'Case.referralCount changed category from NOT_PERSONAL to REFERRAL.' },
    ]);
  });

  it('counts every category change as breaking and widening without a policy', () => {
    expect(diffSubgraphSdl(sdl('CASE_ADMIN'), sdl('REFERRAL'))).toEqual([
      { type: 'CATEGORY_CHANGED', breaking: true, widens: true, description: 'Case.referralCount changed category from CASE_ADMIN to REFERRAL. Newly released to anyone.' },
    ]);
  });
});
