/**
 * SYNTHETIC DATA. Deterministic generator of return and reintegration cases in the common model.
 * No record describes a real person: names are built from invented syllables, document numbers
 * start with "SYN", e-mail addresses use the reserved `.invalid` domain. Each simulated backend
 * translates these cases into its own native model when it seeds, so a query through the gateway
 * that maps native records back must reproduce exactly what is generated here.
 */
import type { ContinuumStatus, ReturnType as ReturnKind } from '@continuum/contract';

export const SYNTHETIC_MEMBER_STATES = ['BE', 'DE'] as const;
export const SYNTHETIC_COUNTRIES_OF_ORIGIN = ['IQ', 'NG', 'CI', 'EG', 'PK', 'CO'] as const;

/** Participants (X-Road style: instance/class/member/subsystem). Organisations are the first three parts. */
export const ORGANISATIONS = {
  BE_AUTHORITY: 'EU/GOV/BE-RETURN',
  DE_AUTHORITY: 'EU/GOV/DE-RETURN',
  EU_PROGRAMME: 'EU/GOV/EU-REINTEGRATION-PROGRAMME',
  IQ_PARTNER: 'IQ/NGO/IQ-REINTEGRATION-PARTNER',
  IQ_OTHER_PARTNER: 'IQ/NGO/IQ-OTHER-PARTNER',
  IQ_AUTHORITY: 'IQ/GOV/IQ-MIGRATION-AUTHORITY',
  NG_PARTNER: 'NG/NGO/NG-REINTEGRATION-PARTNER',
  NG_AUTHORITY: 'NG/GOV/NG-REFERRAL-MECHANISM',
  CI_PARTNER: 'CI/NGO/CI-REINTEGRATION-PARTNER',
  EG_PARTNER: 'EG/NGO/EG-REINTEGRATION-PARTNER',
  PK_PARTNER: 'PK/NGO/PK-REINTEGRATION-PARTNER',
  CO_PARTNER: 'CO/NGO/CO-REINTEGRATION-PARTNER',
} as const;

export interface SyntheticOrganisation {
  id: string;
  name: string;
  country: string;
  kind: 'MEMBER_STATE_AUTHORITY' | 'EU_PROGRAMME' | 'REINTEGRATION_PARTNER' | 'COUNTRY_OF_ORIGIN_AUTHORITY';
}

export const SYNTHETIC_ORGANISATIONS: readonly SyntheticOrganisation[] = [
  { id: ORGANISATIONS.BE_AUTHORITY, name: 'Belgian return authority (synthetic)', country: 'BE', kind: 'MEMBER_STATE_AUTHORITY' },
  { id: ORGANISATIONS.DE_AUTHORITY, name: 'German return authority (synthetic)', country: 'DE', kind: 'MEMBER_STATE_AUTHORITY' },
  { id: ORGANISATIONS.EU_PROGRAMME, name: 'EU reintegration programme (synthetic)', country: 'EU', kind: 'EU_PROGRAMME' },
  { id: ORGANISATIONS.IQ_PARTNER, name: 'Reintegration partner Iraq (synthetic)', country: 'IQ', kind: 'REINTEGRATION_PARTNER' },
  { id: ORGANISATIONS.IQ_OTHER_PARTNER, name: 'Second reintegration partner Iraq (synthetic)', country: 'IQ', kind: 'REINTEGRATION_PARTNER' },
  { id: ORGANISATIONS.IQ_AUTHORITY, name: 'Iraqi migration authority (synthetic)', country: 'IQ', kind: 'COUNTRY_OF_ORIGIN_AUTHORITY' },
  { id: ORGANISATIONS.NG_PARTNER, name: 'Reintegration partner Nigeria (synthetic)', country: 'NG', kind: 'REINTEGRATION_PARTNER' },
  { id: ORGANISATIONS.NG_AUTHORITY, name: 'Nigerian national referral mechanism (synthetic)', country: 'NG', kind: 'COUNTRY_OF_ORIGIN_AUTHORITY' },
  { id: ORGANISATIONS.CI_PARTNER, name: "Reintegration partner Côte d'Ivoire (synthetic)", country: 'CI', kind: 'REINTEGRATION_PARTNER' },
  { id: ORGANISATIONS.EG_PARTNER, name: 'Reintegration partner Egypt (synthetic)', country: 'EG', kind: 'REINTEGRATION_PARTNER' },
  { id: ORGANISATIONS.PK_PARTNER, name: 'Reintegration partner Pakistan (synthetic)', country: 'PK', kind: 'REINTEGRATION_PARTNER' },
  { id: ORGANISATIONS.CO_PARTNER, name: 'Reintegration partner Colombia (synthetic)', country: 'CO', kind: 'REINTEGRATION_PARTNER' },
];

