import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_LIMITS, MaxCostRule, operationCost, SATURATED } from '../../../gateway/limits/index.js';
import { API_SCHEMA, FIXTURE_SCHEMA, fragmentBomb, selectionsIn, validationErrors } from './harness.js';

const PAGED_BOTH_WAYS = buildSchema('type Query { nodes(first: Int = 10, last: Int): Page! } type Page { totalCount: Int! }');
const OPTIONS = { maxCost: 1000, assumedListSize: 10, maxPageSize: 100 };
const rule = (maxCost: number) => MaxCostRule({ ...OPTIONS, maxCost });
const costError = (limit: number, line = 1, column = 1) => ({
  message: `The operation could return more than ${limit} fields (estimated: lists multiply). Ask for smaller pages or fewer nested lists.`,
  locations: [{ line, column }],
  extensions: { code: 'GRAPHQL_VALIDATION_FAILED', hubCode: 'HUB_LIMIT_COST' },
});

/** The estimate of a one-operation document on `variables` (already coerced; undefined: not known), and the work it took. */
function measured(query: string, variables?: Record<string, unknown>, schema = FIXTURE_SCHEMA) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [[d.name.value, d] as const] : [])));
  const { value, work, variablesConsulted } = operationCost({ getSchema: () => schema, getFragment: (name) => fragments.get(name) }, { operation, variables }, OPTIONS);
  return { cost: value, work, variablesConsulted, selections: selectionsIn(document) };
}
const costOf = (query: string, variables?: Record<string, unknown>, schema = FIXTURE_SCHEMA) => measured(query, variables, schema).cost;

