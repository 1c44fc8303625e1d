/**
 * The simulated German return authority's case system ("Ausländerakte"): its own German-language
 * SQL model in schema `de_akten`, the synthetic data load, and the one read the subgraph makes.
 *
 * SYNTHETIC DATA ONLY. Every row is translated from the deterministic generator in the subgraph
 * kit; no record describes a real person.
 *
 * The native model deliberately differs from the common schema and from the Belgian one: local
 * file numbers, 'DD.MM.YYYY' text dates, 'J'/'N' text flags, countries by German name, ICAO
 * airports, ISO 639-2 languages and care needs as one ';'-separated text field.
 */
import countries from 'i18n-iso-countries';
import { insertRows, migrate, type Db } from '../../store/index.js';
import { countryName } from '../countries.js';
import { releasedBatchSelect, type ReleasedCategories, type ReleasedPart, type SyntheticCase } from '../kit/index.js';

export const COMPONENT = 'de-cases';

const MIGRATIONS = [
  {
    id: '001_akten',
    sql: `
      CREATE SCHEMA IF NOT EXISTS de_akten;
      CREATE TABLE de_akten.akte (
        aktenzeichen text PRIMARY KEY,
        eu_fallnummer text NOT NULL UNIQUE,
        angelegt_am text NOT NULL,
        herkunftsland text NOT NULL
      );
      CREATE TABLE de_akten.person (
        aktenzeichen text PRIMARY KEY REFERENCES de_akten.akte,
        nachname text NOT NULL,
        vornamen text NOT NULL,
        geburtsdatum text NOT NULL,
        geschlecht char(1) NOT NULL,
        staatsangehoerigkeit text NOT NULL,
        telefon text,
        email text,
        anschrift_herkunftsland text
      );
      CREATE TABLE de_akten.ausweisdokument (
        aktenzeichen text NOT NULL REFERENCES de_akten.akte,
        lfd_nr int NOT NULL,
        dokumentart text NOT NULL,
        dokumentnummer text NOT NULL,
        ausstellungsstaat text NOT NULL,
        gueltig_bis text,
        PRIMARY KEY (aktenzeichen, lfd_nr)
      );
      CREATE TABLE de_akten.beratungsgespraech (
        aktenzeichen text NOT NULL REFERENCES de_akten.akte,
        lfd_nr int NOT NULL,
        gespraech_am text NOT NULL,
        thema text NOT NULL,
        dolmetscher_sprache char(3),
        rueckkehr_zugestimmt char(1) NOT NULL,
        PRIMARY KEY (aktenzeichen, lfd_nr)
      );
      CREATE TABLE de_akten.vulnerabilitaet (
        aktenzeichen text PRIMARY KEY REFERENCES de_akten.akte,
        festgestellt_am text NOT NULL,
        unbegleitet_minderjaehrig char(1) NOT NULL,
        opfer_menschenhandel char(1) NOT NULL,
        behinderung char(1) NOT NULL,
        alleinerziehend char(1) NOT NULL
      );
      CREATE TABLE de_akten.gesundheit (
        aktenzeichen text PRIMARY KEY REFERENCES de_akten.akte,
        untersucht_am text NOT NULL,
        reisefaehig char(1) NOT NULL,
        versorgungsbedarf text,
        medikamentenvorrat_tage int
      );
      CREATE TABLE de_akten.rueckkehrentscheidung (
        aktenzeichen text PRIMARY KEY REFERENCES de_akten.akte,
        bescheid_vom text NOT NULL,
        ausreisefrist text,
        rechtsmittel_anhaengig char(1) NOT NULL
      );
      CREATE TABLE de_akten.asylverfahren (
        aktenzeichen text PRIMARY KEY REFERENCES de_akten.akte,
        antrag_am text NOT NULL,
        entscheidung text NOT NULL,
        entschieden_am text NOT NULL
      );
      CREATE TABLE de_akten.reise (
        aktenzeichen text PRIMARY KEY REFERENCES de_akten.akte,
        geplante_ausreise text NOT NULL,
        tatsaechliche_ausreise text,
        zielflughafen char(4) NOT NULL,
        begleitung_erforderlich char(1) NOT NULL
      );`,
  },
];

export async function migrateBackend(db: Db): Promise<void> {
  await migrate(db, COMPONENT, MIGRATIONS);
}

export async function isSeeded(db: Db): Promise<boolean> {
  const rows = await db.query<{ befuellt: boolean }>('SELECT EXISTS (SELECT 1 FROM de_akten.akte) AS befuellt');
  return rows[0]?.befuellt === true;
}

