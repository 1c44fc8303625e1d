import { describe, expect, it } from 'vitest';
import { MaxAliasesRule } from '../../../gateway/limits/index.js';
import { validationErrors } from './harness.js';

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: node(id: ${i}) { name }`).join(' ')} }`;

describe('MaxAliasesRule', () => {
  it('accepts up to the limit', () => {
    expect(validationErrors(MaxAliasesRule(30), aliases(30))).toEqual([]);
  });

  it('refuses 1,000 aliases with one error, at the first alias past the limit', () => {
    const query = aliases(1000);
    expect(validationErrors(MaxAliasesRule(30), query)).toEqual([
      {
        message: 'The document has 1000 aliases; the limit is 30.',
        locations: [{ line: 1, column: query.indexOf('a30:') + 1 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', hubCode: 'HUB_LIMIT_ALIASES' },
      },
    ]);
  });

  it('counts aliases in fragments and nested fields', () => {
    const query = '{ x: node(id: 1) { ...F } } fragment F on Node { y: name z: parent { w: id } }';
    expect(validationErrors(MaxAliasesRule(4), query)).toEqual([]);
    expect(validationErrors(MaxAliasesRule(3), query)[0]?.extensions?.hubCode).toBe('HUB_LIMIT_ALIASES');
  });
});
