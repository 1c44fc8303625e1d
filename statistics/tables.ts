/**
 * The declared statistics: the only dimensions, bands, tables and measures a caller can ask for
 * (docs/STATISTICS.md). A question names one table, one or two of these dimensions and optional
 * filters on their bands; nothing else can be asked, so no population can be carved out finer
 * than the bands below.
 */

/** The allow-listed dimensions, each with fixed bands. */
export const DIMENSIONS = ['COUNTRY_OF_ORIGIN', 'MEMBER_STATE', 'RETURN_TYPE', 'MONTHS_SINCE_RETURN', 'YEAR_OF_RETURN', 'AGE_BAND', 'VULNERABLE'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The first year of return the tables count; years before it fall in its band. */
export const FIRST_YEAR = 2024;

const FIXED_BANDS: Readonly<Record<Exclude<Dimension, 'YEAR_OF_RETURN'>, readonly string[]>> = {
  COUNTRY_OF_ORIGIN: ['IQ', 'NG', 'CI', 'EG', 'PK', 'CO', 'OTHER'],
  MEMBER_STATE: ['BE', 'DE', 'OTHER'],
  RETURN_TYPE: ['ASSISTED_VOLUNTARY', 'VOLUNTARY_DEPARTURE', 'ENFORCED'],
  MONTHS_SINCE_RETURN: ['0-2', '3-5', '6-11', '12-23', '24+', 'NOT_RETURNED'],
  AGE_BAND: ['0-17', '18-24', '25-34', '35-49', '50+', 'UNKNOWN'],
  VULNERABLE: ['YES', 'NO', 'NOT_ASSESSED'],
};

/**
 * The dimension whose bands are reporting periods: complementary suppression never reaches into
 * another period's cells for it (./disclosure.ts), so adding a period leaves the earlier ones as
 * they were published.
 */
export const PERIOD_DIMENSION: Dimension = 'YEAR_OF_RETURN';

/** The bands of a dimension, in their fixed order, on the reference date. */
export function bandsOf(dimension: Dimension, asOf: string): readonly string[] {
  if (dimension !== 'YEAR_OF_RETURN') return FIXED_BANDS[dimension];
  const last = Math.max(FIRST_YEAR, Number(asOf.slice(0, 4)));
  return [...Array.from({ length: last - FIRST_YEAR + 1 }, (_, i) => String(FIRST_YEAR + i)), 'NOT_RETURNED'];
}

export const ASSISTANCE_KINDS = ['BUSINESS', 'HOUSING', 'EDUCATION', 'VOCATIONAL_TRAINING'] as const;
export type AssistanceKind = (typeof ASSISTANCE_KINDS)[number];

/** One case's values, joined at the hub from every system's contribution, for one request only. */
export interface CaseRecord {
  /** The record key (uint32) of the cell-key method (./disclosure.ts): a keyed hash of the case, never its reference. */
  key: number;
  /** The case's band on each dimension. */
  bands: Readonly<Record<Dimension, string>>;
  returned: boolean;
  sustainability: { economic: number; social: number; psychosocial: number } | null;
  /** Kinds of (non-health) assistance delivered; null when no partner system follows the case. */
  assistance: readonly AssistanceKind[] | null;
  /** Monitoring visits made; null when no partner system follows the case. */
  visits: number | null;
  /** At the latest monitoring visit; null without one. */
  stillInCountry: boolean | null;
}

export interface Measure {
  name: string;
  description: string;
  /** The range of one person's value: the sensitivity the mean's noise is calibrated to. */
  range: readonly [number, number];
  value(record: CaseRecord): number | null;
}

export interface Table {
  name: string;
  description: string;
  /** Who the table counts. */
  population(record: CaseRecord): boolean;
  measures: readonly Measure[];
}

const share = (name: string, description: string, value: (record: CaseRecord) => boolean | null): Measure => ({
  name,
  description,
  range: [0, 1],
  value: (record) => {
    const v = value(record);
    return v === null ? null : v ? 1 : 0;
  },
});

/** A visit count above this counts as this many: one person's weight in a mean stays bounded. */
export const MAX_VISITS = 12;

export const TABLES = {
  RETURNS: {
    name: 'RETURNS',
    description: 'Persons returned, with the share still in the country of origin at the latest monitoring visit and the visits made.',
    population: (r) => r.returned,
    measures: [
      share('STILL_IN_COUNTRY', 'Share still in the country of origin at the latest monitoring visit (persons visited).', (r) => r.stillInCountry),
      { name: 'MONITORING_VISITS', description: 'Monitoring visits per person followed by a partner system.', range: [0, MAX_VISITS], value: (r) => (r.visits === null ? null : Math.min(r.visits, MAX_VISITS)) },
    ],
  },
  SUSTAINABILITY: {
    name: 'SUSTAINABILITY',
    description: "Persons with a sustainability assessment, and the partner's mean scores (0 to 1).",
    population: (r) => r.sustainability !== null,
    measures: [
      { name: 'ECONOMIC', description: 'Mean economic sustainability score.', range: [0, 1], value: (r) => r.sustainability?.economic ?? null },
      { name: 'SOCIAL', description: 'Mean social sustainability score.', range: [0, 1], value: (r) => r.sustainability?.social ?? null },
      { name: 'PSYCHOSOCIAL', description: 'Mean psychosocial sustainability score.', range: [0, 1], value: (r) => r.sustainability?.psychosocial ?? null },
    ],
  },
  ASSISTANCE: {
    name: 'ASSISTANCE',
    description: 'Persons who received reintegration assistance, and the share who received each kind.',
    population: (r) => r.assistance !== null && r.assistance.length > 0,
    measures: ASSISTANCE_KINDS.map((kind) => share(kind, `Share who received ${kind.toLowerCase().replace('_', ' ')} assistance.`, (r) => (r.assistance === null ? null : r.assistance.includes(kind)))),
  },
} as const satisfies Record<string, Table>;

export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** A filter: only persons in this band of this dimension. */
export interface Filter {
  dimension: Dimension;
  band: string;
}

/** A question: one declared table by one or two declared dimensions, optionally filtered. */
export interface Question {
  table: TableName;
  rows: Dimension;
  columns: Dimension | null;
  filters: readonly Filter[];
}
