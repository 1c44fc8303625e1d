import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { ALIASES } from '../../../gateway/limits/MaxAliasesRule.js';
import { fragmentScope, MaxAliasesRule, measure } from '../../../gateway/limits/index.js';
import { FIXTURE_SCHEMA, selectionsIn, validationErrors } from './harness.js';

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: node(id: ${i}) { name }`).join(' ')} }`;
const aliasError = (count: number, limit: number) => ({
  message: `The operation has ${count} aliases, counting each fragment at every spread; the limit is ${limit}.`,
  locations: [{ line: 1, column: 1 }],
  extensions: { code: 'GRAPHQL_VALIDATION_FAILED', hubCode: 'HUB_LIMIT_ALIASES' },
});

/** `levels` fragments, each with two aliased `parent` fields spreading the one before: 2 + 4 + … + 2^levels aliases. */
const aliasBomb = (levels: number) =>
  `{ node(id: 1) { ...F${levels} } } fragment F0 on Node { name } ${Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on Node { a: parent { ...F${i} } b: parent { ...F${i} } }`).join(' ')}`;

describe('MaxAliasesRule', () => {
  it('accepts up to the limit', () => {
    expect(validationErrors(MaxAliasesRule(30), aliases(30))).toEqual([]);
  });

  it('refuses 1,000 aliases with one error, at the operation', () => {
    expect(validationErrors(MaxAliasesRule(30), aliases(1000))).toEqual([aliasError(1000, 30)]);
  });

  it('counts aliases in fragments and nested fields', () => {
    const query = '{ x: node(id: 1) { ...F } } fragment F on Node { y: name z: parent { w: id } }';
    expect(validationErrors(MaxAliasesRule(4), query)).toEqual([]);
    expect(validationErrors(MaxAliasesRule(3), query)).toEqual([aliasError(4, 3)]);
  });

  it('counts an alias in a fragment at every spread: 10 aliases written, 62 asked for', () => {
    expect(validationErrors(MaxAliasesRule(30), aliasBomb(4))).toEqual([]);
    expect(validationErrors(MaxAliasesRule(30), aliasBomb(5))).toEqual([aliasError(62, 30)]);
  });

  it('counts a bomb of 2^40 aliases in work proportional to the document', () => {
    const document = parse(aliasBomb(40));
    const fragments = new Map(document.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [[d.name.value, d] as const] : [])));
    const operation = document.definitions[0]!;
    if (operation.kind !== 'OperationDefinition') throw new Error('the operation comes first');
    const { value, work } = measure(FIXTURE_SCHEMA, fragmentScope<number>((name) => fragments.get(name)), operation.selectionSet, FIXTURE_SCHEMA.getQueryType()!, ALIASES);
    expect(value).toBe(2 ** 41 - 2);
    expect(work).toBe(selectionsIn(document));
  });
});
