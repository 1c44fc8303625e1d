/**
 * Deny by default in every subgraph: a field its SDL gives no data category is never served by
 * the kit, whatever the signed decisions release — as the gateway denies it (rule
 * `category.undeclared`, docs/ERRORS.md). The lint refuses such an SDL at registration; a kit
 * subgraph run without the registry must not serve one either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSubgraph, SubgraphModule } from '../../subgraphs/kit/index.js';
import { signedFetch, startTestSubgraph } from '../harness/subgraph.js';

const SDL = /* GraphQL */ `
  type Case @key(fields: "ref") {
    ref: CaseRef! @personalData(category: CASE_ADMIN)
    referralNote: String
  }
`;

let server: RunningSubgraph;
const read: string[] = [];

beforeAll(async () => {
  const module: SubgraphModule<object> = {
    name: 'test-undeclared',
    typeDefs: SDL,
    resolvers: {
      Case: {
        __resolveReference: (reference: { ref: string }) => ({ ref: reference.ref }),
        referralNote: (c: { ref: string }) => {
          read.push(c.ref);
          return 'synthetic note';
        },
      },
    },
    createLoaders: () => ({}),
    checkHealth: async () => {},
  };
  server = await startTestSubgraph(module);
});

afterAll(async () => {
  await server?.close();
});

describe('a field without a data category', () => {
  it('is denied with FORBIDDEN_FIELD category.undeclared and never resolved, even when every category is released', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Case { ref referralNote } } }`;
    const response = await signedFetch(server.url, { body: JSON.stringify({ query, variables: { r: [{ __typename: 'Case', ref: 'EU-2026-000001' }] } }) });
    expect(await response.json()).toEqual({
      data: { _entities: [{ ref: 'EU-2026-000001', referralNote: null }] },
      errors: [
        {
          message: 'Field "Case.referralNote" (UNDECLARED) is not released to you: FORBIDDEN_FIELD by rule category.undeclared.',
          locations: [{ line: 1, column: 74 }],
          path: ['_entities', 0, 'referralNote'],
          extensions: { code: 'FORBIDDEN_FIELD', rule: 'category.undeclared', category: 'UNDECLARED' },
        },
      ],
    });
    expect(read).toEqual([]);
  });

  it('leaves the federation’s own _service answering', async () => {
    const response = await signedFetch(server.url, { body: JSON.stringify({ query: '{ _service { sdl } }' }) });
    expect(((await response.json()) as { data: { _service: { sdl: string } } }).data._service.sdl).toContain('referralNote: String');
  });
});
