/**
 * The simulated Belgian return authority's case system: its own French-language SQL model in
 * schema `be_dossiers`, the synthetic data load, and the one read the subgraph makes.
 *
 * SYNTHETIC DATA ONLY. Every row is translated from the deterministic generator in the subgraph
 * kit; no record describes a real person.
 *
 * The native model deliberately differs from the common schema (French names, local file
 * numbers, 'DD/MM/YYYY' text dates, ISO alpha-3 countries, French code lists), so that the
 * mapping in `mapping.ts` is real work, as it would be against a national system.
 */
import countries from 'i18n-iso-countries';
import { insertRows, migrate, type Db } from '../../store/index.js';
import { releasedBatchSelect, type ReleasedCategories, type ReleasedPart, type SyntheticCase } from '../kit/index.js';

export const COMPONENT = 'be-cases';

const MIGRATIONS = [
  {
    id: '001_dossiers',
    sql: `
      CREATE SCHEMA IF NOT EXISTS be_dossiers;
      CREATE TABLE be_dossiers.dossier (
        numero_dossier text PRIMARY KEY,
        ref_ue text NOT NULL UNIQUE,
        date_ouverture text NOT NULL
      );
      CREATE TABLE be_dossiers.personne (
        numero_dossier text PRIMARY KEY REFERENCES be_dossiers.dossier,
        nom text NOT NULL,
        prenoms text NOT NULL,
        date_naissance text NOT NULL,
        sexe text NOT NULL,
        nationalite char(3) NOT NULL,
        telephone text,
        courriel text,
        adresse_pays_origine text
      );
      CREATE TABLE be_dossiers.document_identite (
        numero_dossier text NOT NULL REFERENCES be_dossiers.dossier,
        rang int NOT NULL,
        type_document text NOT NULL,
        numero_document text NOT NULL,
        pays_emission char(3) NOT NULL,
        valide_jusqu_au text,
        PRIMARY KEY (numero_dossier, rang)
      );
      CREATE TABLE be_dossiers.entretien (
        numero_dossier text NOT NULL REFERENCES be_dossiers.dossier,
        rang int NOT NULL,
        date_entretien text NOT NULL,
        sujet text NOT NULL,
        langue_interprete text,
        retour_accepte boolean NOT NULL,
        PRIMARY KEY (numero_dossier, rang)
      );
      CREATE TABLE be_dossiers.evaluation_vulnerabilite (
        numero_dossier text PRIMARY KEY REFERENCES be_dossiers.dossier,
        date_evaluation text NOT NULL,
        mineur_non_accompagne boolean NOT NULL,
        victime_traite boolean NOT NULL,
        handicap boolean NOT NULL,
        parent_isole boolean NOT NULL
      );
      CREATE TABLE be_dossiers.info_medicale (
        numero_dossier text PRIMARY KEY REFERENCES be_dossiers.dossier,
        date_evaluation text NOT NULL,
        apte_au_voyage boolean NOT NULL,
        besoins_soins text[] NOT NULL DEFAULT '{}',
        jours_medication int
      );
      CREATE TABLE be_dossiers.decision_retour (
        numero_dossier text PRIMARY KEY REFERENCES be_dossiers.dossier,
        date_decision text NOT NULL,
        delai_depart_volontaire text,
        recours_pendant boolean NOT NULL
      );
      CREATE TABLE be_dossiers.historique_asile (
        numero_dossier text PRIMARY KEY REFERENCES be_dossiers.dossier,
        date_introduction text NOT NULL,
        issue text NOT NULL,
        date_decision text NOT NULL
      );
      CREATE TABLE be_dossiers.voyage (
        numero_dossier text PRIMARY KEY REFERENCES be_dossiers.dossier,
        depart_prevu text NOT NULL,
        depart_effectif text,
        aeroport_arrivee char(3) NOT NULL,
        escorte_requise boolean NOT NULL
      );`,
  },
];

export async function migrateBackend(db: Db): Promise<void> {
  await migrate(db, COMPONENT, MIGRATIONS);
}

export async function isSeeded(db: Db): Promise<boolean> {
  const rows = await db.query<{ seeded: boolean }>('SELECT EXISTS (SELECT 1 FROM be_dossiers.dossier) AS seeded');
  return rows[0]?.seeded === true;
}

