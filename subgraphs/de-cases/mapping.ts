/**
 * German native records → the common MemberStateFile model. This is the point of the subgraph:
 * German code lists, 'DD.MM.YYYY' dates, 'J'/'N' flags, countries by German name, ICAO airports
 * and ISO 639-2 languages become the shared vocabulary. Every failure is a MappingError naming
 * the field or code list, never the value, so that no personal data reaches an error or a log.
 */
import { countryFromName } from '../countries.js';
import { MappingError, codeList, nativeDate } from '../kit/index.js';
import type {
  AsylverfahrenRow,
  AusweisdokumentRow,
  BeratungsgespraechRow,
  GesundheitRow,
  PersonRow,
  ReiseRow,
  RueckkehrentscheidungRow,
  VulnerabilitaetRow,
} from './backend.js';
import type { IdentityDocument, Contact, Person, CounsellingSession, VulnerabilityAssessment, MedicalInformation, ReturnDecision, AsylumHistory, TravelArrangement } from '../kit/member-state.js';

export type { IdentityDocument, Contact, Person, CounsellingSession, VulnerabilityAssessment, MedicalInformation, ReturnDecision, AsylumHistory, TravelArrangement };

const geschlecht = codeList('geschlecht', { w: 'FEMALE', m: 'MALE', d: 'UNSPECIFIED' });
const dokumentart = codeList('dokumentart', {
  REISEPASS: 'PASSPORT',
  PERSONALAUSWEIS: 'NATIONAL_ID_CARD',
  REISEAUSWEIS: 'TRAVEL_DOCUMENT',
});
const thema = codeList('thema', {
  RUECKKEHROPTIONEN: 'RETURN_OPTIONS',
  REINTEGRATIONSHILFE: 'REINTEGRATION_SUPPORT',
  REISEVORBEREITUNG: 'TRAVEL_PREPARATION',
  GESUNDHEIT: 'HEALTH',
  FAMILIE: 'FAMILY',
});
// ISO 639-2/T (what the German system records) → ISO 639-1 (what the common model carries).
const dolmetscherSprache = codeList('dolmetscher_sprache', {
  ara: 'ar', eng: 'en', fra: 'fr', urd: 'ur', spa: 'es', fas: 'fa', kur: 'ku', pus: 'ps', tur: 'tr', rus: 'ru', tir: 'ti', som: 'so',
});
const versorgungsbedarf = codeList('versorgungsbedarf', {
  DAUERMEDIKATION: 'CHRONIC_MEDICATION',
  DIALYSE: 'DIALYSIS',
  PSYCHIATRISCHE_NACHSORGE: 'MENTAL_HEALTH_FOLLOW_UP',
  SCHWANGERENVORSORGE: 'MATERNITY_CARE',
  MOBILITAETSHILFE: 'MOBILITY_SUPPORT',
});
const entscheidung = codeList('entscheidung', { ABLEHNUNG: 'REJECTED', RUECKNAHME: 'WITHDRAWN', UNZULAESSIG: 'INADMISSIBLE' });
// The German system records arrival airports by ICAO code; the common model wants IATA.
const zielflughafen = codeList('zielflughafen', {
  ORBI: 'BGW', ORER: 'EBL', DNMM: 'LOS', DNAA: 'ABV', DIAP: 'ABJ', HECA: 'CAI', OPIS: 'ISB', OPLA: 'LHE', SKBO: 'BOG',
});

/** A value the common schema declares non-null; a missing one is a mapping failure, not a null. */
function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new MappingError(`${field}: missing required value`);
  return value;
}

/** 'J'/'N' text flag → boolean; anything else (including NULL) is a mapping failure. */
function flag(value: string | null, field: string): boolean {
  if (value === 'J') return true;
  if (value === 'N') return false;
  throw new MappingError(`${field}: not a J/N flag`);
}
const date = (value: string | null, field: string) => nativeDate(value, 'DD.MM.YYYY', field);
const requiredDate = (value: string | null, field: string) => required(date(value, field), field);
const country = (value: string | null, field: string) => required(countryFromName(value, 'de', field), field);

export function mapAusweis(row: AusweisdokumentRow): IdentityDocument {
  return {
    type: required(dokumentart(row.dokumentart), 'ausweisdokument.dokumentart'),
    number: required(row.dokumentnummer, 'ausweisdokument.dokumentnummer'),
    issuingCountry: country(row.ausstellungsstaat, 'ausweisdokument.ausstellungsstaat'),
    validUntil: date(row.gueltig_bis, 'ausweisdokument.gueltig_bis'),
  };
}

