/**
 * RIAT native records → the common `ReintegrationPlan`. RIAT keeps money in euro cents, dates as
 * timestamps, needs and beneficiary categories as short codes; the common model wants whole euro,
 * calendar dates and enums. Every failure is a `MappingError` naming the field or code list, never
 * the value, so a drifted code list is visible to operators without leaking personal data.
 */
import { MappingError, codeList, nativeDate } from '../kit/index.js';
import type { BeneficiaryCategory, ReintegrationNeed } from '../kit/synthetic.js';

/** RIAT's beneficiary category codes. The seed inverts this table, so there is one source of truth. */
export const RIAT_CATEGORY_CODES: Readonly<Record<string, BeneficiaryCategory>> = { A: 'ADULT', M: 'MINOR', F: 'FAMILY' };

/** RIAT's need codes (economic, housing, education, vocational, medical, psychosocial). */
export const RIAT_NEED_CODES: Readonly<Record<string, ReintegrationNeed>> = {
  ECO: 'BUSINESS',
  HOU: 'HOUSING',
  EDU: 'EDUCATION',
  VOC: 'VOCATIONAL_TRAINING',
  MED: 'MEDICAL',
  PSY: 'PSYCHOSOCIAL',
};

const category = codeList('RIAT beneficiary category', RIAT_CATEGORY_CODES);
const need = codeList('RIAT need', RIAT_NEED_CODES);

/** One row of the batch query: a beneficiary with its plan and, when recorded, its post-arrival support. */
export interface RiatPlanRow {
  eu_case_reference: string;
  riat_id: string;
  category_code: string | null;
  approved_at: Date | string | null;
  duration_months: number | null;
  budget_cap_cents: number | null;
  committed_cents: number | null;
  need_codes: string[] | null;
  partner_assigned_at: Date | string | null;
  has_support: boolean;
  airport_pickup: boolean | null;
  shelter_nights: number | null;
  cash_on_arrival_cents: number | null;
  delivered_at: Date | string | null;
}

export interface ReintegrationPlan {
  planReference: string;
  approvedOn: string;
  durationMonths: number;
  beneficiaryCategory: BeneficiaryCategory;
  budget: { capEuro: number; committedEuro: number };
  needs: ReintegrationNeed[];
  partnerAssignedOn: string;
  postArrivalPackage: {
    airportReception: boolean;
    temporaryAccommodationNights: number;
    cashOnArrivalEuro: number;
    deliveredOn: string | null;
  } | null;
}

function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new MappingError(`${field}: missing in RIAT record`);
  return value;
}

/** A RIAT timestamp → the calendar date of its UTC day (RIAT records events at office time). */
function utcDay(value: Date | string | null, field: string): string | null {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new MappingError(`${field}: not a valid timestamp`);
    return value.toISOString().slice(0, 10);
  }
  return nativeDate(value, 'ISO_DATETIME', field);
}

/**
 * Cents → whole euro. The common model has no cents; RIAT amounts are whole euro in practice, and
 * rounding to the nearest euro is the programme's own reporting convention for anything else.
 */
function euro(cents: number | null, field: string): number {
  const value = required(cents, field);
  if (!Number.isSafeInteger(value)) throw new MappingError(`${field}: not a whole number of cents`);
  return Math.round(value / 100);
}

function count(value: number | null, field: string): number {
  const n = required(value, field);
  if (!Number.isInteger(n) || n < 0) throw new MappingError(`${field}: not a non-negative integer`);
  return n;
}

export function mapPlan(row: RiatPlanRow): ReintegrationPlan {
  return {
    planReference: row.riat_id,
    approvedOn: required(utcDay(row.approved_at, 'reintegration_plan.approved_at'), 'reintegration_plan.approved_at'),
    durationMonths: count(row.duration_months, 'reintegration_plan.duration_months'),
    beneficiaryCategory: required(category(row.category_code), 'beneficiary.category_code'),
    budget: {
      capEuro: euro(row.budget_cap_cents, 'reintegration_plan.budget_cap_cents'),
      committedEuro: euro(row.committed_cents, 'reintegration_plan.committed_cents'),
    },
    needs: required(row.need_codes, 'reintegration_plan.need_codes').map((code) =>
      required(need(code), 'reintegration_plan.need_codes'),
    ),
    partnerAssignedOn: required(utcDay(row.partner_assigned_at, 'reintegration_plan.partner_assigned_at'), 'reintegration_plan.partner_assigned_at'),
    postArrivalPackage: row.has_support
      ? {
          airportReception: required(row.airport_pickup, 'post_arrival_support.airport_pickup'),
          temporaryAccommodationNights: count(row.shelter_nights, 'post_arrival_support.shelter_nights'),
          cashOnArrivalEuro: euro(row.cash_on_arrival_cents, 'post_arrival_support.cash_on_arrival_cents'),
          deliveredOn: utcDay(row.delivered_at, 'post_arrival_support.delivered_at'),
        }
      : null,
  };
}