// --- Seeding: common → native. These tables are the "Sachbearbeiter's" encoding, kept apart
// from mapping.ts on purpose, so a wrong mapping table cannot silently round-trip in tests.

const GESCHLECHT = { FEMALE: 'w', MALE: 'm', UNSPECIFIED: 'd' } as const;
const DOKUMENTART = { PASSPORT: 'REISEPASS', NATIONAL_ID_CARD: 'PERSONALAUSWEIS', TRAVEL_DOCUMENT: 'REISEAUSWEIS' } as const;
const THEMA = {
  RETURN_OPTIONS: 'RUECKKEHROPTIONEN',
  REINTEGRATION_SUPPORT: 'REINTEGRATIONSHILFE',
  TRAVEL_PREPARATION: 'REISEVORBEREITUNG',
  HEALTH: 'GESUNDHEIT',
  FAMILY: 'FAMILIE',
} as const;
const SPRACHE: Record<string, string> = { ar: 'ara', en: 'eng', fr: 'fra', ur: 'urd', es: 'spa' };
const VERSORGUNGSBEDARF = {
  CHRONIC_MEDICATION: 'DAUERMEDIKATION',
  DIALYSIS: 'DIALYSE',
  MENTAL_HEALTH_FOLLOW_UP: 'PSYCHIATRISCHE_NACHSORGE',
  MATERNITY_CARE: 'SCHWANGERENVORSORGE',
  MOBILITY_SUPPORT: 'MOBILITAETSHILFE',
} as const;
const ENTSCHEIDUNG = { REJECTED: 'ABLEHNUNG', WITHDRAWN: 'RUECKNAHME', INADMISSIBLE: 'UNZULAESSIG' } as const;
const ICAO: Record<string, string> = {
  BGW: 'ORBI', EBL: 'ORER', LOS: 'DNMM', ABV: 'DNAA', ABJ: 'DIAP', CAI: 'HECA', ISB: 'OPIS', LHE: 'OPLA', BOG: 'SKBO',
};

