/**
 * The German system's statistics contribution (docs/STATISTICS.md): for every file, the year of
 * birth (never the date) and whether a vulnerability assessment found any vulnerability. Only the
 * hub's statistics stage reads it: the field is @inaccessible, so no client can ask for it, and its
 * values are STATISTICS, released only when the gateway signed that category for the request.
 */
import type { Db } from '../../store/index.js';
import { MappingError, nativeDate } from '../kit/index.js';

export const DE_STATISTICS_SDL = `
"The German system's per-case statistics values, columnar (index i of each list is one case). Read by the hub's statistics stage only."
type GermanStatisticsContribution @inaccessible {
  subjects: [CaseRef!]! @personalData(category: STATISTICS)
  yearsOfBirth: [Int]! @personalData(category: STATISTICS)
  "true: some vulnerability found; false: assessed, none found; null: not assessed."
  vulnerable: [Boolean]! @personalData(category: STATISTICS)
}

type Query {
  germanCaseStatistics: GermanStatisticsContribution! @inaccessible
}
`;

interface Row {
  eu_fallnummer: string;
  geburtsdatum: string | null;
  flags: string | null;
}

/** 'J'/'N' flags, concatenated; any other letter is a mapping failure, as for the case file. */
function vulnerableOf(flags: string | null): boolean | null {
  if (flags === null) return null;
  if (!/^[JN]{4}$/.test(flags)) throw new MappingError('vulnerabilitaet: flag is neither J nor N');
  return flags.includes('J');
}

export async function germanContribution(db: Db) {
  const rows = await db.query<Row>(
    `SELECT a.eu_fallnummer, p.geburtsdatum,
            v.unbegleitet_minderjaehrig || v.opfer_menschenhandel || v.behinderung || v.alleinerziehend AS flags
     FROM de_akten.akte a
     LEFT JOIN de_akten.person p ON p.aktenzeichen = a.aktenzeichen
     LEFT JOIN de_akten.vulnerabilitaet v ON v.aktenzeichen = a.aktenzeichen
     ORDER BY a.eu_fallnummer`,
  );
  return {
    subjects: rows.map((r) => r.eu_fallnummer),
    yearsOfBirth: rows.map((r) => {
      const born = nativeDate(r.geburtsdatum, 'DD.MM.YYYY', 'person.geburtsdatum');
      return born === null ? null : Number(born.slice(0, 4));
    }),
    vulnerable: rows.map((r) => vulnerableOf(r.flags)),
  };
}
