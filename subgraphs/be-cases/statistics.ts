/**
 * The Belgian system's statistics contribution (docs/STATISTICS.md): for every file, the year of
 * birth (never the date) and whether a vulnerability assessment found any vulnerability. Only the
 * hub's statistics stage reads it: the field is @inaccessible, so no client can ask for it, and its
 * values are STATISTICS, released only when the gateway signed that category for the request.
 */
import type { Db } from '../../store/index.js';
import { nativeDate } from '../kit/index.js';

export const BE_STATISTICS_SDL = `
"The Belgian system's per-case statistics values, columnar (index i of each list is one case). Read by the hub's statistics stage only."
type BelgianStatisticsContribution @inaccessible {
  subjects: [CaseRef!]! @personalData(category: STATISTICS)
  yearsOfBirth: [Int]! @personalData(category: STATISTICS)
  "true: some vulnerability found; false: assessed, none found; null: not assessed."
  vulnerable: [Boolean]! @personalData(category: STATISTICS)
}

type Query {
  belgianCaseStatistics: BelgianStatisticsContribution! @inaccessible
}
`;

interface Row {
  ref_ue: string;
  date_naissance: string | null;
  vulnerable: boolean | null;
}

export async function belgianContribution(db: Db) {
  const rows = await db.query<Row>(
    `SELECT d.ref_ue, p.date_naissance,
            (v.mineur_non_accompagne OR v.victime_traite OR v.handicap OR v.parent_isole) AS vulnerable
     FROM be_dossiers.dossier d
     LEFT JOIN be_dossiers.personne p ON p.numero_dossier = d.numero_dossier
     LEFT JOIN be_dossiers.evaluation_vulnerabilite v ON v.numero_dossier = d.numero_dossier
     ORDER BY d.ref_ue`,
  );
  return {
    subjects: rows.map((r) => r.ref_ue),
    yearsOfBirth: rows.map((r) => {
      const born = nativeDate(r.date_naissance, 'DD/MM/YYYY', 'personne.date_naissance');
      return born === null ? null : Number(born.slice(0, 4));
    }),
    vulnerable: rows.map((r) => r.vulnerable),
  };
}
