import { describe, expect, it } from 'vitest';
import { MaxDepthRule } from '../../../gateway/limits/index.js';
import { API_SCHEMA, parents, validationErrors } from './harness.js';

const depthError = (limit: number, line = 1, column = 1) => ({
  message: `The operation nests fields more than ${limit} levels deep.`,
  locations: [{ line, column }],
  extensions: { code: 'GRAPHQL_VALIDATION_FAILED', hubCode: 'HUB_LIMIT_DEPTH' },
});

describe('MaxDepthRule', () => {
  it('accepts an operation exactly at the limit', () => {
    expect(validationErrors(MaxDepthRule(5), parents(5))).toEqual([]);
  });

  it('refuses one level more, at the operation', () => {
    expect(validationErrors(MaxDepthRule(5), parents(6))).toEqual([depthError(5)]);
  });

  it('refuses a depth bomb of 1,000 levels without walking all of it', () => {
    expect(validationErrors(MaxDepthRule(12), parents(1000))).toEqual([depthError(12)]);
  });

  it('counts through named and inline fragments', () => {
    const query = `
      query Deep { node(id: 1) { ...P } }
      fragment P on Node { parent { ... on Node { parent { ...Q } } } }
      fragment Q on Node { parent { parent { name } } }
    `;
    expect(validationErrors(MaxDepthRule(6), query)).toEqual([]);
    expect(validationErrors(MaxDepthRule(5), query)).toEqual([depthError(5, 2, 7)]);
  });

  it('does not loop on a fragment cycle (NoFragmentCyclesRule reports it)', () => {
    const query = '{ node(id: 1) { ...A } } fragment A on Node { parent { ...B } } fragment B on Node { parent { ...A } }';
    expect(validationErrors(MaxDepthRule(12), query)).toEqual([]);
  });

  it('leaves introspection to graphql-js (MaxIntrospectionDepthRule)', () => {
    expect(validationErrors(MaxDepthRule(2), '{ __schema { types { fields { type { ofType { name } } } } } }')).toEqual([]);
  });

  it("lets the hub's deepest legitimate operations through at the default of 12", () => {
    const query = `query($ref: CaseRef!) { case(ref: $ref) { memberStateFile { ... on BelgianCaseFile { person { documents { number } } } } } }`;
    expect(validationErrors(MaxDepthRule(12), query, API_SCHEMA)).toEqual([]);
    expect(validationErrors(MaxDepthRule(3), query, API_SCHEMA)).toEqual([depthError(3)]);
  });
});
