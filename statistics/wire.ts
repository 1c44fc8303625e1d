/**
 * The contribution wire format (docs/STATISTICS.md § Contributions): each system sends its
 * per-case values as one text — one case per line (`;`-separated), fields `,`-separated, in a
 * fixed order, every field from a closed alphabet so no separator can occur in a value. One
 * string instead of lists of 100,000 typed values: GraphQL completes a list item by item, and
 * at that size that alone cost more than the 2-second budget (docs/BENCHMARKS.md § Statistics).
 *
 * The hub parses strictly: a line of the wrong shape, a value outside its alphabet or a count that
 * does not match refuses the whole contribution.
 */
import { CASE_REF_PATTERN } from '../schema/scalars.js';
import { ASSISTANCE_KINDS, type AssistanceKind } from './tables.js';
import type { CaseIndexColumns, MemberStateColumns, PartnerColumns } from './join.js';

export const CASE_SEPARATOR = ';';
export const FIELD_SEPARATOR = ',';
/** Between the kinds of assistance of one case. */
export const LIST_SEPARATOR = '+';

export class ContributionFormatError extends Error {}

const COUNTRY = /^[A-Z]{2}$/;
const RETURN_TYPES = new Set(['ASSISTED_VOLUNTARY', 'VOLUNTARY_DEPARTURE', 'ENFORCED']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const YEAR = /^(19|20|21)\d{2}$/;
const SCORE = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
const KINDS: ReadonlySet<string> = new Set(ASSISTANCE_KINDS);

function lines(text: string, count: number, fields: number): string[][] {
  const rows = text === '' ? [] : text.split(CASE_SEPARATOR);
  if (rows.length !== count) throw new ContributionFormatError('the number of cases does not match the count');
  return rows.map((row) => {
    const values = row.split(FIELD_SEPARATOR);
    if (values.length !== fields) throw new ContributionFormatError('a case has the wrong number of fields');
    if (!CASE_REF_PATTERN.test(values[0]!)) throw new ContributionFormatError('a subject is not a case reference');
    return values;
  });
}

const flag = (value: string): boolean | null => {
  if (value === '') return null;
  if (value === 't') return true;
  if (value === 'f') return false;
  throw new ContributionFormatError('a flag is not t, f or empty');
};

const score = (value: string): number | null => {
  if (value === '') return null;
  if (!SCORE.test(value)) throw new ContributionFormatError('a score is not between 0 and 1');
  return Number(value);
};

/** subject,owningMemberState,countryOfOrigin,returnType,returnedOn (YYYY-MM-DD or empty) */
export function parseCaseIndex(text: string, count: number): CaseIndexColumns {
  const columns: CaseIndexColumns = { subjects: [], owningMemberStates: [], countriesOfOrigin: [], returnTypes: [], returnedOn: [] };
  for (const [subject, memberState, country, returnType, returnedOn] of lines(text, count, 5) as [string, string, string, string, string][]) {
    if (!COUNTRY.test(memberState) || !COUNTRY.test(country)) throw new ContributionFormatError('a country is not an ISO code');
    if (!RETURN_TYPES.has(returnType)) throw new ContributionFormatError('a return type is not declared');
    if (returnedOn !== '' && !DATE.test(returnedOn)) throw new ContributionFormatError('a date of return is not a date');
    columns.subjects.push(subject);
    columns.owningMemberStates.push(memberState);
    columns.countriesOfOrigin.push(country);
    columns.returnTypes.push(returnType as CaseIndexColumns['returnTypes'][number]);
    columns.returnedOn.push(returnedOn === '' ? null : returnedOn);
  }
  return columns;
}

/** subject,yearOfBirth (or empty),vulnerable (t, f, or empty: not assessed) */
export function parseMemberState(text: string, count: number): MemberStateColumns {
  const columns: MemberStateColumns = { subjects: [], yearsOfBirth: [], vulnerable: [] };
  for (const [subject, year, vulnerable] of lines(text, count, 3) as [string, string, string][]) {
    if (year !== '' && !YEAR.test(year)) throw new ContributionFormatError('a year of birth is not a year');
    columns.subjects.push(subject);
    columns.yearsOfBirth.push(year === '' ? null : Number(year));
    columns.vulnerable.push(flag(vulnerable));
  }
  return columns;
}

/** subject,assistance (kinds joined by +),visits,stillInCountry (t, f or empty),economic,social,psychosocial (0..1 or empty) */
export function parsePartner(text: string, count: number): PartnerColumns {
  const columns: PartnerColumns = { subjects: [], assistance: [], visits: [], stillInCountry: [], economic: [], social: [], psychosocial: [] };
  for (const [subject, kinds, visits, inCountry, economic, social, psychosocial] of lines(text, count, 7) as [string, string, string, string, string, string, string][]) {
    const assistance = kinds === '' ? [] : kinds.split(LIST_SEPARATOR);
    if (assistance.some((kind) => !KINDS.has(kind)) || new Set(assistance).size !== assistance.length) throw new ContributionFormatError('an assistance kind is not declared');
    if (!/^\d{1,3}$/.test(visits)) throw new ContributionFormatError('a visit count is not a count');
    columns.subjects.push(subject);
    columns.assistance.push(assistance as AssistanceKind[]);
    columns.visits.push(Number(visits));
    columns.stillInCountry.push(flag(inCountry));
    columns.economic.push(score(economic));
    columns.social.push(score(social));
    columns.psychosocial.push(score(psychosocial));
  }
  return columns;
}
