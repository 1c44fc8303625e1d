/**
 * The common scalars. Each validates strictly on input and on output, so a subgraph that maps a
 * native value wrongly fails loudly instead of sending a malformed date or country across borders.
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

export const CASE_REF_PATTERN = /^EU-\d{4}-\d{6}$/;
const DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

const DASH = 0x2d;
const isDigitAt = (value: string, index: number): boolean => {
  const code = value.charCodeAt(index);
  return code >= 0x30 && code <= 0x39;
};
/** The number the decimal digits at `from`..`to` (exclusive) spell; the caller has checked they are digits. */
const digitsAt = (value: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (value.charCodeAt(i) - 0x30);
  return n;
};

/**
 * `CASE_REF_PATTERN`, checked character by character: it runs for every categorised field a
 * subgraph resolves and every object the gateway walks, where a RegExp costs several times more.
 * tests/schema/scalars.test.ts holds the two to the same answers.
 */
export function isCaseRef(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 14) return false;
  if (value.charCodeAt(0) !== 0x45 || value.charCodeAt(1) !== 0x55 || value.charCodeAt(2) !== DASH || value.charCodeAt(7) !== DASH) return false;
  for (let i = 3; i < 7; i++) if (!isDigitAt(value, i)) return false;
  for (let i = 8; i < 14; i++) if (!isDigitAt(value, i)) return false;
  return true;
}

/**
 * The ISO 3166-1 alpha-2 codes, with XK (Kosovo, user-assigned and in common use), as the
 * i18n-iso-countries package lists them; tests/contract/vocabulary.test.ts keeps the two in step.
 * Written out so the contract depends on graphql alone.
 */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW ' +
    'CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO ' +
    'IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ ' +
    'NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY ' +
    'SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW'
  ).split(' '),
);

export function isCountryCode(value: unknown): value is string {
  return typeof value === 'string' && COUNTRY_CODES.has(value);
}

const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9] as const;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * A calendar date YYYY-MM-DD that exists (no 2026-02-30), by arithmetic: a page serialises
 * hundreds of dates, and a Date per value was a measurable part of a subgraph's answer. Years
 * before 100 are refused, as they always were (Date.UTC reads them as 19xx); the test compares
 * this with the Date-based check day by day.
 */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 10 || value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH) return false;
  for (const i of DATE_DIGITS) if (!isDigitAt(value, i)) return false;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 7);
  const day = digitsAt(value, 8, 10);
  if (year < 100 || month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!);
}

export function isIsoDateTime(value: unknown): value is string {
  // Date.parse alone takes 2026-02-30 for 2 March: the calendar day is checked as a Date is.
  return typeof value === 'string' && DATE_TIME_PATTERN.test(value) && isIsoDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value));
}

/** How much of a refused value an error may quote: enough to recognise it, too little to be personal data. */
const QUOTED_PREFIX = 6;

/** `"BE-850…" (16 characters)`: a short prefix of a refused string, or the kind of a value that is not one. */
function describeRefused(value: unknown): string {
  if (typeof value !== 'string') return value === null ? 'null' : `a ${typeof value}`;
  if (value.length <= QUOTED_PREFIX) return JSON.stringify(value);
  return `${JSON.stringify(`${[...value].slice(0, QUOTED_PREFIX).join('')}…`)} (${value.length} characters)`;
}

/**
 * A string scalar that refuses, on input and on output, any value `valid` rejects, with a message
 * stating `expected` and quoting at most a short prefix of the value: a wrong value in a case
 * reference or a date may be a national id or a date of birth, and errors reach clients and logs.
 */
function stringScalar(name: string, description: string, expected: string, valid: (value: unknown) => boolean, normalise?: (value: unknown) => unknown) {
  const check = (value: unknown, ast?: ValueNode) => {
    const candidate = normalise ? normalise(value) : value;
    if (!valid(candidate)) {
      throw new GraphQLError(`${name} must be ${expected}; got ${describeRefused(candidate)}.`, {
        ...(ast ? { nodes: ast } : {}),
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    return candidate as string;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) => check(value),
    parseValue: (value) => check(value),
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new GraphQLError(`${name} must be a string: ${expected}.`, { nodes: ast, extensions: { code: 'BAD_USER_INPUT' } });
      return check(ast.value, ast);
    },
  });
}

export const CaseRefScalar = stringScalar(
  'CaseRef',
  'EU-wide pseudonymous case reference, e.g. EU-2026-000123.',
  'an EU case reference EU-YYYY-NNNNNN, e.g. EU-2026-000123',
  isCaseRef,
);
export const CountryCodeScalar = stringScalar('CountryCode', 'ISO 3166-1 alpha-2 country code.', 'an ISO 3166-1 alpha-2 country code in upper case, e.g. BE', isCountryCode);
export const DateScalar = stringScalar('Date', 'Calendar date, ISO 8601 (YYYY-MM-DD).', 'a calendar date YYYY-MM-DD, e.g. 2026-03-31', isIsoDate);
export const DateTimeScalar = stringScalar(
  'DateTime',
  'Instant in UTC, ISO 8601.',
  'an instant in UTC, YYYY-MM-DDTHH:MM:SSZ (milliseconds optional), e.g. 2026-03-31T09:30:00Z',
  isIsoDateTime,
  (value) => (value instanceof Date ? value.toISOString() : value),
);

export const scalarResolvers = {
  CaseRef: CaseRefScalar,
  CountryCode: CountryCodeScalar,
  Date: DateScalar,
  DateTime: DateTimeScalar,
};

/**
 * The case a representation or a backend object belongs to: its `ref`, else its `caseRef`. For
 * objects the gateway planned (the keys of representations, a subgraph's own rows). Never for a
 * response a client shaped: its keys are the client's aliases, so the gateway attributes response
 * objects only by its own hidden selection (gateway/access/walk.ts `helperRefOf`).
 */
export function caseRefIn(value: unknown): string | null {
  if (!value || typeof value !== 'object') return null;
  const object = value as { ref?: unknown; caseRef?: unknown };
  const ref = object.ref ?? object.caseRef;
  return isCaseRef(ref) ? ref : null;
}
