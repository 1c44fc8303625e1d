/**
 * The edge in front of a plain @apollo/subgraph server with no Continuum code (demos/plain-subgraph):
 * it answers only the gateway, forwards only what some case may see, and settles every per-case
 * decision on the answer — mixed batches, nested objects, lists — as the kit would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateContextKeys } from '../../auth/context-token.js';
import { startPlainSubgraph, type RunningPlainSubgraph } from '../../demos/plain-subgraph/server.js';
import { call, decisions, HOUSING_QUERY, released, releasedAll, representations, startEdgeFor, type EdgeUnderTest } from './harness.js';

const REFUSED = { status: 401, body: { errors: [{ message: 'Requests to this subgraph must come through the Continuum gateway.', extensions: { code: 'UNAUTHENTICATED', hubCode: 'HUB_CONTEXT_INVALID' } }] } };

const HOUSING_101 = {
  address: '14 Synthetic Lane, Ikeja',
  movedInOn: '2026-02-03',
  needs: [
    { kind: 'RENT', healthNote: null },
    { kind: 'ACCESSIBILITY', healthNote: 'Uses a wheelchair since 2024 (synthetic).' },
  ],
};
const HOUSING_102 = { address: '3 Example Road, Benin City', movedInOn: '2026-03-17', needs: [{ kind: 'FURNITURE', healthNote: 'Asthma: needs a dry room (synthetic).' }] };

let subgraph: RunningPlainSubgraph;
let under: EdgeUnderTest;

beforeAll(async () => {
  subgraph = await startPlainSubgraph();
  under = await startEdgeFor(subgraph.url);
});

afterAll(async () => {
  await under?.close();
  await subgraph?.close();
});

describe('the edge answers only the gateway', () => {
  it('refuses a request without a context, as the kit does', async () => {
    expect(await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020') }, { token: null })).toEqual(REFUSED);
  });

  it('refuses a context signed with a key the hub does not publish', async () => {
    const forger = await generateContextKeys();
    expect(await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020') }, { keys: forger, decisions: decisions({ 'EU-2024-000020': releasedAll() }) })).toEqual(REFUSED);
  });

  it('refuses a context signed for another subgraph', async () => {
    expect(
      await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020') }, { keys: under.hub, audience: 'be-cases', decisions: decisions({ 'EU-2024-000020': releasedAll() }) }),
    ).toEqual(REFUSED);
  });

  it('never calls the subgraph for a refused request', async () => {
    const before = subgraph.requests.length;
    await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020') }, { token: 'not.a.token' });
    expect(subgraph.requests.length).toBe(before);
  });
});

describe('the edge enforces per-case decisions on the answer', () => {
  it('passes everything released (control)', async () => {
    const answer = await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020', 'EU-2024-000015') }, {
      keys: under.hub,
      decisions: decisions({ 'EU-2024-000020': releasedAll(), 'EU-2024-000015': releasedAll() }),
    });
    expect(answer).toEqual({ status: 200, body: { data: { _entities: [{ housing: HOUSING_101 }, { housing: HOUSING_102 }] } } });
  });

  it('settles a mixed batch case by case: nested and list fields included', async () => {
    const answer = await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020', 'EU-2024-000015') }, {
      keys: under.hub,
      decisions: decisions({ 'EU-2024-000020': released('CASE_ADMIN', 'REINTEGRATION', 'CONTACT'), 'EU-2024-000015': released('CASE_ADMIN') }),
    });
    expect(answer).toEqual({
      status: 200,
      body: {
        data: { _entities: [{ housing: { ...HOUSING_101, needs: [{ kind: 'RENT', healthNote: null }, { kind: 'ACCESSIBILITY', healthNote: null }] } }, { housing: null }] },
        errors: [
          {
            message: 'Field "HousingNeed.healthNote" (HEALTH) is not released to you: FORBIDDEN_FIELD by rule policy.no-grant.',
            path: ['_entities', 0, 'housing', 'needs', 0, 'healthNote'],
            extensions: { code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', category: 'HEALTH' },
          },
          {
            message: 'Field "HousingNeed.healthNote" (HEALTH) is not released to you: FORBIDDEN_FIELD by rule policy.no-grant.',
            path: ['_entities', 0, 'housing', 'needs', 1, 'healthNote'],
            extensions: { code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', category: 'HEALTH' },
          },
          {
            message: 'Field "Case.housing" (REINTEGRATION) is not released to you: FORBIDDEN_FIELD by rule policy.no-grant.',
            path: ['_entities', 1, 'housing'],
            extensions: { code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', category: 'REINTEGRATION' },
          },
        ],
      },
    });
  });

  it('answers each denial with its own code and rule', async () => {
    const answer = await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020', 'EU-2024-000015') }, {
      keys: under.hub,
      decisions: decisions({
        'EU-2024-000020': { ...releasedAll(), CONTACT: 'CONSENT_REQUIRED consent.missing', HEALTH: 'TRANSFER_BLOCKED transfer.special-category-purpose' },
        'EU-2024-000015': { ...releasedAll(), REINTEGRATION: 'NO_RELATIONSHIP relationship.assigned-partner' },
      }),
    });
    expect(answer.body.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.rule])).toEqual([
      ['_entities.0.housing.address', 'CONSENT_REQUIRED', 'consent.missing'],
      ['_entities.0.housing.needs.0.healthNote', 'TRANSFER_BLOCKED', 'transfer.special-category-purpose'],
      ['_entities.0.housing.needs.1.healthNote', 'TRANSFER_BLOCKED', 'transfer.special-category-purpose'],
      ['_entities.1.housing', 'NO_RELATIONSHIP', 'relationship.assigned-partner'],
    ]);
  });

  it('denies a case the decisions do not name (decision.missing)', async () => {
    const answer = await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020', 'EU-2024-000015') }, {
      keys: under.hub,
      decisions: decisions({ 'EU-2024-000020': releasedAll() }),
    });
    expect(answer).toEqual({
      status: 200,
      body: {
        data: { _entities: [{ housing: HOUSING_101 }, { housing: null }] },
        errors: [
          {
            message: 'Field "Case.housing" (REINTEGRATION) is not released to you: NO_RELATIONSHIP by rule decision.missing.',
            path: ['_entities', 1, 'housing'],
            extensions: { code: 'NO_RELATIONSHIP', rule: 'decision.missing', category: 'REINTEGRATION' },
          },
        ],
      },
    });
  });

  it('answers a nullable denied field as plain null when the gateway asks for quiet denials', async () => {
    const answer = await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020', 'EU-2024-000015') }, {
      keys: under.hub,
      caller: { quietDenials: true },
      decisions: decisions({ 'EU-2024-000020': released('CASE_ADMIN', 'REINTEGRATION', 'CONTACT'), 'EU-2024-000015': released('CASE_ADMIN') }),
    });
    expect(answer).toEqual({
      status: 200,
      body: { data: { _entities: [{ housing: { ...HOUSING_101, needs: [{ kind: 'RENT', healthNote: null }, { kind: 'ACCESSIBILITY', healthNote: null }] } }, { housing: null }] } },
    });
  });

  it('nulls the nearest nullable parent of a denied non-null field, with the error', async () => {
    // Case.ref is CASE_ADMIN and non-null: denied, the entity itself becomes null, as execution would make it.
    const answer = await call(
      under.edge.url,
      { query: 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Case { ref housing { movedInOn } } } }', variables: representations('EU-2024-000020', 'EU-2024-000015') },
      { keys: under.hub, caller: { quietDenials: true }, decisions: decisions({ 'EU-2024-000020': released('REINTEGRATION'), 'EU-2024-000015': releasedAll() }) },
    );
    expect(answer).toEqual({
      status: 200,
      body: {
        data: { _entities: [null, { ref: 'EU-2024-000015', housing: { movedInOn: '2026-03-17' } }] },
        errors: [
          {
            message: 'Field "Case.ref" (CASE_ADMIN) is not released to you: FORBIDDEN_FIELD by rule policy.no-grant.',
            path: ['_entities', 0, 'ref'],
            extensions: { code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', category: 'CASE_ADMIN' },
          },
        ],
      },
    });
  });
});

describe('the edge forwards only what some case may see', () => {
  it('removes from the forwarded document a category every case denies', async () => {
    const before = subgraph.requests.length;
    await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020', 'EU-2024-000015') }, {
      keys: under.hub,
      decisions: decisions({ 'EU-2024-000020': released('CASE_ADMIN', 'REINTEGRATION'), 'EU-2024-000015': released('CASE_ADMIN', 'REINTEGRATION', 'CONTACT') }),
    });
    const forwarded = subgraph.requests.slice(before);
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]).not.toMatch(/healthNote/);
    expect(forwarded[0]).toMatch(/address/);
  });

  it('does not call the subgraph for the fields of a case when every category is denied, and still answers', async () => {
    const before = subgraph.requests.length;
    const answer = await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020') }, {
      keys: under.hub,
      caller: { quietDenials: true },
      decisions: decisions({ 'EU-2024-000020': released('CASE_ADMIN') }),
    });
    expect(subgraph.requests.slice(before)[0]).not.toMatch(/housing/);
    expect(answer).toEqual({ status: 200, body: { data: { _entities: [{ housing: null }] } } });
  });
});
