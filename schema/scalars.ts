/**
 * The common scalars. Each validates strictly on input and on output, so a subgraph that maps a
 * native value wrongly fails loudly instead of sending a malformed date or country across borders.
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import countries from 'i18n-iso-countries';

export const CASE_REF_PATTERN = /^EU-\d{4}-\d{6}$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export function isCaseRef(value: unknown): value is string {
  return typeof value === 'string' && CASE_REF_PATTERN.test(value);
}

export function isCountryCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{2}$/.test(value) && countries.isValid(value);
}

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function isIsoDateTime(value: unknown): value is string {
  // Date.parse alone takes 2026-02-30 for 2 March: the calendar day is checked as a Date is.
  return typeof value === 'string' && DATE_TIME_PATTERN.test(value) && isIsoDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value));
}

function stringScalar(name: string, description: string, valid: (value: unknown) => boolean, normalise?: (value: unknown) => unknown) {
  const check = (value: unknown, ast?: ValueNode) => {
    const candidate = normalise ? normalise(value) : value;
    if (!valid(candidate)) {
      throw new GraphQLError(`${name} cannot represent value: ${JSON.stringify(value)}`, {
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
      if (ast.kind !== Kind.STRING) throw new GraphQLError(`${name} must be a string`, { nodes: ast, extensions: { code: 'BAD_USER_INPUT' } });
      return check(ast.value, ast);
    },
  });
}

export const CaseRefScalar = stringScalar('CaseRef', 'EU-wide pseudonymous case reference, e.g. EU-2026-000123.', isCaseRef);
export const CountryCodeScalar = stringScalar('CountryCode', 'ISO 3166-1 alpha-2 country code.', isCountryCode);
export const DateScalar = stringScalar('Date', 'Calendar date, ISO 8601 (YYYY-MM-DD).', isIsoDate);
export const DateTimeScalar = stringScalar('DateTime', 'Instant in UTC, ISO 8601.', isIsoDateTime, (value) =>
  value instanceof Date ? value.toISOString() : value,
);

export const scalarResolvers = {
  CaseRef: CaseRefScalar,
  CountryCode: CountryCodeScalar,
  Date: DateScalar,
  DateTime: DateTimeScalar,
};

/**
 * The case an object belongs to: the gateway's hidden case-reference selection, else its `ref`,
 * else its `caseRef` — the one rule the gateway and every subgraph use to attribute a field to a case.
 */
export function caseRefIn(value: unknown): string | null {
  if (!value || typeof value !== 'object') return null;
  const object = value as { __continuumRef?: unknown; ref?: unknown; caseRef?: unknown };
  const ref = object.__continuumRef ?? object.ref ?? object.caseRef;
  return isCaseRef(ref) ? ref : null;
}