describe('MaxCostRule', () => {
  it('counts each field once, times the page it sits in; edges of a connection are that page', () => {
    // nodes(first: 5) = 5 × (1 + totalCount 1 + edges(1 + node(1 + name 1))) = 5 × 5
    expect(costOf('{ nodes(first: 5) { totalCount edges { node { name } } } }')).toBe(25);
    // an omitted page size is the schema default (10); a plain list is assumed to hold 10
    expect(costOf('{ nodes { edges { node { id } } } }')).toBe(10 * 4);
    expect(costOf('{ node(id: 1) { children { name } } }')).toBe(1 + 10 * 2);
  });

  it('counts __typename and introspection fields like any other field', () => {
    expect(costOf('{ node(id: 1) { __typename } }')).toBe(2);
    // __schema 1 + types (a list: 10) × (1 + name 1)
    expect(costOf('{ __schema { types { name } } }')).toBe(1 + 10 * 2);
  });

  it('counts a list of scalars as one value, not a fan-out', () => {
    expect(costOf('{ tags }')).toBe(1);
  });

  describe('a page size in a variable', () => {
    const query = 'query($n: Int = 3) { nodes(first: $n) { totalCount } }';

    it('is the value the request sends', () => {
      expect(costOf(query, { n: 50 })).toBe(50 * 2);
    });

    it("is the variable's default when the request sends none (coercion applies it)", () => {
      expect(costOf(query, { n: 3 })).toBe(3 * 2);
    });

    it("is the argument's default when the variable has no value at all", () => {
      expect(costOf('query($n: Int) { nodes(first: $n) { totalCount } }', {})).toBe(10 * 2);
    });

    it('is the largest page when it is null, or when the variables are not known', () => {
      expect(costOf('query($n: Int) { nodes(first: $n) { totalCount } }', { n: null })).toBe(100 * 2);
      expect(costOf(query)).toBe(100 * 2);
    });
  });

  it('says whether any page size came from a variable (if not, every request costs the same)', () => {
    expect(measured('query($id: ID!) { node(id: $id) { children { name } } }', { id: 1 }).variablesConsulted).toBe(false);
    expect(measured('query($n: Int) { node(id: 1) { ...P } } fragment P on Node { page(first: $n) { totalCount } }', { n: 1 }).variablesConsulted).toBe(true);
  });

  it('takes the larger page when both first and last are given', () => {
    expect(costOf('{ nodes(first: 2, last: 7) { totalCount } }', undefined, PAGED_BOTH_WAYS)).toBe(7 * 2);
    expect(costOf('{ nodes(last: 7) { totalCount } }', undefined, PAGED_BOTH_WAYS)).toBe(10 * 2);
  });

  it('costs only the operation of the request it is given', () => {
    const text = 'query Cheap { node(id: 1) { name } } query Costly($n: Int) { nodes(first: $n) { edges { node { children { name } } } } }';
    const document = parse(text);
    const [cheap, costly] = document.definitions as OperationDefinitionNode[];
    const errors = (operation: OperationDefinitionNode, n: number) =>
      validationErrors(MaxCostRule(OPTIONS, { operation, variables: { n } }), '', FIXTURE_SCHEMA, document);
    expect(errors(cheap!, 100)).toEqual([]);
    expect(errors(costly!, 100)).toEqual([costError(1000, 1, text.indexOf('query Costly') + 1)]);
    expect(errors(costly!, 1)).toEqual([]);
  });

  it('multiplies nested pages and refuses at the operation', () => {
    const query = '{ nodes(first: 100) { edges { node { page(first: 100) { edges { node { children { name } } } } } } } }';
    expect(validationErrors(MaxCostRule(DEFAULT_LIMITS), query)).toEqual([costError(70_000)]);
  });

  it('counts a fragment bomb of 2^40 leaves at every spread, in work proportional to the document', () => {
    const { cost, work, selections } = measured(fragmentBomb(40));
    expect(cost).toBe(1 + 2 ** 40);
    expect(work).toBe(selections);
    expect(selections).toBe(83);
    expect(validationErrors(MaxCostRule(DEFAULT_LIMITS), fragmentBomb(40))).toEqual([costError(70_000)]);
  });

  it('saturates instead of overflowing: past 2^53 the estimate stays at its ceiling, never NaN', () => {
    expect(costOf(fragmentBomb(60))).toBe(SATURATED);
    expect(costOf(`{ node(id: 1) { page(first: 1${'0'.repeat(400)}) { totalCount } } }`)).toBe(SATURATED);
    // An empty page under a saturated subtree is empty (0 × the ceiling), not 0 × Infinity.
    expect(costOf(fragmentBomb(60, { query: '{ node(id: 1) { page(first: 0) { edges { node { ...F%s } } } } }' }))).toBe(1);
  });

  it('lets a page of 100 full cases through at the default budget, and refuses four', () => {
    const workloads = readFileSync(new URL('../../../bench/workloads.ts', import.meta.url), 'utf8');
    const fullCase = /const FULL_CASE = \/\* GraphQL \*\/ `([\s\S]*?)`/.exec(workloads)![1]!;
    const onePage = `${fullCase} query Page { cases(first: 100) { totalCount edges { node { ...FullCase } } } }`;
    const fourPages = `${fullCase} query Pages { ${['a', 'b', 'c', 'd'].map((alias) => `${alias}: cases(first: 100) { edges { node { ...FullCase } } }`).join(' ')} }`;
    const cost = costOf(onePage, undefined, API_SCHEMA);
    expect(cost).toBeGreaterThan(10_000);
    expect(cost).toBeLessThan(DEFAULT_LIMITS.maxCost);
    expect(validationErrors(MaxCostRule(DEFAULT_LIMITS), fourPages, API_SCHEMA).map((e) => e.extensions?.hubCode)).toEqual(['HUB_LIMIT_COST']);
  });

  it("lets an auditor read the audit API's largest page, 200 records with their per-case details", () => {
    const page = `query($first: Int!) { auditRecords(first: $first) { totalCount edges { node { seq time organisation purpose outcome subgraphs
      cases { caseRef released { category basis rule paths } denied { category code rule paths } } incidents { subgraph coordinate code rule } } } } }`;
    const operation = parse(page).definitions[0] as OperationDefinitionNode;
    expect(validationErrors(MaxCostRule(DEFAULT_LIMITS, { operation, variables: { first: 200 } }), '', API_SCHEMA, { kind: Kind.DOCUMENT, definitions: [operation] })).toEqual([]);
  });

  it('lets the hub operator run the standard introspection query', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    expect(validationErrors(MaxCostRule(DEFAULT_LIMITS), getIntrospectionQuery(), API_SCHEMA)).toEqual([]);
  });

  it('does not loop on a fragment cycle', () => {
    expect(validationErrors(rule(100), '{ node(id: 1) { ...A } } fragment A on Node { parent { ...B } } fragment B on Node { parent { ...A } }')).toEqual([]);
  });
});