export function mapPerson(row: PersonRow | null, ausweise: readonly AusweisdokumentRow[]): Person | null {
  if (!row) return null;
  const hasContact = row.telefon !== null || row.email !== null || row.anschrift_herkunftsland !== null;
  return {
    familyName: required(row.nachname, 'person.nachname'),
    givenNames: required(row.vornamen, 'person.vornamen'),
    dateOfBirth: requiredDate(row.geburtsdatum, 'person.geburtsdatum'),
    sex: required(geschlecht(row.geschlecht), 'person.geschlecht'),
    nationality: country(row.staatsangehoerigkeit, 'person.staatsangehoerigkeit'),
    documents: ausweise.map(mapAusweis),
    contact: hasContact ? { phone: row.telefon, email: row.email, addressInCountryOfOrigin: row.anschrift_herkunftsland } : null,
  };
}

export function mapBeratung(row: BeratungsgespraechRow): CounsellingSession {
  return {
    date: requiredDate(row.gespraech_am, 'beratungsgespraech.gespraech_am'),
    topic: required(thema(row.thema), 'beratungsgespraech.thema'),
    interpreterLanguage: dolmetscherSprache(row.dolmetscher_sprache),
    returnAccepted: flag(row.rueckkehr_zugestimmt, 'beratungsgespraech.rueckkehr_zugestimmt'),
  };
}

export function mapVulnerabilitaet(row: VulnerabilitaetRow | null): VulnerabilityAssessment | null {
  if (!row) return null;
  return {
    assessedOn: requiredDate(row.festgestellt_am, 'vulnerabilitaet.festgestellt_am'),
    unaccompaniedMinor: flag(row.unbegleitet_minderjaehrig, 'vulnerabilitaet.unbegleitet_minderjaehrig'),
    victimOfTrafficking: flag(row.opfer_menschenhandel, 'vulnerabilitaet.opfer_menschenhandel'),
    disability: flag(row.behinderung, 'vulnerabilitaet.behinderung'),
    singleParent: flag(row.alleinerziehend, 'vulnerabilitaet.alleinerziehend'),
  };
}

export function mapGesundheit(row: GesundheitRow | null): MedicalInformation | null {
  if (!row) return null;
  const bedarf = row.versorgungsbedarf ? row.versorgungsbedarf.split(';').map((code) => code.trim()) : [];
  return {
    assessedOn: requiredDate(row.untersucht_am, 'gesundheit.untersucht_am'),
    fitToTravel: flag(row.reisefaehig, 'gesundheit.reisefaehig'),
    continuityOfCareNeeds: bedarf.map((code) => required(versorgungsbedarf(code), 'gesundheit.versorgungsbedarf')),
    medicationSupplyDays: row.medikamentenvorrat_tage,
  };
}

export function mapRueckkehrentscheidung(row: RueckkehrentscheidungRow | null): ReturnDecision | null {
  if (!row) return null;
  return {
    decidedOn: requiredDate(row.bescheid_vom, 'rueckkehrentscheidung.bescheid_vom'),
    voluntaryDepartureDeadline: date(row.ausreisefrist, 'rueckkehrentscheidung.ausreisefrist'),
    appealPending: flag(row.rechtsmittel_anhaengig, 'rueckkehrentscheidung.rechtsmittel_anhaengig'),
  };
}

export function mapAsylverfahren(row: AsylverfahrenRow | null): AsylumHistory | null {
  if (!row) return null;
  return {
    lodgedOn: requiredDate(row.antrag_am, 'asylverfahren.antrag_am'),
    outcome: required(entscheidung(row.entscheidung), 'asylverfahren.entscheidung'),
    decidedOn: requiredDate(row.entschieden_am, 'asylverfahren.entschieden_am'),
  };
}

export function mapReise(row: ReiseRow | null): TravelArrangement | null {
  if (!row) return null;
  return {
    plannedDeparture: requiredDate(row.geplante_ausreise, 'reise.geplante_ausreise'),
    actualDeparture: date(row.tatsaechliche_ausreise, 'reise.tatsaechliche_ausreise'),
    arrivalAirport: required(zielflughafen(row.zielflughafen), 'reise.zielflughafen'),
    escortRequired: flag(row.begleitung_erforderlich, 'reise.begleitung_erforderlich'),
  };
}