export type Sex = 'FEMALE' | 'MALE' | 'UNSPECIFIED';
export type DocumentType = 'PASSPORT' | 'NATIONAL_ID_CARD' | 'TRAVEL_DOCUMENT';
export type CounsellingTopic = 'RETURN_OPTIONS' | 'REINTEGRATION_SUPPORT' | 'TRAVEL_PREPARATION' | 'HEALTH' | 'FAMILY';
export type CareNeed = 'CHRONIC_MEDICATION' | 'DIALYSIS' | 'MENTAL_HEALTH_FOLLOW_UP' | 'MATERNITY_CARE' | 'MOBILITY_SUPPORT';
export type AsylumOutcome = 'REJECTED' | 'WITHDRAWN' | 'INADMISSIBLE';
export type ReintegrationNeed = 'BUSINESS' | 'HOUSING' | 'EDUCATION' | 'VOCATIONAL_TRAINING' | 'MEDICAL' | 'PSYCHOSOCIAL';
export type BeneficiaryCategory = 'ADULT' | 'MINOR' | 'FAMILY';
export type AssistanceKind = 'BUSINESS' | 'HOUSING' | 'EDUCATION' | 'VOCATIONAL_TRAINING';
export type HealthAssistanceKind = 'MEDICAL' | 'PSYCHOSOCIAL';
export type VisitMode = 'IN_PERSON' | 'PHONE' | 'REMOTE';

export interface SyntheticCase {
  /** Position in the generated sequence (0-based); the same index always yields the same case. */
  index: number;
  ref: string;
  owningMemberState: (typeof SYNTHETIC_MEMBER_STATES)[number];
  countryOfOrigin: (typeof SYNTHETIC_COUNTRIES_OF_ORIGIN)[number];
  status: ContinuumStatus;
  returnType: ReturnKind;
  openedOn: string;
  returnedOn: string | null;
  updatedAt: string;
  assignedPartner: string | null;
  person: {
    familyName: string;
    givenNames: string;
    dateOfBirth: string;
    sex: Sex;
    nationality: string;
    documents: { type: DocumentType; number: string; issuingCountry: string; validUntil: string }[];
    contact: { phone: string; email: string | null; addressInCountryOfOrigin: string | null };
  };
  counselling: { date: string; topic: CounsellingTopic; interpreterLanguage: string | null; returnAccepted: boolean }[];
  vulnerability: {
    assessedOn: string;
    unaccompaniedMinor: boolean;
    victimOfTrafficking: boolean;
    disability: boolean;
    singleParent: boolean;
  } | null;
  medical: { assessedOn: string; fitToTravel: boolean; continuityOfCareNeeds: CareNeed[]; medicationSupplyDays: number | null } | null;
  returnDecision: { decidedOn: string; voluntaryDepartureDeadline: string | null; appealPending: boolean } | null;
  asylumHistory: { lodgedOn: string; outcome: AsylumOutcome; decidedOn: string } | null;
  travel: { plannedDeparture: string; actualDeparture: string | null; arrivalAirport: string; escortRequired: boolean } | null;
  reintegration: {
    approvedOn: string;
    durationMonths: number;
    beneficiaryCategory: BeneficiaryCategory;
    budgetCapEuro: number;
    committedEuro: number;
    needs: ReintegrationNeed[];
    partnerAssignedOn: string;
    postArrival: { airportReception: boolean; temporaryAccommodationNights: number; cashOnArrivalEuro: number; deliveredOn: string | null };
  } | null;
  /** Only for cases assigned to the Iraqi reintegration partner, whose system Continuum wraps. */
  partnerFile: {
    beneficiaryCode: string;
    assistance: { kind: AssistanceKind; deliveredOn: string; amountEuro: number }[];
    healthAssistance: { kind: HealthAssistanceKind; deliveredOn: string; sessions: number }[];
    visits: { date: string; mode: VisitMode; stillInCountry: boolean }[];
    sustainability: { assessedOn: string; economic: number; social: number; psychosocial: number } | null;
  } | null;
}

type Random = ReturnType<typeof prng>;

