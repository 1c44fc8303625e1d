import { describe, expect, it } from 'vitest';
import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import { DEPTH } from '../../../gateway/limits/MaxDepthRule.js';
import { fragmentScope, MaxDepthRule, measure } from '../../../gateway/limits/index.js';
import { API_SCHEMA, FIXTURE_SCHEMA, fragmentBomb, parents, selectionsIn, validationErrors } from './harness.js';

/** `{ node(id: 1) { parent { … { name } } } }`, `levels` fields deep, built without the parser (whose recursion would give out first). */
function deepDocument(levels: number): DocumentNode {
  let selectionSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'name' } }] };
  for (let level = 2; level < levels; level++) {
    selectionSet = { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'parent' }, selectionSet }] };
  }
  const root = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'node' }, arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'id' }, value: { kind: Kind.INT, value: '1' } }], selectionSet } as const;
  return { kind: Kind.DOCUMENT, definitions: [{ kind: Kind.OPERATION_DEFINITION, operation: 'query' as never, selectionSet: { kind: Kind.SELECTION_SET, selections: [root] } }] };
}

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

  it('refuses a depth bomb of 1,000 levels', () => {
    expect(validationErrors(MaxDepthRule(12), parents(1000))).toEqual([depthError(12)]);
  });

  it('measures 30,000 levels without running out of stack: the walk is iterative', () => {
    const document = deepDocument(30_000);
    expect(validationErrors(MaxDepthRule(12), '', FIXTURE_SCHEMA, document)).toEqual([{ ...depthError(12), locations: undefined }]);
  });

  it('measures a fragment bomb of 2^40 leaves in work proportional to the document', () => {
    const document = parse(fragmentBomb(40, { leaf: 'parent { name }' }));
    const fragments = new Map(document.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [[d.name.value, d] as const] : [])));
    const operation = document.definitions[0]!;
    if (operation.kind !== Kind.OPERATION_DEFINITION) throw new Error('the operation comes first');
    const { value, work } = measure(FIXTURE_SCHEMA, fragmentScope<number>((name) => fragments.get(name)), operation.selectionSet, FIXTURE_SCHEMA.getQueryType()!, DEPTH);
    expect(value).toBe(3);
    expect(work).toBe(selectionsIn(document));
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

  it('leaves introspection to MaxIntrospectionNestingRule', () => {
    expect(validationErrors(MaxDepthRule(2), '{ __schema { types { fields { type { ofType { name } } } } } }')).toEqual([]);
  });

  it("lets the hub's deepest legitimate operations through at the default of 12", () => {
    const query = `query($ref: CaseRef!) { case(ref: $ref) { memberStateFile { ... on BelgianCaseFile { person { documents { number } } } } } }`;
    expect(validationErrors(MaxDepthRule(12), query, API_SCHEMA)).toEqual([]);
    expect(validationErrors(MaxDepthRule(3), query, API_SCHEMA)).toEqual([depthError(3)]);
  });
});
