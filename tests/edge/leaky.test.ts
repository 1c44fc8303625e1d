/**
 * A deliberately leaky subgraph (demos/leaky-subgraph) answers every call with everything it holds:
 * unselected fields, entities nobody asked for, the edge's own hidden keys, personal data in error
 * messages and extensions. Behind the edge, none of it leaves: the answer holds exactly what the
 * decisions release, and no denied value appears anywhere in the response text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLeakySubgraph, type RunningLeakySubgraph } from '../../demos/leaky-subgraph/server.js';
import { call, decisions, HOUSING_QUERY, released, representations, startEdgeFor, type EdgeUnderTest } from './harness.js';

let leaky: RunningLeakySubgraph;
let under: EdgeUnderTest;

beforeAll(async () => {
  leaky = await startLeakySubgraph();
  under = await startEdgeFor(leaky.url);
});

afterAll(async () => {
  await under?.close();
  await leaky?.close();
});

/** Every value the leaky subgraph holds that the decisions below deny. */
const DENIED_VALUES = [
  '14 Synthetic Lane', // 101 CONTACT denied
  'Uses a wheelchair', // 101 HEALTH denied
  '3 Example Road', // 102 everything but CASE_ADMIN denied
  'Asthma',
  '2026-03-17',
  '77 Synthetic Street', // 103 never asked for
  'kept for the partner only',
];

describe('behind the edge, a leaky subgraph leaks nothing', () => {
  it('answers exactly what the decisions release, whatever the subgraph sent', async () => {
    const answer = await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020', 'EU-2024-000015') }, {
      keys: under.hub,
      caller: { quietDenials: true },
      decisions: decisions({ 'EU-2024-000020': released('CASE_ADMIN', 'REINTEGRATION'), 'EU-2024-000015': released('CASE_ADMIN') }),
    });
    expect(answer).toEqual({
      status: 200,
      body: {
        data: {
          // movedInOn is released, but the subgraph sent an object where a Date goes: not passed on.
          _entities: [{ housing: { address: null, movedInOn: null, needs: [{ kind: 'RENT', healthNote: null }, { kind: 'ACCESSIBILITY', healthNote: null }] } }, { housing: null }],
        },
        errors: [
          { message: 'The subgraph cannot represent a value it holds in the common schema.', path: ['_entities', 0, 'housing'], extensions: { code: 'MAPPING_FAILED' } },
          { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        ],
      },
    });
  });

  it('lets no denied value appear anywhere in the response, errors and extensions included', async () => {
    const response = await fetch(under.edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: HOUSING_QUERY,
        variables: representations('EU-2024-000020', 'EU-2024-000015'),
        extensions: {
          continuumContext: await (await import('../../auth/context-token.js')).signContext(under.hub, 'housing', {
            officialId: 'test-official-001',
            organisation: 'EU/GOV/BE-RETURN',
            country: 'BE',
            roles: ['MS_CASE_OFFICER'],
            purpose: 'RETURN_COUNSELLING',
            requestId: 'edge-test-request-0002',
            decisions: decisions({ 'EU-2024-000020': released('CASE_ADMIN', 'REINTEGRATION'), 'EU-2024-000015': released('CASE_ADMIN') }),
          }),
        },
      }),
    });
    const text = await response.text();
    expect(DENIED_VALUES.filter((value) => text.includes(value))).toEqual([]);
    expect(text).not.toMatch(/__continuumEdge|secretNote|"extensions":\{"debug"/);
  });

  it('answers only the entities it was asked for', async () => {
    const answer = await call(under.edge.url, { query: HOUSING_QUERY, variables: representations('EU-2024-000020') }, {
      keys: under.hub,
      caller: { quietDenials: true },
      decisions: decisions({ 'EU-2024-000020': released('CASE_ADMIN') }),
    });
    expect(answer.body.data).toEqual({ _entities: [{ housing: null }] });
  });
});
