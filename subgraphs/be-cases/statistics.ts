/**
 * The Belgian system's statistics contribution (docs/STATISTICS.md): for every file, the year of
 * birth (never the date) and whether a vulnerability assessment found any vulnerability. Only the
 * hub's statistics stage reads it: the field is @inaccessible, so no client can ask for it, and its
 * values are STATISTICS, released only when the gateway signed that category for the request.
 */
import type { Db } from '../../store/index.js';
import { nativeDate } from '../kit/index.js';

export const BE_STATISTICS_SDL = `
"The Belgian system's per-case statistics values in the contribution wire format (docs/STATISTICS.md § Contributions). Read by the hub's statistics stage only."
type BelgianStatisticsContribution @inaccessible {
  "Cases in rows."
  count: Int! @personalData(category: STATISTICS)
  "One case per ';'-separated line: subject,yearOfBirth,vulnerable — yearOfBirth empty when unknown; vulnerable t (some vulnerability found), f (assessed, none found) or empty (not assessed)."
  rows: String! @personalData(category: STATISTICS)
}

type Query {
  belgianCaseStatistics: BelgianStatisticsContribution! @inaccessible
}
`;

/** Unit and record separators: no reference, date or flag contains them. */
const UNIT = '\u001f';
const RECORD = '\u001e';

/** Every file in ONE aggregated text value: PGlite hands over one string far faster than 100,000 rows. */
export async function belgianContribution(db: Db) {
  const [row] = await db.query<{ rows: string | null }>(
    `SELECT string_agg(d.ref_ue || chr(31) || coalesce(p.date_naissance, '') || chr(31) ||
              coalesce((v.mineur_non_accompagne OR v.victime_traite OR v.handicap OR v.parent_isole)::text, ''), chr(30)) AS rows
     FROM be_dossiers.dossier d
     LEFT JOIN be_dossiers.personne p ON p.numero_dossier = d.numero_dossier
     LEFT JOIN be_dossiers.evaluation_vulnerabilite v ON v.numero_dossier = d.numero_dossier`,
  );
  const out: string[] = [];
  for (const line of row?.rows ? row.rows.split(RECORD) : []) {
    const [ref, born, found] = line.split(UNIT) as [string, string, string];
    const date = nativeDate(born, 'DD/MM/YYYY', 'personne.date_naissance');
    const vulnerable = found === '' ? null : found === 'true';
    out.push(`${ref},${date === null ? '' : date.slice(0, 4)},${vulnerable === null ? '' : vulnerable ? 't' : 'f'}`);
  }
  return { count: out.length, rows: out.join(';') };
}
