/**
 * The eu-programme subgraph over real HTTP against its simulated RIAT backend (in-memory PGlite,
 * synthetic cases): mapping fidelity, batching cost, absent plans and drifted code lists.
 */
import { signedFetch, startTestSubgraph } from '../harness/subgraph.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { euProgrammeSystem, riatIdOf } from '../../subgraphs/eu-programme/index.js';
import { syntheticCase, syntheticCases, type RunningSubgraph, type SyntheticCase } from '../../subgraphs/kit/index.js';
import type { OpenedSystem } from '../../subgraphs/system.js';
import { openPglite, type Db } from '../../store/index.js';

const CASES = 400;

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Case {
        ref
        reintegrationPlan {
          planReference
          approvedOn
          durationMonths
          beneficiaryCategory
          budget { capEuro committedEuro }
          needs
          partnerAssignedOn
          postArrivalPackage { airportReception temporaryAccommodationNights cashOnArrivalEuro deliveredOn }
        }
      }
    }
  }
`;

interface GraphQLResponse {
  data?: { _entities: ({ ref: string; reintegrationPlan: unknown } | null)[] } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

let db: Db;
let opened: OpenedSystem;
let subgraph: RunningSubgraph;

async function entities(refs: readonly string[]): Promise<GraphQLResponse> {
  const response = await signedFetch(subgraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: ENTITIES, variables: { representations: refs.map((ref) => ({ __typename: 'Case', ref })) } }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as GraphQLResponse;
}

/** What the common model says the plan is, from the generator alone. */
function expectedPlan(c: SyntheticCase) {
  const plan = c.reintegration;
  if (!plan) return null;
  return {
    planReference: riatIdOf(c),
    approvedOn: plan.approvedOn,
    durationMonths: plan.durationMonths,
    beneficiaryCategory: plan.beneficiaryCategory,
    budget: { capEuro: plan.budgetCapEuro, committedEuro: plan.committedEuro },
    needs: plan.needs,
    partnerAssignedOn: plan.partnerAssignedOn,
    postArrivalPackage: plan.postArrival,
  };
}

const firstCase = (predicate: (c: SyntheticCase) => boolean) => {
  for (const c of syntheticCases(CASES)) if (predicate(c)) return c;
  throw new Error('no synthetic case matches');
};

describe('eu-programme subgraph', () => {
  beforeAll(async () => {
    db = await openPglite();
    await euProgrammeSystem.migrate(db);
    await euProgrammeSystem.seed(db, [...syntheticCases(CASES)]);
    opened = await euProgrammeSystem.open(db, { logLevel: 'silent' });
    subgraph = await startTestSubgraph(opened.module);
  });

  afterAll(async () => {
    await subgraph?.close();
    await opened?.close();
    await db?.close();
  });

  it('maps every native RIAT field back to the common model exactly', async () => {
    const all = [...syntheticCases(CASES)];
    expect(all.filter((c) => c.reintegration).length).toBeGreaterThan(50);
    const result = await entities(all.map((c) => c.ref));
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual(all.map((c) => ({ ref: c.ref, reintegrationPlan: expectedPlan(syntheticCase(c.index)) })));
  });

  it('answers 50 representations with exactly one SQL statement', async () => {
    const refs = [...syntheticCases(50, 100)].map((c) => c.ref);
    const before = opened.backendCalls();
    const result = await entities(refs);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toHaveLength(50);
    expect(opened.backendCalls() - before).toBe(1);
  });

  it('resolves the plan to null for a case the programme holds no plan for', async () => {
    const withoutPlan = firstCase((c) => c.reintegration === null);
    const result = await entities([withoutPlan.ref]);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([{ ref: withoutPlan.ref, reintegrationPlan: null }]);
  });

  it('fails an unknown native code with MAPPING_FAILED and no personal values in the message', async () => {
    const planned = firstCase((c) => c.reintegration !== null);
    const riatId = riatIdOf(planned);
    const [original] = await db.query<{ need_codes: string[] }>('SELECT need_codes FROM eurp_riat.reintegration_plan WHERE riat_id = $1', [riatId]);
    await db.query(`UPDATE eurp_riat.reintegration_plan SET need_codes = need_codes || '{QX9}'::text[] WHERE riat_id = $1`, [riatId]);
    try {
      const result = await entities([planned.ref]);
      expect(result.errors).toHaveLength(1);
      const [error] = result.errors ?? [];
      expect(error?.extensions?.code).toBe('MAPPING_FAILED');
      for (const personal of [planned.ref, riatId, 'QX9', planned.reintegration?.approvedOn ?? '']) expect(error?.message).not.toContain(personal);
      expect(result.data?._entities).toEqual([{ ref: planned.ref, reintegrationPlan: null }]);
    } finally {
      await db.query('UPDATE eurp_riat.reintegration_plan SET need_codes = $2::text[] WHERE riat_id = $1', [riatId, original?.need_codes]);
    }
  });
});
