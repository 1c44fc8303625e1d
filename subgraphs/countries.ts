/**
 * Country codes and names as the hub's simulated national systems write them (alpha-3 codes,
 * names in German, English or French) mapped to the common schema's ISO 3166-1 alpha-2. The
 * hub's own, not the kit's: a partner maps its own code lists with the kit's `codeList` or a
 * library of its choice. Failures are the kit's `MappingError`, naming the field, never the value.
 */
import countries from 'i18n-iso-countries';
import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import { MappingError } from './kit/index.js';

countries.registerLocale(de);
countries.registerLocale(en);
countries.registerLocale(fr);

type Locale = 'de' | 'en' | 'fr';

/**
 * Each locale's names, lower-cased, to alpha-2: what `getAlpha2Code` finds by lower-casing and
 * comparing every name of the locale on every call (about 4 µs a look-up, 0.07 µs from the map;
 * a German system looks up every case it maps). The first code to list a name keeps it, as in
 * the library's scan; tests/subgraphs/countries.test.ts holds the two to the same answer.
 */
const byName = new Map<Locale, ReadonlyMap<string, string>>(
  (['de', 'en', 'fr'] as const).map((locale) => {
    const names = new Map<string, string>();
    for (const [alpha2, spellings] of Object.entries(countries.getNames(locale, { select: 'all' }))) {
      for (const name of spellings) {
        const key = name.toLowerCase();
        if (!names.has(key)) names.set(key, alpha2);
      }
    }
    return [locale, names];
  }),
);

/** ISO 3166-1 alpha-3 (e.g. IRQ) → alpha-2 (IQ). */
export function countryFromAlpha3(code: string | null | undefined, field: string): string | null {
  if (!code) return null;
  const alpha2 = countries.alpha3ToAlpha2(code.toUpperCase());
  if (!alpha2) throw new MappingError(`${field}: unknown ISO 3166-1 alpha-3 code`);
  return alpha2;
}

/** A country's name in a national language (e.g. German "Irak") → alpha-2 (IQ). */
export function countryFromName(name: string | null | undefined, locale: Locale, field: string): string | null {
  if (!name) return null;
  const alpha2 = byName.get(locale)?.get(name.toLowerCase());
  if (!alpha2) throw new MappingError(`${field}: unknown country name`);
  return alpha2;
}

export function countryName(alpha2: string, locale: Locale): string {
  const name = countries.getName(alpha2, locale, { select: 'official' });
  if (!name) throw new MappingError(`unknown country code`);
  return name;
}
