/**
 * Statistics in the supergraph (docs/STATISTICS.md).
 *
 * `Query.statistics` is the typed question researchers and monitoring teams ask; it is declared
 * here, in the hub's own subgraph, so it composes, is planned and its STATISTICS category is
 * enforced and audited like every field — but it is answered by the hub's statistics stage
 * (statistics/stage.ts), which joins every system's contribution in memory. Should a request for
 * it ever reach this subgraph, it is refused: this subgraph alone holds one part of the figures.
 *
 * `Query.caseIndexStatistics` is the case index's contribution: the dimensions every case has.
 * @inaccessible, so no client can ask for it; STATISTICS, so only a request the gateway signed
 * that category for reads it.
 */
import { GraphQLError } from 'graphql';
import { DIMENSIONS, TABLE_NAMES } from '../../statistics/tables.js';
import type { Db } from '../../store/index.js';
import { statisticsSigned, type KitContext, type Resolvers } from '../kit/index.js';

const s = '@personalData(category: STATISTICS)';

export const statisticsTypeDefs = `
extend type Query {
  "A declared statistics table across every connected system: aggregates only, cells of fewer than 10 persons suppressed, counts rounded (docs/STATISTICS.md). Researchers and monitoring roles, as the policy grants STATISTICS."
  statistics(table: StatisticsTable!, rows: StatisticsDimension!, columns: StatisticsDimension, filters: [StatisticsFilterInput!]): StatisticsTableResult!
  "The case index's per-case statistics values, columnar. Read by the hub's statistics stage only."
  caseIndexStatistics: CaseIndexStatisticsContribution! @inaccessible
}

"The declared tables (docs/STATISTICS.md)."
enum StatisticsTable {
${TABLE_NAMES.map((n) => `  ${n}`).join('\n')}
}

"The declared dimensions, each in fixed bands."
enum StatisticsDimension {
${DIMENSIONS.map((n) => `  ${n}`).join('\n')}
}

enum StatisticsCellStatus {
  RELEASED
  "Fewer than 10 persons."
  SUPPRESSED_SMALL_CELL
  "Suppressed so that a small cell cannot be recomputed from the margins."
  SUPPRESSED_COMPLEMENTARY
}

input StatisticsFilterInput {
  dimension: StatisticsDimension!
  "One of the dimension's declared bands."
  band: String!
}

"A released table: every cell and margin, in band order, the margins last (row or column TOTAL)."
type StatisticsTableResult {
  table: StatisticsTable! ${s}
  rows: StatisticsDimension! ${s}
  columns: StatisticsDimension ${s}
  filters: [StatisticsFilter!]! ${s}
  "Reference date: time since return and age are as of this day (the first of the month)."
  asOf: Date! ${s}
  "No released cell is built from fewer persons."
  threshold: Int! ${s}
  "Released counts are multiples of this."
  roundingBase: Int! ${s}
  measures: [StatisticsMeasure!]! ${s}
  cells: [StatisticsCell!]! ${s}
  "Cells, margins included, released as null."
  suppressedCells: Int! ${s}
  "The asking organisation's question budget for the period, this question included."
  budget: StatisticsBudget! ${s}
}

type StatisticsFilter {
  dimension: StatisticsDimension! ${s}
  band: String! ${s}
}

type StatisticsMeasure {
  name: String! ${s}
  description: String! ${s}
}

type StatisticsCell {
  "The row's band, or TOTAL."
  row: String! ${s}
  "The column's band, TOTAL, or null in a one-dimensional table."
  column: String ${s}
  "Persons, randomly rounded to the rounding base; null when suppressed."
  count: Int ${s}
  status: StatisticsCellStatus! ${s}
  "One value per measure, in the order of the table's measures."
  measures: [StatisticsValue!]! ${s}
}

type StatisticsValue {
  measure: String! ${s}
  "The mean, perturbed and rounded to 2 decimals; null when the cell, or the persons with a value in it, are fewer than the threshold."
  value: Float ${s}
  status: StatisticsCellStatus! ${s}
}

type StatisticsBudget {
  "The period the budget runs over (the reference month)."
  period: String! ${s}
  "Distinct questions asked in the period."
  spent: Int! ${s}
  limit: Int! ${s}
}

"The case index's per-case values in the contribution wire format (docs/STATISTICS.md § Contributions)."
type CaseIndexStatisticsContribution @inaccessible {
  "Cases in rows."
  count: Int! ${s}
  "One case per ';'-separated line: subject,owningMemberState,countryOfOrigin,returnType,returnedOn (YYYY-MM-DD, or empty before return)."
  rows: String! ${s}
}
`;

/**
 * Every case of the index in ONE aggregated text value, already in the wire format (its values are
 * the common model's codes): PGlite hands over one string many times faster than 100,000 rows.
 */
async function caseIndexContribution(db: Db) {
  const [row] = await db.query<{ count: number; rows: string | null }>(
    `SELECT count(*)::int AS count,
            string_agg(ref || ',' || owning_member_state || ',' || country_of_origin || ',' || return_type || ',' || coalesce(to_char(returned_on, 'YYYY-MM-DD'), ''), ';') AS rows
     FROM central.case_index`,
  );
  return { count: row?.count ?? 0, rows: row?.rows ?? '' };
}

export function statisticsResolvers(db: Db): Resolvers<KitContext> {
  return {
    Query: {
      statistics: () => {
        throw new GraphQLError("Statistics are answered by the hub's statistics stage, which joins every system's contribution.", {
          extensions: { code: 'HUB_STATISTICS_UNAVAILABLE', hubCode: 'HUB_STATISTICS_UNAVAILABLE' },
        });
      },
      caseIndexStatistics: (_root: unknown, _args: unknown, context: KitContext) =>
        // Read only when the gateway signed STATISTICS for the request.
        statisticsSigned(context.caller) ? caseIndexContribution(db) : { count: 0, rows: '' },
    },
  };
}
