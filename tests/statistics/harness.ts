/**
 * Case records for the statistics units, built by hand (SYNTHETIC: no record describes a person).
 * Each test states the population it needs; the record keys come from the hub's keyed hash of an
 * invented reference, as in a real request.
 */
import { recordKey, type CaseRecord, type Dimension } from '../../statistics/index.js';

export const SECRET = Buffer.from('synthetic statistics test key, not a production secret');

const DEFAULT_BANDS: Record<Dimension, string> = {
  COUNTRY_OF_ORIGIN: 'IQ',
  MEMBER_STATE: 'BE',
  RETURN_TYPE: 'ASSISTED_VOLUNTARY',
  MONTHS_SINCE_RETURN: '6-11',
  YEAR_OF_RETURN: '2025',
  AGE_BAND: '25-34',
  VULNERABLE: 'NO',
};

let next = 0;

/** One returned person with sustainability scores, in the given bands. */
export function person(bands: Partial<Record<Dimension, string>> = {}, scores = 0.5, secret = SECRET): CaseRecord {
  const ref = `SYN-${String(next++).padStart(7, '0')}`;
  return {
    key: recordKey(secret, ref),
    bands: { ...DEFAULT_BANDS, ...bands },
    returned: true,
    sustainability: { economic: scores, social: scores, psychosocial: scores },
    assistance: ['BUSINESS'],
    visits: 2,
    stillInCountry: true,
  };
}

export function people(n: number, bands: Partial<Record<Dimension, string>> = {}, scores = 0.5, secret = SECRET): CaseRecord[] {
  return Array.from({ length: n }, () => person(bands, scores, secret));
}

export const AS_OF = '2026-06-01';
