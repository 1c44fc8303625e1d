/**
 * The common scalars refuse a malformed value with a message that states the expected format and
 * quotes at most a short prefix of what was sent: a wrong value in a case-reference or date
 * variable may be personal data (a national id, a date of birth), and errors travel to clients
 * and logs.
 */
import { graphql, GraphQLError, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CASE_REF_PATTERN, CaseRefScalar, CountryCodeScalar, DateScalar, DateTimeScalar, isCaseRef, isIsoDate } from '../../contract/index.js';

/** A schema with one field per scalar, echoing its argument: enough to parse literals and variables. */
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: Object.fromEntries(
      [CaseRefScalar, CountryCodeScalar, DateScalar, DateTimeScalar].map((scalar) => [
        scalar.name.charAt(0).toLowerCase() + scalar.name.slice(1),
        { type: GraphQLString, args: { value: { type: scalar } }, resolve: (_root: unknown, args: { value: string }) => args.value },
      ]),
    ),
  }),
});

const messagesOf = async (source: string, variableValues?: Record<string, unknown>) => (await graphql({ schema, source, variableValues })).errors?.map((error) => error.message);

describe('CaseRef', () => {
  it('accepts a case reference', async () => {
    expect(await graphql({ schema, source: '{ caseRef(value: "EU-2026-000123") }' })).toEqual({ data: { caseRef: 'EU-2026-000123' } });
  });

  it('states the expected format for a malformed literal, quoting only a short prefix of it', async () => {
    expect(await messagesOf('{ caseRef(value: "BE-85073112345-X") }')).toStrictEqual([
      'CaseRef must be an EU case reference EU-YYYY-NNNNNN, e.g. EU-2026-000123; got "BE-850…" (16 characters).',
    ]);
  });

  // The 'Variable "$ref" got invalid value …' prefix is graphql-js's own (coerceVariableValues) and quotes the whole value.
  it('states the expected format for a malformed variable', async () => {
    expect(await messagesOf('query($ref: CaseRef!) { caseRef(value: $ref) }', { ref: 'eu-2026-123' })).toStrictEqual([
      'Variable "$ref" got invalid value "eu-2026-123"; CaseRef must be an EU case reference EU-YYYY-NNNNNN, e.g. EU-2026-000123; got "eu-202…" (11 characters).',
    ]);
  });

  it('quotes a short value whole', async () => {
    expect(await messagesOf('{ caseRef(value: "EU-1") }')).toStrictEqual(['CaseRef must be an EU case reference EU-YYYY-NNNNNN, e.g. EU-2026-000123; got "EU-1".']);
  });

  it('names the kind of a value that is not a string', async () => {
    expect(await messagesOf('{ caseRef(value: 2026000123) }')).toStrictEqual(['CaseRef must be a string: an EU case reference EU-YYYY-NNNNNN, e.g. EU-2026-000123.']);
  });

  it('refuses to serialise a malformed value a subgraph returned, the same way', () => {
    expect(() => CaseRefScalar.serialize('EU-2026-12')).toThrow(
      new GraphQLError('CaseRef must be an EU case reference EU-YYYY-NNNNNN, e.g. EU-2026-000123; got "EU-202…" (10 characters).', { extensions: { code: 'BAD_USER_INPUT' } }),
    );
  });
});

describe('the other common scalars', () => {
  it.each([
    ['{ countryCode(value: "Belgium") }', 'CountryCode must be an ISO 3166-1 alpha-2 country code in upper case, e.g. BE; got "Belgiu…" (7 characters).'],
    ['{ date(value: "31/03/1985") }', 'Date must be a calendar date YYYY-MM-DD, e.g. 2026-03-31; got "31/03/…" (10 characters).'],
    ['{ date(value: "2026-02-30") }', 'Date must be a calendar date YYYY-MM-DD, e.g. 2026-03-31; got "2026-0…" (10 characters).'],
    ['{ dateTime(value: "2026-03-31 09:30") }', 'DateTime must be an instant in UTC, YYYY-MM-DDTHH:MM:SSZ (milliseconds optional), e.g. 2026-03-31T09:30:00Z; got "2026-0…" (16 characters).'],
  ])('%s states the expected format and quotes only a short prefix', async (source, message) => {
    expect(await messagesOf(source)).toStrictEqual([message]);
  });
});

/**
 * The checks run for every value a subgraph serialises, so they are written by hand, not with a
 * RegExp and a Date per value. These hold them to the definitions they replace.
 */
describe('the hand-written checks give the answers of the definitions they replace', () => {
  const byDate = (value: string): boolean => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!match) return false;
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  };

  it('a date is valid exactly when a Date of it is the same day, for every day of 1899–2101 and each end of every month', () => {
    const disagreements: string[] = [];
    for (let year = 1899; year <= 2101; year++) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const value = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          if (isIsoDate(value) !== byDate(value)) disagreements.push(value);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('a date is refused in every malformed shape the pattern refused', () => {
    for (const value of ['2026-1-01', '2026-01-1', '2026/01/01', '20260101', '2026-01-01 ', ' 2026-01-01', '2026-01-0a', 'x026-01-01', '2026-01-01T00:00:00Z', '', '0099-12-31', '0000-01-01', '９９９９-01-01']) {
      expect([value, isIsoDate(value)]).toEqual([value, byDate(value)]);
    }
    expect([null, undefined, 20260101, {}].map(isIsoDate)).toEqual([false, false, false, false]);
  });

  it('a case reference is valid exactly when CASE_REF_PATTERN matches it', () => {
    const samples = ['EU-2026-000123', 'EU-0000-000000', 'EU-9999-999999', 'eu-2026-000123', 'EU-2026-00012', 'EU-2026-0001234', 'EU_2026-000123', 'EU-2026_000123', 'EU-202a-000123', 'EU-2026-00012a', 'XU-2026-000123', 'EX-2026-000123', ' EU-2026-000123', 'EU-2026-000123\n', 'EU-２０２６-000123', ''];
    for (const value of samples) expect([value, isCaseRef(value)]).toEqual([value, CASE_REF_PATTERN.test(value)]);
    expect([null, 123, { ref: 'EU-2026-000123' }].map(isCaseRef)).toEqual([false, false, false]);
  });
});