/** mulberry32: small, fast, deterministic PRNG. One generator per case index keeps cases independent. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}

const SYLLABLES = ['ka', 'vo', 'ran', 'sel', 'im', 'et', 'da', 'mor', 'lu', 'zen', 'ta', 'bri', 'no', 'qua', 'fel', 'ix', 'ru', 'mai', 'dor', 'xe'];
const LANGUAGES: Record<string, string> = { IQ: 'ar', NG: 'en', CI: 'fr', EG: 'ar', PK: 'ur', CO: 'es' };
const AIRPORTS: Record<string, string[]> = { IQ: ['BGW', 'EBL'], NG: ['LOS', 'ABV'], CI: ['ABJ'], EG: ['CAI'], PK: ['ISB', 'LHE'], CO: ['BOG'] };
const STATUS_ORDER: readonly ContinuumStatus[] = ['COUNSELLING', 'ASSESSMENT', 'RETURN_PREPARATION', 'RETURNED', 'REINTEGRATION', 'MONITORING', 'CLOSED', 'REMIGRATED'];
const PARTNER_BY_COUNTRY: Record<string, string> = {
  IQ: ORGANISATIONS.IQ_PARTNER,
  NG: ORGANISATIONS.NG_PARTNER,
  CI: ORGANISATIONS.CI_PARTNER,
  EG: ORGANISATIONS.EG_PARTNER,
  PK: ORGANISATIONS.PK_PARTNER,
  CO: ORGANISATIONS.CO_PARTNER,
};

const DAY = 86_400_000;
const EPOCH = Date.UTC(2024, 0, 1);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (iso: string, days: number) => isoDay(Date.parse(iso) + days * DAY);

function name(r: Random, syllables: number): string {
  let text = '';
  for (let i = 0; i < syllables; i++) text += r.pick(SYLLABLES);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function caseRef(index: number): string {
  const year = 2024 + Math.floor(index / 400_000);
  return `EU-${year}-${String((index % 400_000) + 1).padStart(6, '0')}`;
}

/** The synthetic case at `index`. Same index, same case, on every machine. */
export function syntheticCase(index: number): SyntheticCase {
  const r = prng(0x5eed0000 + index * 7919);
  const owningMemberState = r.pick(SYNTHETIC_MEMBER_STATES);
  const countryOfOrigin = r.pick(SYNTHETIC_COUNTRIES_OF_ORIGIN);
  const stage = r.int(0, STATUS_ORDER.length - 1);
  const status = STATUS_ORDER[stage] as ContinuumStatus;
  const returned = stage >= 3;
  const returnType: ReturnKind = r.pick(['ASSISTED_VOLUNTARY', 'ASSISTED_VOLUNTARY', 'VOLUNTARY_DEPARTURE', 'ENFORCED'] as const);
  const openedOn = isoDay(EPOCH + r.int(0, 600) * DAY);
  const returnedOn = returned ? addDays(openedOn, r.int(60, 150)) : null;
  const minor = r.chance(0.08);
  const dateOfBirth = minor ? isoDay(Date.UTC(2009 + r.int(0, 6), r.int(0, 11), r.int(1, 28))) : isoDay(Date.UTC(1960 + r.int(0, 44), r.int(0, 11), r.int(1, 28)));
  const sex: Sex = r.pick(['FEMALE', 'MALE', 'MALE', 'UNSPECIFIED'] as const);
  const hasHealthNeeds = r.chance(0.3);
  const assignedPartner = returned || stage === 2
    ? countryOfOrigin === 'IQ' && r.chance(0.2) ? ORGANISATIONS.IQ_OTHER_PARTNER : (PARTNER_BY_COUNTRY[countryOfOrigin] as string)
    : null;
  const lastActivity = returnedOn ?? addDays(openedOn, 30);
  const updatedAt = new Date(Date.parse(lastActivity) + r.int(0, 86_399) * 1000).toISOString();

  const counselling = Array.from({ length: r.int(1, 4) }, (_, i) => ({
    date: addDays(openedOn, 7 * i + r.int(0, 3)),
    topic: r.pick(['RETURN_OPTIONS', 'REINTEGRATION_SUPPORT', 'TRAVEL_PREPARATION', 'HEALTH', 'FAMILY'] as const),
    interpreterLanguage: r.chance(0.7) ? (LANGUAGES[countryOfOrigin] as string) : null,
    returnAccepted: i > 0 && r.chance(0.6),
  }));
  const assessedOn = addDays(openedOn, r.int(10, 30));
  const reintegrationNeeds = (['BUSINESS', 'HOUSING', 'EDUCATION', 'VOCATIONAL_TRAINING', 'MEDICAL', 'PSYCHOSOCIAL'] as const).filter(
    (need) => (need === 'MEDICAL' || need === 'PSYCHOSOCIAL' ? hasHealthNeeds && r.chance(0.6) : r.chance(0.4)),
  );
  const beneficiaryCategory: BeneficiaryCategory = minor ? 'MINOR' : r.chance(0.2) ? 'FAMILY' : 'ADULT';
  const budgetCapEuro = beneficiaryCategory === 'MINOR' ? 1000 : beneficiaryCategory === 'FAMILY' ? 3000 : 2000;
  const reintegration = returned && returnType !== 'ENFORCED' && assignedPartner
    ? {
        approvedOn: addDays(returnedOn as string, r.int(5, 20)),
        durationMonths: r.pick([6, 9, 12]),
        beneficiaryCategory,
        budgetCapEuro,
        committedEuro: r.int(4, 10) * (budgetCapEuro / 10),
        needs: reintegrationNeeds.length > 0 ? [...reintegrationNeeds] : (['BUSINESS'] as ReintegrationNeed[]),
        partnerAssignedOn: addDays(returnedOn as string, r.int(1, 4)),
        postArrival: {
          airportReception: r.chance(0.8),
          temporaryAccommodationNights: r.int(0, 14),
          cashOnArrivalEuro: r.pick([0, 200, 300, 615]),
          deliveredOn: returnedOn,
        },
      }
    : null;
  const partnerFile = reintegration && assignedPartner === ORGANISATIONS.IQ_PARTNER
    ? {
        beneficiaryCode: `IQ-RP-${String(index + 1).padStart(7, '0')}`,
        assistance: reintegration.needs
          .filter((need): need is AssistanceKind => need !== 'MEDICAL' && need !== 'PSYCHOSOCIAL')
          .map((kind, i) => ({ kind, deliveredOn: addDays(reintegration.approvedOn, 15 + 20 * i), amountEuro: r.int(2, 8) * 100 })),
        healthAssistance: reintegration.needs
          .filter((need): need is HealthAssistanceKind => need === 'MEDICAL' || need === 'PSYCHOSOCIAL')
          .map((kind) => ({ kind, deliveredOn: addDays(reintegration.approvedOn, r.int(5, 40)), sessions: r.int(1, 8) })),
        visits: stage >= 5
          ? Array.from({ length: r.int(1, 3) }, (_, i) => ({
              date: addDays(reintegration.approvedOn, 90 * (i + 1)),
              mode: r.pick(['IN_PERSON', 'PHONE', 'REMOTE'] as const),
              stillInCountry: status !== 'REMIGRATED' || i === 0,
            }))
          : [],
        sustainability: stage >= 5
          ? {
              assessedOn: addDays(reintegration.approvedOn, 180),
              economic: r.int(0, 100) / 100,
              social: r.int(0, 100) / 100,
              psychosocial: r.int(0, 100) / 100,
            }
          : null,
      }
    : null;

  return {
    index,
    ref: caseRef(index),
    owningMemberState,
    countryOfOrigin,
    status,
    returnType,
    openedOn,
    returnedOn,
    updatedAt,
    assignedPartner,
    person: {
      familyName: name(r, 3),
      givenNames: r.chance(0.3) ? `${name(r, 2)} ${name(r, 2)}` : name(r, 2),
      dateOfBirth,
      sex,
      nationality: countryOfOrigin,
      documents: r.chance(0.85)
        ? [{ type: r.pick(['PASSPORT', 'PASSPORT', 'NATIONAL_ID_CARD', 'TRAVEL_DOCUMENT'] as const), number: `SYN${String(r.int(0, 99_999_999)).padStart(8, '0')}`, issuingCountry: countryOfOrigin, validUntil: addDays(openedOn, r.int(200, 3000)) }]
        : [],
      contact: {
        phone: `+000 ${r.int(100, 999)} ${r.int(1000, 9999)}`,
        email: r.chance(0.5) ? `person${index + 1}@synthetic.invalid` : null,
        addressInCountryOfOrigin: returned ? `Synthetic street ${r.int(1, 200)}, district ${r.int(1, 30)}` : null,
      },
    },
    counselling,
    vulnerability: r.chance(0.6)
      ? { assessedOn, unaccompaniedMinor: minor && r.chance(0.5), victimOfTrafficking: r.chance(0.05), disability: r.chance(0.07), singleParent: r.chance(0.1) }
      : null,
    medical: r.chance(0.7)
      ? {
          assessedOn,
          fitToTravel: r.chance(0.95),
          continuityOfCareNeeds: hasHealthNeeds ? [r.pick(['CHRONIC_MEDICATION', 'DIALYSIS', 'MENTAL_HEALTH_FOLLOW_UP', 'MATERNITY_CARE', 'MOBILITY_SUPPORT'] as const)] : [],
          medicationSupplyDays: hasHealthNeeds ? r.pick([30, 60, 90]) : null,
        }
      : null,
    returnDecision: returnType === 'ASSISTED_VOLUNTARY' && r.chance(0.5)
      ? null
      : { decidedOn: addDays(openedOn, -r.int(10, 90)), voluntaryDepartureDeadline: returnType === 'ENFORCED' ? null : addDays(openedOn, 30), appealPending: r.chance(0.1) },
    asylumHistory: r.chance(0.75)
      ? (() => {
          const lodgedOn = addDays(openedOn, -r.int(200, 900));
          return { lodgedOn, outcome: r.pick(['REJECTED', 'REJECTED', 'WITHDRAWN', 'INADMISSIBLE'] as const), decidedOn: addDays(lodgedOn, r.int(60, 180)) };
        })()
      : null,
    travel: stage >= 2
      ? {
          plannedDeparture: returnedOn ?? addDays(openedOn, 90),
          actualDeparture: returnedOn,
          arrivalAirport: r.pick(AIRPORTS[countryOfOrigin] as string[]),
          escortRequired: returnType === 'ENFORCED' && r.chance(0.5),
        }
      : null,
    reintegration,
    partnerFile,
  };
}

