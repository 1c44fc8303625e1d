import { describe, expect, it } from 'vitest';
import { getIntrospectionQuery } from 'graphql';
import { DEFAULT_LIMITS, MaxIntrospectionNestingRule } from '../../../gateway/limits/index.js';
import { API_SCHEMA, validationErrors } from './harness.js';

const nestingError = (limit: number, line = 1, column = 1) => ({
  message: `The introspection query nests fields more than ${limit} levels deep.`,
  locations: [{ line, column }],
  extensions: { code: 'GRAPHQL_VALIDATION_FAILED', hubCode: 'HUB_LIMIT_INTROSPECTION_DEPTH' },
});
/** `__type(name: "Case")`, `levels` nested `ofType` fields, then `name`: levels + 2 deep. */
const ofTypeChain = (levels: number) => `{ __type(name: "Case") { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } }`;

describe('MaxIntrospectionNestingRule', () => {
  it('lets the standard introspection query through at the default of 20: it is 15 deep', () => {
    const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true });
    expect(validationErrors(MaxIntrospectionNestingRule(DEFAULT_LIMITS.maxIntrospectionDepth), query, API_SCHEMA)).toEqual([]);
    expect(validationErrors(MaxIntrospectionNestingRule(15), query, API_SCHEMA)).toEqual([]);
    expect(validationErrors(MaxIntrospectionNestingRule(14), query, API_SCHEMA)).toEqual([nestingError(14, 2, 5)]);
  });

  it('accepts a chain exactly at the limit and refuses one level more, at the operation', () => {
    expect(validationErrors(MaxIntrospectionNestingRule(20), ofTypeChain(18), API_SCHEMA)).toEqual([]);
    expect(validationErrors(MaxIntrospectionNestingRule(20), ofTypeChain(19), API_SCHEMA)).toEqual([nestingError(20)]);
  });

  it('refuses a 1,500-level ofType chain', () => {
    expect(validationErrors(MaxIntrospectionNestingRule(20), ofTypeChain(1500), API_SCHEMA)).toEqual([nestingError(20)]);
  });

  it('counts through fragments on introspection types', () => {
    const query = `{ __schema { types { ...T } } } fragment T on __Type { ofType { ofType { ...U } } } fragment U on __Type { ofType { name } }`;
    // __schema, types, ofType ×3, name: 6
    expect(validationErrors(MaxIntrospectionNestingRule(6), query, API_SCHEMA)).toEqual([]);
    expect(validationErrors(MaxIntrospectionNestingRule(5), query, API_SCHEMA)).toEqual([nestingError(5)]);
  });

  it('does not count fields outside introspection', () => {
    const query = `{ cases(first: 1) { edges { node { memberStateFile { ... on BelgianCaseFile { person { documents { number } } } } } } } }`;
    expect(validationErrors(MaxIntrospectionNestingRule(1), query, API_SCHEMA)).toEqual([]);
  });
});
