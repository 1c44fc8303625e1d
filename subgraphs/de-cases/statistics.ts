/**
 * The German system's statistics contribution (docs/STATISTICS.md): for every file, the year of
 * birth (never the date) and whether a vulnerability assessment found any vulnerability. Only the
 * hub's statistics stage reads it: the field is @inaccessible, so no client can ask for it, and its
 * values are STATISTICS, released only when the gateway signed that category for the request.
 */
import type { Db } from '../../store/index.js';
import { MappingError, nativeDate } from '../kit/index.js';

export const DE_STATISTICS_SDL = `
"The German system's per-case statistics values in the contribution wire format (docs/STATISTICS.md § Contributions). Read by the hub's statistics stage only."
type GermanStatisticsContribution @inaccessible {
  "Cases in rows."
  count: Int! @personalData(category: STATISTICS)
  "One case per ';'-separated line: subject,yearOfBirth,vulnerable — yearOfBirth empty when unknown; vulnerable t (some vulnerability found), f (assessed, none found) or empty (not assessed)."
  rows: String! @personalData(category: STATISTICS)
}

type Query {
  germanCaseStatistics: GermanStatisticsContribution! @inaccessible
}
`;

/** Unit and record separators: no reference, date or flag contains them. */
const UNIT = '\u001f';
const RECORD = '\u001e';

/** 'J'/'N' flags, concatenated; any other letter is a mapping failure, as for the case file. */
function vulnerableOf(flags: string): boolean | null {
  if (flags === '') return null;
  if (!/^[JN]{4}$/.test(flags)) throw new MappingError('vulnerabilitaet: flag is neither J nor N');
  return flags.includes('J');
}

/** Every file in ONE aggregated text value: PGlite hands over one string far faster than 100,000 rows. */
export async function germanContribution(db: Db) {
  const [row] = await db.query<{ rows: string | null }>(
    `SELECT string_agg(a.eu_fallnummer || chr(31) || coalesce(p.geburtsdatum, '') || chr(31) ||
              coalesce(v.unbegleitet_minderjaehrig || v.opfer_menschenhandel || v.behinderung || v.alleinerziehend, ''), chr(30)) AS rows
     FROM de_akten.akte a
     LEFT JOIN de_akten.person p ON p.aktenzeichen = a.aktenzeichen
     LEFT JOIN de_akten.vulnerabilitaet v ON v.aktenzeichen = a.aktenzeichen`,
  );
  const out: string[] = [];
  for (const line of row?.rows ? row.rows.split(RECORD) : []) {
    const [ref, born, flags] = line.split(UNIT) as [string, string, string];
    const date = nativeDate(born, 'DD.MM.YYYY', 'person.geburtsdatum');
    const vulnerable = vulnerableOf(flags);
    out.push(`${ref},${date === null ? '' : date.slice(0, 4)},${vulnerable === null ? '' : vulnerable ? 't' : 'f'}`);
  }
  return { count: out.length, rows: out.join(';') };
}
