/**
 * The hub-side join: each system's contribution, checked, joined by case into CaseRecords that
 * live for one request. The case reference is used only as the join key and, through a keyed
 * hash, as the record key of the cell-key method; it is in no record and in nothing released.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { ASSISTANCE_KINDS, FIRST_YEAR, type AssistanceKind, type CaseRecord, type Dimension } from './tables.js';

const Ref = z.string().min(1).max(64);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Score = z.number().min(0).max(1);

/** What the case index (central) contributes: the dimensions every case has. */
export const CaseIndexRow = z.strictObject({
  ref: Ref,
  owningMemberState: z.string().length(2),
  countryOfOrigin: z.string().length(2),
  returnType: z.enum(['ASSISTED_VOLUNTARY', 'VOLUNTARY_DEPARTURE', 'ENFORCED']),
  returnedOn: IsoDate.nullable(),
});

/** What a Member State's case system contributes: year of birth only (not the date) and whether any vulnerability was assessed. */
export const MemberStateRow = z.strictObject({
  ref: Ref,
  yearOfBirth: z.number().int().min(1900).max(2100).nullable(),
  vulnerable: z.boolean().nullable(),
});

/** What a reintegration partner's system contributes: indicator values, no dates, no amounts. */
export const PartnerRow = z.strictObject({
  ref: Ref,
  economic: Score.nullable(),
  social: Score.nullable(),
  psychosocial: Score.nullable(),
  assistance: z.array(z.enum(ASSISTANCE_KINDS)).max(ASSISTANCE_KINDS.length),
  visits: z.number().int().min(0).max(1000),
  stillInCountry: z.boolean().nullable(),
});

export type CaseIndexRow = z.infer<typeof CaseIndexRow>;
export type MemberStateRow = z.infer<typeof MemberStateRow>;
export type PartnerRow = z.infer<typeof PartnerRow>;

export interface Contributions {
  caseIndex: readonly CaseIndexRow[];
  memberStates: readonly MemberStateRow[];
  partners: readonly PartnerRow[];
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

/** The record key: the first 32 bits of a keyed hash of the reference (the key never leaves the hub). */
export function recordKey(secret: Buffer, ref: string): number {
  return createHmac('sha256', secret).update(ref).digest().readUInt32BE(0);
}

/**
 * Joins the contributions on the case index: a case the index does not hold is not counted, a
 * system's value for it fills its part. Cases are returned as of `asOf` (YYYY-MM-DD).
 */
export function joinContributions(contributions: Contributions, secret: Buffer, asOf: string): CaseRecord[] {
  const memberState = new Map(contributions.memberStates.map((row) => [row.ref, row]));
  const partner = new Map(contributions.partners.map((row) => [row.ref, row]));
  const records: CaseRecord[] = [];
  for (const index of contributions.caseIndex) {
    const returned = index.returnedOn !== null && index.returnedOn <= asOf;
    const file = memberState.get(index.ref);
    const followed = partner.get(index.ref);
    const year = returned ? Math.max(FIRST_YEAR, Number(index.returnedOn!.slice(0, 4))) : null;
    const bands: Record<Dimension, string> = {
      COUNTRY_OF_ORIGIN: COUNTRIES.has(index.countryOfOrigin) ? index.countryOfOrigin : 'OTHER',
      MEMBER_STATE: MEMBER_STATES.has(index.owningMemberState) ? index.owningMemberState : 'OTHER',
      RETURN_TYPE: index.returnType,
      MONTHS_SINCE_RETURN: monthsBand(index.returnedOn, asOf),
      YEAR_OF_RETURN: year === null ? 'NOT_RETURNED' : String(year),
      AGE_BAND: ageBand(file?.yearOfBirth ?? null, asOf),
      VULNERABLE: file?.vulnerable === true ? 'YES' : file?.vulnerable === false ? 'NO' : 'NOT_ASSESSED',
    };
    const scores = followed && followed.economic !== null && followed.social !== null && followed.psychosocial !== null ? { economic: followed.economic, social: followed.social, psychosocial: followed.psychosocial } : null;
    records.push({
      key: recordKey(secret, index.ref),
      bands,
      returned,
      sustainability: scores,
      assistance: followed ? (followed.assistance as AssistanceKind[]) : null,
      visits: followed ? followed.visits : null,
      stillInCountry: followed ? followed.stillInCountry : null,
    });
  }
  return records;
}