// --- Seeding: common → native. These tables are the "national clerk's" encoding, kept apart
// from mapping.ts on purpose, so a wrong mapping table cannot silently round-trip in tests.

const SEXE = { FEMALE: 'F', MALE: 'M', UNSPECIFIED: 'X' } as const;
const TYPE_DOCUMENT = { PASSPORT: 'PASSEPORT', NATIONAL_ID_CARD: 'CARTE_IDENTITE', TRAVEL_DOCUMENT: 'TITRE_VOYAGE' } as const;
const SUJET = {
  RETURN_OPTIONS: 'OPTIONS_RETOUR',
  REINTEGRATION_SUPPORT: 'SOUTIEN_REINTEGRATION',
  TRAVEL_PREPARATION: 'PREPARATION_VOYAGE',
  HEALTH: 'SANTE',
  FAMILY: 'FAMILLE',
} as const;
const LANGUE: Record<string, string> = { ar: 'ARABE', en: 'ANGLAIS', fr: 'FRANCAIS', ur: 'OURDOU', es: 'ESPAGNOL' };
const BESOIN_SOINS = {
  CHRONIC_MEDICATION: 'MEDICATION_CHRONIQUE',
  DIALYSIS: 'DIALYSE',
  MENTAL_HEALTH_FOLLOW_UP: 'SUIVI_SANTE_MENTALE',
  MATERNITY_CARE: 'SOINS_MATERNITE',
  MOBILITY_SUPPORT: 'AIDE_MOBILITE',
} as const;
const ISSUE_ASILE = { REJECTED: 'REJET', WITHDRAWN: 'DESISTEMENT', INADMISSIBLE: 'IRRECEVABLE' } as const;

