/**
 * The simulated national systems' country mapping (subgraphs/countries.ts) answers a name exactly
 * as i18n-iso-countries' own look-up does, for every name the library knows in each locale the
 * systems write, in any letter case, and refuses what it does not know with a MappingError that
 * names the field, never the value.
 */
import countries from 'i18n-iso-countries';
import { describe, expect, test } from 'vitest';
import { countryFromName } from '../../subgraphs/countries.js';
import { MappingError } from '../../subgraphs/kit/index.js';

const LOCALES = ['de', 'en', 'fr'] as const;

describe('country names to ISO 3166-1 alpha-2', () => {
  test.each(LOCALES)('gives what getAlpha2Code gives for every %s name, in any case', (locale) => {
    // countryFromName registers the locales on import; the library then knows every name.
    const names = Object.values(countries.getNames(locale, { select: 'all' })).flat();
    expect(names.length).toBeGreaterThan(240);
    for (const name of names) {
      for (const spelling of [name, name.toUpperCase(), name.toLowerCase()]) {
        const expected = countries.getAlpha2Code(spelling, locale);
        // Upper-casing is not always undone by lower-casing ("ß" → "SS"): then neither knows it.
        if (expected === undefined) expect(() => countryFromName(spelling, locale, 'f')).toThrow(MappingError);
        else expect(countryFromName(spelling, locale, 'f')).toBe(expected);
      }
    }
  });

  test('reads the German names the Member State systems write', () => {
    expect([countryFromName('Irak', 'de', 'f'), countryFromName('Nigeria', 'de', 'f'), countryFromName('Vereinigte Staaten', 'de', 'f')]).toEqual(['IQ', 'NG', 'US']);
  });

  test('treats an absent name as absent', () => {
    expect([countryFromName(null, 'de', 'f'), countryFromName(undefined, 'de', 'f'), countryFromName('', 'de', 'f')]).toEqual([null, null, null]);
  });

  test('refuses an unknown name naming the field, not the value', () => {
    const error = (() => {
      try {
        countryFromName('Atlantis-Synthetisch', 'de', 'geburtsland');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(MappingError);
    expect((error as Error).message).toBe('geburtsland: unknown country name');
  });

  test('does not answer names inherited from Object.prototype', () => {
    expect(() => countryFromName('constructor', 'en', 'f')).toThrow(MappingError);
    expect(() => countryFromName('__proto__', 'en', 'f')).toThrow(MappingError);
  });
});
