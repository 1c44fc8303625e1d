/**
 * No personal field is reachable from a statistics result, read from the committed supergraph:
 * everything under `Query.statistics` is STATISTICS, no case reference or case type is on the way,
 * and the per-case contributions the hub joins are not in the API schema at all.
 */
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { getNamedType, isObjectType, isScalarType, type GraphQLNamedType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { fieldCategories } from '../../subgraphs/kit/index.js';

const SDL = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const API_SCHEMA = Supergraph.build(SDL).apiSchema().toGraphQLJSSchema();
const CATEGORIES = fieldCategories(SDL);

/** Every output type reachable from a field's type, and the fields on the way. */
function reachable(from: GraphQLNamedType) {
  const types = new Set<GraphQLNamedType>();
  const fields: { coordinate: string; type: GraphQLNamedType }[] = [];
  const visit = (type: GraphQLNamedType) => {
    if (types.has(type)) return;
    types.add(type);
    if (!isObjectType(type)) return;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      fields.push({ coordinate: `${type.name}.${field.name}`, type: named });
      visit(named);
    }
  };
  visit(from);
  return { types, fields };
}

describe('the statistics result in the API schema', () => {
  const statistics = API_SCHEMA.getQueryType()!.getFields().statistics!;
  const { types, fields } = reachable(getNamedType(statistics.type));

  it('is a typed root field', () => {
    expect(String(statistics.type)).toBe('StatisticsTableResult!');
    expect(statistics.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['table: StatisticsTable!', 'rows: StatisticsDimension!', 'columns: StatisticsDimension', 'filters: [StatisticsFilterInput!]']);
  });

  it('reaches only STATISTICS fields', () => {
    expect(fields.length).toBeGreaterThan(20);
    expect(fields.filter((f) => CATEGORIES.get(f.coordinate) !== 'STATISTICS').map((f) => f.coordinate)).toEqual([]);
  });

  it('reaches no case, no case reference and no type of the case files', () => {
    expect([...types].map((t) => t.name).filter((name) => ['Case', 'CaseRef', 'MemberStateFile', 'Person', 'ReintegrationPartnerFile'].includes(name))).toEqual([]);
    expect([...types].filter((t) => isScalarType(t)).map((t) => t.name).sort()).toEqual(['Date', 'Float', 'Int', 'String']);
  });

  it('holds none of the per-case contributions the hub joins', () => {
    const query = Object.keys(API_SCHEMA.getQueryType()!.getFields());
    for (const field of ['caseIndexStatistics', 'belgianCaseStatistics', 'germanCaseStatistics', 'iqPartnerStatistics']) {
      expect(SDL).toContain(`${field}:`);
      expect(query).not.toContain(field);
    }
    for (const type of ['CaseIndexStatisticsContribution', 'BelgianStatisticsContribution', 'GermanStatisticsContribution', 'PartnerStatisticsContribution']) {
      expect(API_SCHEMA.getType(type)).toBeUndefined();
    }
  });

  it('gives STATISTICS to nothing else a client can reach', () => {
    const statisticsFields = [...CATEGORIES].filter(([, category]) => category === 'STATISTICS').map(([coordinate]) => coordinate);
    const visible = statisticsFields.filter((coordinate) => {
      const [type, field] = coordinate.split('.') as [string, string];
      const found = API_SCHEMA.getType(type);
      return isObjectType(found) && Object.hasOwn(found.getFields(), field);
    });
    expect(visible.sort()).toEqual(fields.map((f) => f.coordinate).sort());
  });
});