/** ISO `YYYY-MM-DD` → Belgian 'DD/MM/YYYY'. */
function frDate(iso: string): string;
function frDate(iso: string | null): string | null;
function frDate(iso: string | null): string | null {
  if (iso === null) return null;
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

function alpha3(alpha2: string): string {
  const code = countries.alpha2ToAlpha3(alpha2);
  if (!code) throw new Error('synthetic case has an unknown country code');
  return code;
}

function langue(code: string | null): string | null {
  if (code === null) return null;
  const name = LANGUE[code];
  if (!name) throw new Error('synthetic case has an interpreter language the Belgian code list lacks');
  return name;
}

/** The Belgian file number: year the file was opened, then a sequence from the case index. */
export function numeroDossier(c: SyntheticCase): string {
  return `BE/${c.openedOn.slice(0, 4)}/${String(c.index + 1).padStart(6, '0')}`;
}

/** Writes the Belgian-owned cases of a chunk as native rows, one multi-row INSERT per table. */
export async function seed(db: Db, cases: readonly SyntheticCase[]): Promise<void> {
  const owned = cases.filter((c) => c.owningMemberState === 'BE');
  if (owned.length === 0) return;
  const t = {
    dossier: [] as unknown[][],
    personne: [] as unknown[][],
    document_identite: [] as unknown[][],
    entretien: [] as unknown[][],
    evaluation_vulnerabilite: [] as unknown[][],
    info_medicale: [] as unknown[][],
    decision_retour: [] as unknown[][],
    historique_asile: [] as unknown[][],
    voyage: [] as unknown[][],
  };
  for (const c of owned) {
    const n = numeroDossier(c);
    const p = c.person;
    t.dossier.push([n, c.ref, frDate(c.openedOn)]);
    t.personne.push([n, p.familyName, p.givenNames, frDate(p.dateOfBirth), SEXE[p.sex], alpha3(p.nationality), p.contact.phone, p.contact.email, p.contact.addressInCountryOfOrigin]);
    p.documents.forEach((doc, rang) =>
      t.document_identite.push([n, rang, TYPE_DOCUMENT[doc.type], doc.number, alpha3(doc.issuingCountry), frDate(doc.validUntil)]),
    );
    c.counselling.forEach((session, rang) =>
      t.entretien.push([n, rang, frDate(session.date), SUJET[session.topic], langue(session.interpreterLanguage), session.returnAccepted]),
    );
    const v = c.vulnerability;
    if (v) t.evaluation_vulnerabilite.push([n, frDate(v.assessedOn), v.unaccompaniedMinor, v.victimOfTrafficking, v.disability, v.singleParent]);
    const m = c.medical;
    if (m) t.info_medicale.push([n, frDate(m.assessedOn), m.fitToTravel, m.continuityOfCareNeeds.map((need) => BESOIN_SOINS[need]), m.medicationSupplyDays]);
    const r = c.returnDecision;
    if (r) t.decision_retour.push([n, frDate(r.decidedOn), frDate(r.voluntaryDepartureDeadline), r.appealPending]);
    const a = c.asylumHistory;
    if (a) t.historique_asile.push([n, frDate(a.lodgedOn), ISSUE_ASILE[a.outcome], frDate(a.decidedOn)]);
    const trip = c.travel;
    if (trip) t.voyage.push([n, frDate(trip.plannedDeparture), frDate(trip.actualDeparture), trip.arrivalAirport, trip.escortRequired]);
  }
  // No transaction of its own: the runner seeds each system in one (gateway/embedded.ts).
  await insertRows(db, 'be_dossiers.dossier', ['numero_dossier', 'ref_ue', 'date_ouverture'], t.dossier);
  await insertRows(db, 'be_dossiers.personne', ['numero_dossier', 'nom', 'prenoms', 'date_naissance', 'sexe', 'nationalite', 'telephone', 'courriel', 'adresse_pays_origine'], t.personne);
  await insertRows(db, 'be_dossiers.document_identite', ['numero_dossier', 'rang', 'type_document', 'numero_document', 'pays_emission', 'valide_jusqu_au'], t.document_identite);
  await insertRows(db, 'be_dossiers.entretien', ['numero_dossier', 'rang', 'date_entretien', 'sujet', 'langue_interprete', 'retour_accepte'], t.entretien);
  await insertRows(db, 'be_dossiers.evaluation_vulnerabilite', ['numero_dossier', 'date_evaluation', 'mineur_non_accompagne', 'victime_traite', 'handicap', 'parent_isole'], t.evaluation_vulnerabilite);
  await insertRows(db, 'be_dossiers.info_medicale', ['numero_dossier', 'date_evaluation', 'apte_au_voyage', 'besoins_soins', 'jours_medication'], t.info_medicale);
  await insertRows(db, 'be_dossiers.decision_retour', ['numero_dossier', 'date_decision', 'delai_depart_volontaire', 'recours_pendant'], t.decision_retour);
  await insertRows(db, 'be_dossiers.historique_asile', ['numero_dossier', 'date_introduction', 'issue', 'date_decision'], t.historique_asile);
  await insertRows(db, 'be_dossiers.voyage', ['numero_dossier', 'depart_prevu', 'depart_effectif', 'aeroport_arrivee', 'escorte_requise'], t.voyage);
}

// --- Reading: the native rows of a set of files, exactly as the backend stores them.

export interface PersonneRow {
  nom: string;
  prenoms: string;
  date_naissance: string;
  sexe: string;
  nationalite: string;
  telephone: string | null;
  courriel: string | null;
  adresse_pays_origine: string | null;
}
export interface DocumentIdentiteRow {
  type_document: string;
  numero_document: string;
  pays_emission: string;
  valide_jusqu_au: string | null;
}
export interface EntretienRow {
  date_entretien: string;
  sujet: string;
  langue_interprete: string | null;
  retour_accepte: boolean;
}
export interface EvaluationVulnerabiliteRow {
  date_evaluation: string;
  mineur_non_accompagne: boolean;
  victime_traite: boolean;
  handicap: boolean;
  parent_isole: boolean;
}
export interface InfoMedicaleRow {
  date_evaluation: string;
  apte_au_voyage: boolean;
  besoins_soins: string[];
  jours_medication: number | null;
}
export interface DecisionRetourRow {
  date_decision: string;
  delai_depart_volontaire: string | null;
  recours_pendant: boolean;
}
export interface HistoriqueAsileRow {
  date_introduction: string;
  issue: string;
  date_decision: string;
}
export interface VoyageRow {
  depart_prevu: string;
  depart_effectif: string | null;
  aeroport_arrivee: string;
  escorte_requise: boolean;
}

/** A whole file as one row: the 1:1 parts as JSON objects, the 1:n parts as JSON arrays. */
export interface DossierRow {
  numero_dossier: string;
  ref_ue: string;
  personne: PersonneRow | null;
  documents: DocumentIdentiteRow[];
  entretiens: EntretienRow[];
  vulnerabilite: EvaluationVulnerabiliteRow | null;
  medical: InfoMedicaleRow | null;
  decision: DecisionRetourRow | null;
  asile: HistoriqueAsileRow | null;
  voyage: VoyageRow | null;
}

/**
 * Each part of a file and the category its fields carry (schema/member-state.graphql): a part is
 * selected only when its category is released, else it comes back empty without being read.
 * The person's contact columns are CONTACT within the IDENTITY part.
 */
const PARTS: readonly ReleasedPart<DossierRow>[] = [
  {
    category: 'IDENTITY',
    as: 'personne',
    sql: `(SELECT json_build_object('nom', p.nom, 'prenoms', p.prenoms, 'date_naissance', p.date_naissance, 'sexe', p.sexe, 'nationalite', p.nationalite,
            'telephone', %CONTACT(p.telephone), 'courriel', %CONTACT(p.courriel), 'adresse_pays_origine', %CONTACT(p.adresse_pays_origine))
          FROM be_dossiers.personne p WHERE p.numero_dossier = d.numero_dossier)`,
    empty: 'NULL::json',
  },
  { category: 'IDENTITY', as: 'documents', sql: `(SELECT coalesce(json_agg(di ORDER BY di.rang), '[]'::json) FROM be_dossiers.document_identite di WHERE di.numero_dossier = d.numero_dossier)`, empty: `'[]'::json` },
  { category: 'COUNSELLING', as: 'entretiens', sql: `(SELECT coalesce(json_agg(e ORDER BY e.rang), '[]'::json) FROM be_dossiers.entretien e WHERE e.numero_dossier = d.numero_dossier)`, empty: `'[]'::json` },
  { category: 'VULNERABILITY', as: 'vulnerabilite', sql: `(SELECT row_to_json(v) FROM be_dossiers.evaluation_vulnerabilite v WHERE v.numero_dossier = d.numero_dossier)`, empty: 'NULL::json' },
  { category: 'HEALTH', as: 'medical', sql: `(SELECT row_to_json(m) FROM be_dossiers.info_medicale m WHERE m.numero_dossier = d.numero_dossier)`, empty: 'NULL::json' },
  { category: 'RETURN_DECISION', as: 'decision', sql: `(SELECT row_to_json(r) FROM be_dossiers.decision_retour r WHERE r.numero_dossier = d.numero_dossier)`, empty: 'NULL::json' },
  { category: 'ASYLUM_HISTORY', as: 'asile', sql: `(SELECT row_to_json(a) FROM be_dossiers.historique_asile a WHERE a.numero_dossier = d.numero_dossier)`, empty: 'NULL::json' },
  { category: 'TRAVEL', as: 'voyage', sql: `(SELECT row_to_json(t) FROM be_dossiers.voyage t WHERE t.numero_dossier = d.numero_dossier)`, empty: 'NULL::json' },
];

/**
 * One statement for any number of files (correlated subqueries instead of one query per part),
 * reading each part only for the files whose case releases its category (the kit's
 * `releasedBatchSelect`), however the batch's cases differ. The file's keys are always read:
 * they say whether the system holds the file at all.
 */
export function selectDossiersSql(refsUe: readonly string[], released: ReleasedCategories): { sql: string; parameters: unknown[] } {
  return releasedBatchSelect({ keys: 'd.numero_dossier, d.ref_ue', from: 'be_dossiers.dossier d', caseColumn: 'd.ref_ue', parts: PARTS }, refsUe, released);
}

export function selectDossiers(db: Db, refsUe: readonly string[], released: ReleasedCategories): Promise<DossierRow[]> {
  const { sql, parameters } = selectDossiersSql(refsUe, released);
  return db.query<DossierRow>(sql, parameters);
}

export async function ping(db: Db): Promise<void> {
  await db.query('SELECT 1');
}
