/**
 * The registry's checks: one ordered list of named checks run by one loop. A check that needs
 * what earlier ones established is skipped once any has failed, so a refused subgraph never
 * makes the hub call its routing URL.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphqlSync, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../auth/policy.js';
import { categoryClassifier } from '../../gateway/registry/audience.js';
import { registryChecks, runRegistryChecks, type CheckContext } from '../../gateway/registry/checks.js';
import { subgraphSdl } from '../../subgraphs/kit/index.js';
import { REFERRAL_COUNT_SDL } from './harness.js';

const SDL = subgraphSdl(REFERRAL_COUNT_SDL);
/** What a subgraph built from `sdl` answers to the registry's `_service { sdl }` probe. */
const served = (sdl: string) => (graphqlSync({ schema: buildSubgraphSchema(parse(sdl)), source: '{ _service { sdl } }' }).data as { _service: { sdl: string } })._service.sdl;
/** A served subgraph for the submission to compose with: it holds the query root. */
const CASES = {
  id: 1,
  name: 'cases',
  participant: 'EU/GOV/CONTINUUM-HUB/central',
  routing_url: 'http://127.0.0.1:2/graphql',
  sdl: subgraphSdl('type Query { case(ref: CaseRef!): Case @personalData(category: CASE_ADMIN) }\ntype Case @key(fields: "ref") { ref: CaseRef! @personalData(category: CASE_ADMIN) }'),
};

function contextFor(overrides: Partial<CheckContext> = {}): CheckContext & { probed: string[] } {
  const probed: string[] = [];
  return {
    participant: 'NG/GOV/NG-TEST-MECHANISM/referrals',
    submission: { name: 'test-referrals', routingUrl: 'http://127.0.0.1:1/graphql', sdl: SDL },
    lint: { allowedCategories: ['CASE_ADMIN', 'REFERRAL'], allowedContributions: ['Case.referralCount'] },
    others: [CASES],
    previous: null,
    nameTaken: false,
    classify: categoryClassifier(loadPolicy()),
    probe: async (_name, url) => {
      probed.push(url);
      return served(SDL);
    },
    changes: [],
    errors: [],
    approvals: [],
    probed,
    ...overrides,
  };
}

describe('registry checks', () => {
  it('run in the documented order', () => {
    expect(registryChecks.map((c) => c.name)).toEqual(['name-owned', 'sdl-syntax', 'lint', 'composition', 'changes', 'shared-field-category', 'breaking-acknowledged', 'routing-serves-sdl', 'operator-approval']);
  });

  it('pass a subgraph that is new, within its remit, and served as submitted', async () => {
    const context = contextFor();
    await runRegistryChecks(context);
    expect(context.errors).toEqual([]);
    expect(context.approvals).toEqual([]);
    expect(context.supergraphSdl).toContain('test-referrals');
    expect(context.probed).toEqual(['http://127.0.0.1:1/graphql']);
  });

  it('skip composition and the routing probe once a check has failed', async () => {
    const context = contextFor({ nameTaken: true });
    await runRegistryChecks(context);
    expect(context.errors).toEqual([{ code: 'REGISTRY_NAME_TAKEN', message: 'subgraph name "test-referrals" belongs to another participant' }]);
    expect(context.supergraphSdl).toBeUndefined();
    expect(context.probed).toEqual([]);
  });

  it('ask for the hub operator’s approval when a subgraph declares a served shared field more openly', async () => {
    const open = SDL.replace('ref: CaseRef! @personalData(category: CASE_ADMIN)', 'ref: CaseRef! @personalData(category: NOT_PERSONAL)');
    const context = contextFor({ submission: { name: 'test-referrals-2', routingUrl: 'http://127.0.0.1:1/graphql', sdl: open }, probe: async () => served(open) });
    await runRegistryChecks(context);
    expect(context.errors).toEqual([]);
    expect(context.changes).toEqual([
      { type: 'CATEGORY_WIDER_THAN_SERVED', breaking: false, widens: true, description: 'Case.ref is CASE_ADMIN in subgraph "cases" but declared NOT_PERSONAL here. Newly released to anyone.' },
    ]);
    expect(context.approvals.map((a) => a.code)).toEqual(['REGISTRY_APPROVAL_WIDENING']);
  });

  it('ask for the hub operator’s approval of a widening category change, naming who gains it', async () => {
    const context = contextFor({
      submission: { name: 'test-referrals', routingUrl: 'http://127.0.0.1:1/graphql', sdl: SDL.replace('category: REFERRAL', 'category: NOT_PERSONAL') },
      previous: { id: 2, name: 'test-referrals', participant: 'NG/GOV/NG-TEST-MECHANISM/referrals', routing_url: 'http://127.0.0.1:1/graphql', sdl: SDL },
      probe: async () => served(SDL.replace('category: REFERRAL', 'category: NOT_PERSONAL')),
    });
    await runRegistryChecks(context);
    expect(context.errors).toEqual([]);
    expect(context.approvals).toEqual([
      {
        code: 'REGISTRY_APPROVAL_WIDENING',
        message: "1 change(s) widen who may see a field and need the hub operator's approval: Case.referralCount changed category from REFERRAL to NOT_PERSONAL. Newly released to anyone.",
      },
    ]);
  });
});
