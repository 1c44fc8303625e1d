/**
 * Belgian native records → the common MemberStateFile model. This is the point of the subgraph:
 * French code lists, 'DD/MM/YYYY' dates and ISO alpha-3 countries become the shared vocabulary.
 * Every failure is a MappingError naming the field or code list, never the value, so that no
 * personal data reaches an error message or a log.
 */
import { countryFromAlpha3 } from '../countries.js';
import { MappingError, codeList, nativeDate } from '../kit/index.js';
import type {
  DecisionRetourRow,
  DocumentIdentiteRow,
  EntretienRow,
  EvaluationVulnerabiliteRow,
  HistoriqueAsileRow,
  InfoMedicaleRow,
  PersonneRow,
  VoyageRow,
} from './backend.js';
import type { IdentityDocument, Contact, Person, CounsellingSession, VulnerabilityAssessment, MedicalInformation, ReturnDecision, AsylumHistory, TravelArrangement } from '../kit/member-state.js';

export type { IdentityDocument, Contact, Person, CounsellingSession, VulnerabilityAssessment, MedicalInformation, ReturnDecision, AsylumHistory, TravelArrangement };

const sexe = codeList('sexe', { F: 'FEMALE', M: 'MALE', X: 'UNSPECIFIED' });
const typeDocument = codeList('type_document', {
  PASSEPORT: 'PASSPORT',
  CARTE_IDENTITE: 'NATIONAL_ID_CARD',
  TITRE_VOYAGE: 'TRAVEL_DOCUMENT',
});
const sujet = codeList('sujet', {
  OPTIONS_RETOUR: 'RETURN_OPTIONS',
  SOUTIEN_REINTEGRATION: 'REINTEGRATION_SUPPORT',
  PREPARATION_VOYAGE: 'TRAVEL_PREPARATION',
  SANTE: 'HEALTH',
  FAMILLE: 'FAMILY',
});
// The Belgian system records the interpreter's language by its French name; the common model wants ISO 639-1.
const langueInterprete = codeList('langue_interprete', { ARABE: 'ar', ANGLAIS: 'en', FRANCAIS: 'fr', OURDOU: 'ur', ESPAGNOL: 'es' });
const besoinSoins = codeList('besoins_soins', {
  MEDICATION_CHRONIQUE: 'CHRONIC_MEDICATION',
  DIALYSE: 'DIALYSIS',
  SUIVI_SANTE_MENTALE: 'MENTAL_HEALTH_FOLLOW_UP',
  SOINS_MATERNITE: 'MATERNITY_CARE',
  AIDE_MOBILITE: 'MOBILITY_SUPPORT',
});
const issueAsile = codeList('issue_asile', { REJET: 'REJECTED', DESISTEMENT: 'WITHDRAWN', IRRECEVABLE: 'INADMISSIBLE' });

/** A value the common schema declares non-null; a missing one is a mapping failure, not a null. */
function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new MappingError(`${field}: missing required value`);
  return value;
}

function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new MappingError(`${field}: not a boolean`);
  return value;
}

const date = (value: string | null, field: string) => nativeDate(value, 'DD/MM/YYYY', field);
const requiredDate = (value: string | null, field: string) => required(date(value, field), field);

const IATA = /^[A-Z]{3}$/;

export function mapDocument(row: DocumentIdentiteRow): IdentityDocument {
  return {
    type: required(typeDocument(row.type_document), 'document_identite.type_document'),
    number: required(row.numero_document, 'document_identite.numero_document'),
    issuingCountry: required(countryFromAlpha3(row.pays_emission, 'document_identite.pays_emission'), 'document_identite.pays_emission'),
    validUntil: date(row.valide_jusqu_au, 'document_identite.valide_jusqu_au'),
  };
}

export function mapPersonne(row: PersonneRow | null, documents: readonly DocumentIdentiteRow[]): Person | null {
  if (!row) return null;
  const hasContact = row.telephone !== null || row.courriel !== null || row.adresse_pays_origine !== null;
  return {
    familyName: required(row.nom, 'personne.nom'),
    givenNames: required(row.prenoms, 'personne.prenoms'),
    dateOfBirth: requiredDate(row.date_naissance, 'personne.date_naissance'),
    sex: required(sexe(row.sexe), 'personne.sexe'),
    nationality: required(countryFromAlpha3(row.nationalite, 'personne.nationalite'), 'personne.nationalite'),
    documents: documents.map(mapDocument),
    contact: hasContact ? { phone: row.telephone, email: row.courriel, addressInCountryOfOrigin: row.adresse_pays_origine } : null,
  };
}

export function mapEntretien(row: EntretienRow): CounsellingSession {
  return {
    date: requiredDate(row.date_entretien, 'entretien.date_entretien'),
    topic: required(sujet(row.sujet), 'entretien.sujet'),
    interpreterLanguage: langueInterprete(row.langue_interprete),
    returnAccepted: bool(row.retour_accepte, 'entretien.retour_accepte'),
  };
}

export function mapVulnerabilite(row: EvaluationVulnerabiliteRow | null): VulnerabilityAssessment | null {
  if (!row) return null;
  return {
    assessedOn: requiredDate(row.date_evaluation, 'evaluation_vulnerabilite.date_evaluation'),
    unaccompaniedMinor: bool(row.mineur_non_accompagne, 'evaluation_vulnerabilite.mineur_non_accompagne'),
    victimOfTrafficking: bool(row.victime_traite, 'evaluation_vulnerabilite.victime_traite'),
    disability: bool(row.handicap, 'evaluation_vulnerabilite.handicap'),
    singleParent: bool(row.parent_isole, 'evaluation_vulnerabilite.parent_isole'),
  };
}

export function mapInfoMedicale(row: InfoMedicaleRow | null): MedicalInformation | null {
  if (!row) return null;
  return {
    assessedOn: requiredDate(row.date_evaluation, 'info_medicale.date_evaluation'),
    fitToTravel: bool(row.apte_au_voyage, 'info_medicale.apte_au_voyage'),
    continuityOfCareNeeds: (row.besoins_soins ?? []).map((code) => required(besoinSoins(code), 'info_medicale.besoins_soins')),
    medicationSupplyDays: row.jours_medication,
  };
}

export function mapDecisionRetour(row: DecisionRetourRow | null): ReturnDecision | null {
  if (!row) return null;
  return {
    decidedOn: requiredDate(row.date_decision, 'decision_retour.date_decision'),
    voluntaryDepartureDeadline: date(row.delai_depart_volontaire, 'decision_retour.delai_depart_volontaire'),
    appealPending: bool(row.recours_pendant, 'decision_retour.recours_pendant'),
  };
}

export function mapHistoriqueAsile(row: HistoriqueAsileRow | null): AsylumHistory | null {
  if (!row) return null;
  return {
    lodgedOn: requiredDate(row.date_introduction, 'historique_asile.date_introduction'),
    outcome: required(issueAsile(row.issue), 'historique_asile.issue'),
    decidedOn: requiredDate(row.date_decision, 'historique_asile.date_decision'),
  };
}

export function mapVoyage(row: VoyageRow | null): TravelArrangement | null {
  if (!row) return null;
  if (!IATA.test(row.aeroport_arrivee ?? '')) throw new MappingError('voyage.aeroport_arrivee: not an IATA airport code');
  return {
    plannedDeparture: requiredDate(row.depart_prevu, 'voyage.depart_prevu'),
    actualDeparture: date(row.depart_effectif, 'voyage.depart_effectif'),
    arrivalAirport: row.aeroport_arrivee,
    escortRequired: bool(row.escorte_requise, 'voyage.escorte_requise'),
  };
}
