/**
 * The common scalars refuse a malformed value with a message that states the expected format and
 * quotes at most a short prefix of what was sent: a wrong value in a case-reference or date
 * variable may be personal data (a national id, a date of birth), and errors travel to clients
 * and logs.
 */
import { graphql, GraphQLError, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CaseRefScalar, CountryCodeScalar, DateScalar, DateTimeScalar } from '../../contract/index.js';

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
