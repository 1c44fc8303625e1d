import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEFAULT_LIMITS, MaxCostRule } from '../../../gateway/limits/index.js';
import { API_SCHEMA, FIXTURE_SCHEMA, validationErrors } from './harness.js';

const rule = (maxCost: number) => MaxCostRule({ maxCost, assumedListSize: 10, maxPageSize: 100 });
const costError = (limit: number, line = 1, column = 1) => ({
  message: `The operation could return more than ${limit} fields (estimated: lists multiply). Ask for smaller pages or fewer nested lists.`,
  locations: [{ line, column }],
  extensions: { code: 'GRAPHQL_VALIDATION_FAILED', hubCode: 'HUB_LIMIT_COST' },
});

/** The smallest budget the query fits in: its estimated cost. */
function costOf(query: string, schema = API_SCHEMA): number {
  let low = 0;
  let high = 10_000_000;
  while (low + 1 < high) {
    const mid = Math.floor((low + high) / 2);
    if (validationErrors(rule(mid), query, schema).length === 0) high = mid;
    else low = mid;
  }
  return high;
}

describe('MaxCostRule', () => {
  it('counts each field once, times the page it sits in; edges of a connection are that page', () => {
    // nodes(first: 5) = 5 × (1 + edges(1 + node(1 + name 1))) = 5 × 4 = 20, plus totalCount 1 → 21
    expect(costOf('{ nodes(first: 5) { totalCount edges { node { name } } } }', FIXTURE_SCHEMA)).toBe(5 * (1 + 1 + (1 + (1 + 1))));
    // an omitted page size is the schema default (10); a plain list is assumed to hold 10
    expect(costOf('{ nodes { edges { node { id } } } }', FIXTURE_SCHEMA)).toBe(10 * (1 + (1 + (1 + 1))));
    expect(costOf('{ node(id: 1) { children { name } } }', FIXTURE_SCHEMA)).toBe(1 + 10 * 2);
    // a page size in a variable counts as its default, else the largest page
    expect(costOf('query($n: Int = 3) { nodes(first: $n) { totalCount } }', FIXTURE_SCHEMA)).toBe(3 * 2);
    expect(costOf('query($n: Int) { nodes(first: $n) { totalCount } }', FIXTURE_SCHEMA)).toBe(100 * 2);
  });

  it('multiplies nested pages and refuses at the operation', () => {
    const query = '{ nodes(first: 100) { edges { node { page(first: 100) { edges { node { children { name } } } } } } } }';
    expect(validationErrors(rule(50_000), query)).toEqual([costError(50_000)]);
  });

  it('lets a page of 100 full cases through at the default budget, and refuses four', () => {
    const workloads = readFileSync(new URL('../../../bench/workloads.ts', import.meta.url), 'utf8');
    const fullCase = /const FULL_CASE = \/\* GraphQL \*\/ `([\s\S]*?)`/.exec(workloads)![1]!;
    const onePage = `${fullCase} query Page { cases(first: 100) { totalCount edges { node { ...FullCase } } } }`;
    const fourPages = `${fullCase} query Pages { ${['a', 'b', 'c', 'd'].map((alias) => `${alias}: cases(first: 100) { edges { node { ...FullCase } } }`).join(' ')} }`;
    const cost = costOf(onePage);
    expect(cost).toBeGreaterThan(10_000);
    expect(cost).toBeLessThan(DEFAULT_LIMITS.maxCost);
    expect(validationErrors(MaxCostRule(DEFAULT_LIMITS), fourPages, API_SCHEMA).map((e) => e.extensions?.hubCode)).toEqual(['HUB_LIMIT_COST']);
  });

  it('lets an auditor read a page of 100 audit records with their per-case details', () => {
    const page = `query($first: Int!) { auditRecords(first: $first) { totalCount edges { node { seq time organisation purpose outcome subgraphs
      cases { caseRef released { category basis rule paths } denied { category code rule paths } } incidents { subgraph coordinate code rule } } } } }`;
    expect(validationErrors(MaxCostRule(DEFAULT_LIMITS), page, API_SCHEMA)).toEqual([]);
  });

  it('counts a list of scalars as one value, not a fan-out', () => {
    expect(costOf('{ tags }', FIXTURE_SCHEMA)).toBe(costOf('{ node(id: 1) { __typename } }', FIXTURE_SCHEMA));
  });

  it('does not loop on a fragment cycle', () => {
    expect(validationErrors(rule(100), '{ node(id: 1) { ...A } } fragment A on Node { parent { ...B } } fragment B on Node { parent { ...A } }')).toEqual([]);
  });
});