/** `count` cases from `start`, generated lazily in order. */
export function* syntheticCases(count: number, start = 0): Generator<SyntheticCase> {
  for (let index = start; index < start + count; index++) yield syntheticCase(index);
}

export const synthetic = { caseRef, syntheticCase, syntheticCases, organisations: SYNTHETIC_ORGANISATIONS };

/** A synthetic consent of the data subject, as the owning Member State would record it. */
export interface SyntheticConsent {
  recipient: string;
  categories: string[];
  purposes: string[];
}

const COO_AUTHORITY_BY_COUNTRY: Record<string, string> = { IQ: ORGANISATIONS.IQ_AUTHORITY, NG: ORGANISATIONS.NG_AUTHORITY };

/**
 * The consents recorded for a synthetic case, derived from the case so tests can know them:
 * health data to the assigned Iraqi partner for continuity of care when care needs exist; every
 * second returned case's identity, contact, reintegration and referral data to its country-of-
 * origin authority; every third enrolled case's vulnerability flags to the EU programme.
 */
export function syntheticConsents(c: SyntheticCase): SyntheticConsent[] {
  const consents: SyntheticConsent[] = [];
  if (c.assignedPartner === ORGANISATIONS.IQ_PARTNER && c.medical && c.medical.continuityOfCareNeeds.length > 0) {
    consents.push({ recipient: ORGANISATIONS.IQ_PARTNER, categories: ['HEALTH'], purposes: ['CONTINUITY_OF_CARE'] });
  }
  const authority = COO_AUTHORITY_BY_COUNTRY[c.countryOfOrigin];
  if (authority && c.returnedOn && c.index % 2 === 0) {
    consents.push({ recipient: authority, categories: ['IDENTITY', 'CONTACT', 'REINTEGRATION', 'REFERRAL'], purposes: ['REINTEGRATION_ASSISTANCE', 'REFERRAL'] });
  }
  if (c.reintegration && c.vulnerability && c.index % 3 === 0) {
    consents.push({ recipient: ORGANISATIONS.EU_PROGRAMME, categories: ['VULNERABILITY'], purposes: ['REINTEGRATION_ASSISTANCE', 'MONITORING_EVALUATION'] });
  }
  return consents;
}

/**
 * Recorded transfer bases (GDPR Chapter V) from each Member State to recipients in third
 * countries. Deliberately none from Germany to the Iraqi migration authority, so that gap shows.
 */
export function syntheticTransferBases(): { exporter: string; recipient: string; instrument: string; reference: string }[] {
  const recipients = SYNTHETIC_ORGANISATIONS.filter((o) => o.kind === 'REINTEGRATION_PARTNER' || o.kind === 'COUNTRY_OF_ORIGIN_AUTHORITY');
  const bases = [];
  for (const exporter of SYNTHETIC_MEMBER_STATES) {
    for (const recipient of recipients) {
      if (exporter === 'DE' && recipient.id === ORGANISATIONS.IQ_AUTHORITY) continue;
      const authority = recipient.kind === 'COUNTRY_OF_ORIGIN_AUTHORITY';
      bases.push({
        exporter,
        recipient: recipient.id,
        instrument: authority ? 'GDPR Art. 46(2)(a) — administrative arrangement' : 'GDPR Art. 46(2)(c) — standard contractual clauses',
        reference: `SYNTHETIC-${exporter}-${recipient.id.split('/')[2]}`,
      });
    }
  }
  return bases;
}