/** ISO `YYYY-MM-DD` → German 'DD.MM.YYYY'. */
function deDate(iso: string): string;
function deDate(iso: string | null): string | null;
function deDate(iso: string | null): string | null {
  if (iso === null) return null;
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

const jn = (flag: boolean) => (flag ? 'J' : 'N');

function lookup(table: Record<string, string>, code: string, list: string): string {
  const value = table[code];
  if (!value) throw new Error(`synthetic case has a value the German code list "${list}" lacks`);
  return value;
}

/** The German file number: a running number from the case index, then the origin's ISO numeric code. */
export function aktenzeichen(c: SyntheticCase): string {
  const numeric = countries.alpha2ToNumeric(c.countryOfOrigin);
  if (!numeric) throw new Error('synthetic case has an unknown country of origin');
  return `${7_000_000 + c.index + 1}-${numeric}`;
}

/** Writes the German-owned cases of a chunk as native rows, one multi-row INSERT per table. */
export async function seed(db: Db, cases: readonly SyntheticCase[]): Promise<void> {
  const owned = cases.filter((c) => c.owningMemberState === 'DE');
  if (owned.length === 0) return;
  const t = {
    akte: [] as unknown[][],
    person: [] as unknown[][],
    ausweisdokument: [] as unknown[][],
    beratungsgespraech: [] as unknown[][],
    vulnerabilitaet: [] as unknown[][],
    gesundheit: [] as unknown[][],
    rueckkehrentscheidung: [] as unknown[][],
    asylverfahren: [] as unknown[][],
    reise: [] as unknown[][],
  };
  for (const c of owned) {
    const az = aktenzeichen(c);
    const p = c.person;
    t.akte.push([az, c.ref, deDate(c.openedOn), countryName(c.countryOfOrigin, 'de')]);
    t.person.push([az, p.familyName, p.givenNames, deDate(p.dateOfBirth), GESCHLECHT[p.sex], countryName(p.nationality, 'de'), p.contact.phone, p.contact.email, p.contact.addressInCountryOfOrigin]);
    p.documents.forEach((doc, i) =>
      t.ausweisdokument.push([az, i + 1, DOKUMENTART[doc.type], doc.number, countryName(doc.issuingCountry, 'de'), deDate(doc.validUntil)]),
    );
    c.counselling.forEach((session, i) =>
      t.beratungsgespraech.push([
        az,
        i + 1,
        deDate(session.date),
        THEMA[session.topic],
        session.interpreterLanguage === null ? null : lookup(SPRACHE, session.interpreterLanguage, 'dolmetscher_sprache'),
        jn(session.returnAccepted),
      ]),
    );
    const v = c.vulnerability;
    if (v) t.vulnerabilitaet.push([az, deDate(v.assessedOn), jn(v.unaccompaniedMinor), jn(v.victimOfTrafficking), jn(v.disability), jn(v.singleParent)]);
    const g = c.medical;
    if (g) {
      // The German system keeps care needs in one free-ish text field, ';'-separated, NULL when none.
      const bedarf = g.continuityOfCareNeeds.map((need) => VERSORGUNGSBEDARF[need]).join(';') || null;
      t.gesundheit.push([az, deDate(g.assessedOn), jn(g.fitToTravel), bedarf, g.medicationSupplyDays]);
    }
    const r = c.returnDecision;
    if (r) t.rueckkehrentscheidung.push([az, deDate(r.decidedOn), deDate(r.voluntaryDepartureDeadline), jn(r.appealPending)]);
    const a = c.asylumHistory;
    if (a) t.asylverfahren.push([az, deDate(a.lodgedOn), ENTSCHEIDUNG[a.outcome], deDate(a.decidedOn)]);
    const trip = c.travel;
    if (trip) {
      t.reise.push([az, deDate(trip.plannedDeparture), deDate(trip.actualDeparture), lookup(ICAO, trip.arrivalAirport, 'zielflughafen'), jn(trip.escortRequired)]);
    }
  }
  // No transaction of its own: the runner seeds each system in one (gateway/embedded.ts).
  await insertRows(db, 'de_akten.akte', ['aktenzeichen', 'eu_fallnummer', 'angelegt_am', 'herkunftsland'], t.akte);
  await insertRows(db, 'de_akten.person', ['aktenzeichen', 'nachname', 'vornamen', 'geburtsdatum', 'geschlecht', 'staatsangehoerigkeit', 'telefon', 'email', 'anschrift_herkunftsland'], t.person);
  await insertRows(db, 'de_akten.ausweisdokument', ['aktenzeichen', 'lfd_nr', 'dokumentart', 'dokumentnummer', 'ausstellungsstaat', 'gueltig_bis'], t.ausweisdokument);
  await insertRows(db, 'de_akten.beratungsgespraech', ['aktenzeichen', 'lfd_nr', 'gespraech_am', 'thema', 'dolmetscher_sprache', 'rueckkehr_zugestimmt'], t.beratungsgespraech);
  await insertRows(db, 'de_akten.vulnerabilitaet', ['aktenzeichen', 'festgestellt_am', 'unbegleitet_minderjaehrig', 'opfer_menschenhandel', 'behinderung', 'alleinerziehend'], t.vulnerabilitaet);
  await insertRows(db, 'de_akten.gesundheit', ['aktenzeichen', 'untersucht_am', 'reisefaehig', 'versorgungsbedarf', 'medikamentenvorrat_tage'], t.gesundheit);
  await insertRows(db, 'de_akten.rueckkehrentscheidung', ['aktenzeichen', 'bescheid_vom', 'ausreisefrist', 'rechtsmittel_anhaengig'], t.rueckkehrentscheidung);
  await insertRows(db, 'de_akten.asylverfahren', ['aktenzeichen', 'antrag_am', 'entscheidung', 'entschieden_am'], t.asylverfahren);
  await insertRows(db, 'de_akten.reise', ['aktenzeichen', 'geplante_ausreise', 'tatsaechliche_ausreise', 'zielflughafen', 'begleitung_erforderlich'], t.reise);
}

// --- Reading: the native rows of a set of files, exactly as the backend stores them.

export interface PersonRow {
  nachname: string;
  vornamen: string;
  geburtsdatum: string;
  geschlecht: string;
  staatsangehoerigkeit: string;
  telefon: string | null;
  email: string | null;
  anschrift_herkunftsland: string | null;
}
export interface AusweisdokumentRow {
  dokumentart: string;
  dokumentnummer: string;
  ausstellungsstaat: string;
  gueltig_bis: string | null;
}
export interface BeratungsgespraechRow {
  gespraech_am: string;
  thema: string;
  dolmetscher_sprache: string | null;
  rueckkehr_zugestimmt: string;
}
export interface VulnerabilitaetRow {
  festgestellt_am: string;
  unbegleitet_minderjaehrig: string;
  opfer_menschenhandel: string;
  behinderung: string;
  alleinerziehend: string;
}
export interface GesundheitRow {
  untersucht_am: string;
  reisefaehig: string;
  versorgungsbedarf: string | null;
  medikamentenvorrat_tage: number | null;
}
export interface RueckkehrentscheidungRow {
  bescheid_vom: string;
  ausreisefrist: string | null;
  rechtsmittel_anhaengig: string;
}
export interface AsylverfahrenRow {
  antrag_am: string;
  entscheidung: string;
  entschieden_am: string;
}
export interface ReiseRow {
  geplante_ausreise: string;
  tatsaechliche_ausreise: string | null;
  zielflughafen: string;
  begleitung_erforderlich: string;
}

/** A whole file as one row: the 1:1 parts as JSON objects, the 1:n parts as JSON arrays. */
export interface AkteRow {
  aktenzeichen: string;
  eu_fallnummer: string;
  person: PersonRow | null;
  ausweise: AusweisdokumentRow[];
  beratungen: BeratungsgespraechRow[];
  vulnerabilitaet: VulnerabilitaetRow | null;
  gesundheit: GesundheitRow | null;
  rueckkehrentscheidung: RueckkehrentscheidungRow | null;
  asylverfahren: AsylverfahrenRow | null;
  reise: ReiseRow | null;
}

// One statement for any number of files: correlated subqueries instead of one query per part.
/**
 * Each part of a file and the category its fields carry (schema/member-state.graphql): a part is
 * selected only when its category is released, else it comes back empty without being read.
 * The person's contact columns are CONTACT within the IDENTITY part.
 */
const PARTS: readonly ReleasedPart<AkteRow>[] = [
  {
    category: 'IDENTITY',
    as: 'person',
    sql: `(SELECT json_build_object('nachname', p.nachname, 'vornamen', p.vornamen, 'geburtsdatum', p.geburtsdatum, 'geschlecht', p.geschlecht,
            'staatsangehoerigkeit', p.staatsangehoerigkeit, 'telefon', %CONTACT(p.telefon), 'email', %CONTACT(p.email),
            'anschrift_herkunftsland', %CONTACT(p.anschrift_herkunftsland))
          FROM de_akten.person p WHERE p.aktenzeichen = a.aktenzeichen)`,
    empty: 'NULL::json',
  },
  { category: 'IDENTITY', as: 'ausweise', sql: `(SELECT coalesce(json_agg(d ORDER BY d.lfd_nr), '[]'::json) FROM de_akten.ausweisdokument d WHERE d.aktenzeichen = a.aktenzeichen)`, empty: `'[]'::json` },
  { category: 'COUNSELLING', as: 'beratungen', sql: `(SELECT coalesce(json_agg(b ORDER BY b.lfd_nr), '[]'::json) FROM de_akten.beratungsgespraech b WHERE b.aktenzeichen = a.aktenzeichen)`, empty: `'[]'::json` },
  { category: 'VULNERABILITY', as: 'vulnerabilitaet', sql: `(SELECT row_to_json(v) FROM de_akten.vulnerabilitaet v WHERE v.aktenzeichen = a.aktenzeichen)`, empty: 'NULL::json' },
  { category: 'HEALTH', as: 'gesundheit', sql: `(SELECT row_to_json(g) FROM de_akten.gesundheit g WHERE g.aktenzeichen = a.aktenzeichen)`, empty: 'NULL::json' },
  { category: 'RETURN_DECISION', as: 'rueckkehrentscheidung', sql: `(SELECT row_to_json(r) FROM de_akten.rueckkehrentscheidung r WHERE r.aktenzeichen = a.aktenzeichen)`, empty: 'NULL::json' },
  { category: 'ASYLUM_HISTORY', as: 'asylverfahren', sql: `(SELECT row_to_json(s) FROM de_akten.asylverfahren s WHERE s.aktenzeichen = a.aktenzeichen)`, empty: 'NULL::json' },
  { category: 'TRAVEL', as: 'reise', sql: `(SELECT row_to_json(t) FROM de_akten.reise t WHERE t.aktenzeichen = a.aktenzeichen)`, empty: 'NULL::json' },
];

/**
 * One statement for any number of files (correlated subqueries instead of one query per part),
 * reading each part only for the files whose case releases its category (the kit's
 * `releasedBatchSelect`), however the batch's cases differ. The file's keys are always read:
 * they say whether the system holds the file at all.
 */
export function selectAktenSql(euFallnummern: readonly string[], released: ReleasedCategories): { sql: string; parameters: unknown[] } {
  return releasedBatchSelect({ keys: 'a.aktenzeichen, a.eu_fallnummer', from: 'de_akten.akte a', caseColumn: 'a.eu_fallnummer', parts: PARTS }, euFallnummern, released);
}

export function selectAkten(db: Db, euFallnummern: readonly string[], released: ReleasedCategories): Promise<AkteRow[]> {
  const { sql, parameters } = selectAktenSql(euFallnummern, released);
  return db.query<AkteRow>(sql, parameters);
}

export async function ping(db: Db): Promise<void> {
  await db.query('SELECT 1');
}
