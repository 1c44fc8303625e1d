/**
 * The contract's hand-written lists against their sources: the country codes it writes out (so
 * it depends on graphql alone) are the ones i18n-iso-countries knows.
 */
import countries from 'i18n-iso-countries';
import { describe, expect, test } from 'vitest';
import { COUNTRY_CODES, isCountryCode } from '../../contract/index.js';

describe('the contract vocabulary', () => {
  test('lists exactly the alpha-2 codes i18n-iso-countries knows', () => {
    expect([...COUNTRY_CODES].sort()).toEqual(Object.keys(countries.getAlpha2Codes()).sort());
  });

  test('takes a country code only in upper case and only as alpha-2', () => {
    expect([isCountryCode('NG'), isCountryCode('ng'), isCountryCode('NGA'), isCountryCode('ZZ'), isCountryCode(566)]).toEqual([true, false, false, false, false]);
  });
});
