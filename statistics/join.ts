/**
 * The hub-side join: each system's contribution, checked, joined by case into CaseRecords that
 * live for one request. Contributions arrive columnar (index i of every column is one case), as
 * the systems send them. The case reference is used only as the join key and, through a keyed
 * hash, as the record key of the cell-key method; it is in no record and in nothing released.
 */
import { hash } from 'node:crypto';
import { FIRST_YEAR, type AssistanceKind, type CaseRecord, type Dimension } from './tables.js';

/** What the case index (central) contributes: the dimensions every case has. */
export interface CaseIndexColumns {
  subjects: string[];
  owningMemberStates: string[];
  countriesOfOrigin: string[];
  returnTypes: ('ASSISTED_VOLUNTARY' | 'VOLUNTARY_DEPARTURE' | 'ENFORCED')[];
  returnedOn: (string | null)[];
}

/** What a Member State's case system contributes: year of birth only (not the date) and whether any vulnerability was found. */
export interface MemberStateColumns {
  subjects: string[];
  yearsOfBirth: (number | null)[];
  vulnerable: (boolean | null)[];
}

/** What a reintegration partner's system contributes: indicator values, no dates, no amounts. */
export interface PartnerColumns {
  subjects: string[];
  assistance: AssistanceKind[][];
  visits: number[];
  stillInCountry: (boolean | null)[];
  economic: (number | null)[];
  social: (number | null)[];
  psychosocial: (number | null)[];
}

export interface Contributions {
  caseIndex: CaseIndexColumns;
  memberStates: readonly MemberStateColumns[];
  partners: readonly PartnerColumns[];
}

const COUNTRIES = new Set(['IQ', 'NG', 'CI', 'EG', 'PK', 'CO']);
const MEMBER_STATES = new Set(['BE', 'DE']);

function monthsBetween(from: string, to: string): number {
  const months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
  return Number(to.slice(8, 10)) < Number(from.slice(8, 10)) ? months - 1 : months;
}

function monthsBand(returnedOn: string | null, asOf: string): string {
  if (returnedOn === null || returnedOn > asOf) return 'NOT_RETURNED';
  const months = monthsBetween(returnedOn, asOf);
  return months < 3 ? '0-2' : months < 6 ? '3-5' : months < 12 ? '6-11' : months < 24 ? '12-23' : '24+';
}

function ageBand(yearOfBirth: number | null, asOf: string): string {
  if (yearOfBirth === null) return 'UNKNOWN';
  const age = Number(asOf.slice(0, 4)) - yearOfBirth;
  return age < 18 ? '0-17' : age < 25 ? '18-24' : age < 35 ? '25-34' : age < 50 ? '35-49' : '50+';
}

/**
 * The record key: the first 32 bits of SHA-256 over the hub's secret and the reference. A keyed
 * hash as a pseudo-random function (never sent anywhere, so HMAC's extension resistance buys
 * nothing here); the one-shot hash costs a third of an HMAC per case (docs/BENCHMARKS.md).
 */
export function recordKey(secret: Buffer, ref: string): number {
  return parseInt(hash('sha256', `${secret.toString('hex')}\u0000${ref}`, 'hex').slice(0, 8), 16);
}

/** Where each subject sits in a contribution. */
function indexOf(subjects: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < subjects.length; i++) index.set(subjects[i]!, i);
  return index;
}

/**
 * Joins the contributions on the case index: a case the index does not hold is not counted, a
 * system's values for a case fill its part. As of `asOf` (YYYY-MM-DD).
 */
export function joinContributions(contributions: Contributions, secret: Buffer, asOf: string): CaseRecord[] {
  const prefix = `${secret.toString('hex')}\u0000`;
  const memberStates = contributions.memberStates.map((c) => ({ c, at: indexOf(c.subjects) }));
  const partners = contributions.partners.map((c) => ({ c, at: indexOf(c.subjects) }));
  const index = contributions.caseIndex;
  const records: CaseRecord[] = new Array(index.subjects.length);
  for (let i = 0; i < index.subjects.length; i++) {
    const ref = index.subjects[i]!;
    const returnedOn = index.returnedOn[i] ?? null;
    const returned = returnedOn !== null && returnedOn <= asOf;
    let yearOfBirth: number | null = null;
    let vulnerable: boolean | null = null;
    for (const { c, at } of memberStates) {
      const j = at.get(ref);
      if (j === undefined) continue;
      yearOfBirth = c.yearsOfBirth[j] ?? null;
      vulnerable = c.vulnerable[j] ?? null;
    }
    let followed: { c: PartnerColumns; j: number } | null = null;
    for (const { c, at } of partners) {
      const j = at.get(ref);
      if (j !== undefined) followed = { c, j };
    }
    const country = index.countriesOfOrigin[i]!;
    const memberState = index.owningMemberStates[i]!;
    const bands: Record<Dimension, string> = {
      COUNTRY_OF_ORIGIN: COUNTRIES.has(country) ? country : 'OTHER',
      MEMBER_STATE: MEMBER_STATES.has(memberState) ? memberState : 'OTHER',
      RETURN_TYPE: index.returnTypes[i]!,
      MONTHS_SINCE_RETURN: monthsBand(returnedOn, asOf),
      YEAR_OF_RETURN: returned ? String(Math.max(FIRST_YEAR, Number(returnedOn.slice(0, 4)))) : 'NOT_RETURNED',
      AGE_BAND: ageBand(yearOfBirth, asOf),
      VULNERABLE: vulnerable === true ? 'YES' : vulnerable === false ? 'NO' : 'NOT_ASSESSED',
    };
    let sustainability: CaseRecord['sustainability'] = null;
    if (followed) {
      const { c, j } = followed;
      const economic = c.economic[j] ?? null;
      const social = c.social[j] ?? null;
      const psychosocial = c.psychosocial[j] ?? null;
      if (economic !== null && social !== null && psychosocial !== null) sustainability = { economic, social, psychosocial };
    }
    records[i] = {
      key: parseInt(hash('sha256', prefix + ref, 'hex').slice(0, 8), 16),
      bands,
      returned,
      sustainability,
      assistance: followed ? followed.c.assistance[followed.j]! : null,
      visits: followed ? followed.c.visits[followed.j]! : null,
      stillInCountry: followed ? (followed.c.stillInCountry[followed.j] ?? null) : null,
    };
  }
  return records;
}
