/**
 * NRM native records → the common `Referral`. The NRM writes slips with its own service and
 * status codes, the referral time as `YYYY-MM-DD HH24:MI` text in Lagos local time, and the
 * closure day as `DD/MM/YYYY` text. Every failure is a `MappingError` naming the column or code
 * list, never the value, so a drifted code list is visible without personal data in a log.
 */
import { isIsoDate } from '@continuum/contract';
import { MappingError, codeList, nativeDate } from '@continuum/subgraph-kit';
import type { PublicService, ReferralStatus } from './synthetic.js';

/** The NRM's service codes. The seed inverts this table, so there is one source of truth. */
export const NRM_SERVICE_CODES: Readonly<Record<string, PublicService>> = {
  HLT: 'HEALTH',
  EDU: 'EDUCATION',
  EMP: 'EMPLOYMENT',
  SPR: 'SOCIAL_PROTECTION',
  PSS: 'PSYCHOSOCIAL_SUPPORT',
  HSG: 'HOUSING',
};

/** The NRM's slip status codes: pending, accepted by the provider, completed, declined. */
export const NRM_STATUS_CODES: Readonly<Record<string, ReferralStatus>> = { P: 'PENDING', A: 'ACCEPTED', C: 'COMPLETED', D: 'DECLINED' };

const CLOSED: ReadonlySet<ReferralStatus> = new Set(['COMPLETED', 'DECLINED']);

const service = codeList('NRM service', NRM_SERVICE_CODES);
const status = codeList('NRM referral status', NRM_STATUS_CODES);

/**
 * One row of the batch query: a registered returnee, and one of their slips when they have any
 * (slip columns are all null for a returnee without referrals).
 */
export interface NrmReferralRow {
  eu_case_no: string;
  slip_no: string | null;
  service_code: string | null;
  referred_on: string | null;
  provider_name: string | null;
  status_code: string | null;
  closed_on: string | null;
}

export interface Referral {
  reference: string;
  service: PublicService;
  referredOn: string;
  provider: string;
  status: ReferralStatus;
  outcomeOn: string | null;
}

function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined || value === '') throw new MappingError(`${field}: missing in NRM record`);
  return value;
}

const SLIP_TIME = /^(?<day>\d{4}-\d{2}-\d{2}) (?:[01]\d|2[0-3]):[0-5]\d$/;

/**
 * `YYYY-MM-DD HH24:MI` in Lagos local time → the calendar day written on the slip. The common
 * `referredOn` is the day the referral was made where it was made (Lagos, WAT = UTC+1 all year),
 * so a referral at 00:30 keeps its Lagos day although it was still the previous day in UTC.
 */
export function slipDay(value: string | null, field: string): string {
  const day = SLIP_TIME.exec(required(value, field))?.groups?.day;
  if (day === undefined || !isIsoDate(day)) throw new MappingError(`${field}: not a valid date-time in format YYYY-MM-DD HH24:MI`);
  return day;
}

/** Maps one slip row; the row must carry a slip (see `mapReferrals`). */
export function mapReferral(row: NrmReferralRow): Referral {
  const mappedStatus = required(status(row.status_code), 'referral_slip.status_code');
  const outcomeOn = nativeDate(row.closed_on, 'DD/MM/YYYY', 'referral_slip.closed_on');
  // A closed slip without its closure day, or an open one with it, is a record to fix, not to guess.
  if (CLOSED.has(mappedStatus) !== (outcomeOn !== null)) {
    throw new MappingError('referral_slip.closed_on: inconsistent with referral_slip.status_code');
  }
  return {
    reference: required(row.slip_no, 'referral_slip.slip_no'),
    service: required(service(row.service_code), 'referral_slip.service_code'),
    referredOn: slipDay(row.referred_on, 'referral_slip.referred_on'),
    provider: required(row.provider_name, 'referral_slip.provider_name'),
    status: mappedStatus,
    outcomeOn,
  };
}

/**
 * The rows of one case → its referrals: `null` when the NRM has no file on the case (no rows),
 * `[]` when the returnee is registered but has not been referred yet (one row without a slip).
 */
export function mapReferrals(rows: readonly NrmReferralRow[] | null): Referral[] | null {
  if (rows === null || rows.length === 0) return null;
  return rows.filter((row) => row.slip_no !== null).map(mapReferral);
}
