/**
 * The partner's REST JSON → the common `ReintegrationPartnerFile`. The partner records every
 * service in one list (khidma), health services included, with its own transliterated codes; the
 * common model splits assistance from health support (HEALTH is special-category data under
 * Art. 9 and must be released separately). Failures are `MappingError`s naming the code list or
 * field, never the value.
 */
import { MappingError, codeList, nativeDate } from '../kit/index.js';
import type { AssistanceKind, HealthAssistanceKind, VisitMode } from '../kit/synthetic.js';
import type { ApiBeneficiary } from './api.js';

/** Service types (naw al-khidma): project, housing, education, training, medical, psychological. */
export const SERVICE_TYPE_CODES: Readonly<Record<string, AssistanceKind | HealthAssistanceKind>> = {
  MASHRU: 'BUSINESS',
  SAKAN: 'HOUSING',
  TALIM: 'EDUCATION',
  TADRIB: 'VOCATIONAL_TRAINING',
  TIBBI: 'MEDICAL',
  NAFSI: 'PSYCHOSOCIAL',
};

/** Visit channels (wasila): direct, telephone, remote. */
export const VISIT_CHANNEL_CODES: Readonly<Record<string, VisitMode>> = { MUBASHIR: 'IN_PERSON', HATIF: 'PHONE', ANBUD: 'REMOTE' };

const serviceType = codeList('khidma service type', SERVICE_TYPE_CODES);
const visitChannel = codeList('ziyara channel', VISIT_CHANNEL_CODES);
const HEALTH_KINDS: ReadonlySet<string> = new Set<HealthAssistanceKind>(['MEDICAL', 'PSYCHOSOCIAL']);

export interface ReintegrationPartnerFile {
  partner: string;
  beneficiaryCode: string;
  assistance: { kind: AssistanceKind; deliveredOn: string; amountEuro: number }[];
  healthAssistance: { kind: HealthAssistanceKind; deliveredOn: string; sessions: number }[];
  monitoringVisits: { date: string; mode: VisitMode; stillInCountry: boolean }[];
  sustainability: { assessedOn: string; economic: number; social: number; psychosocial: number } | null;
}

function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new MappingError(`${field}: missing in partner record`);
  return value;
}

const date = (value: string, field: string) => required(nativeDate(value, 'YYYYMMDD', field), field);

/** The partner scores 0-100 in whole points; the common model uses 0..1. */
function score(points: number, field: string): number {
  if (!Number.isInteger(points) || points < 0 || points > 100) throw new MappingError(`${field}: not a score between 0 and 100`);
  return points / 100;
}

export function mapPartnerFile(record: ApiBeneficiary, partner: string): ReintegrationPartnerFile {
  const file: ReintegrationPartnerFile = {
    partner,
    beneficiaryCode: record.beneficiary_code,
    assistance: [],
    healthAssistance: [],
    monitoringVisits: record.visits.map((visit) => ({
      date: date(visit.visit_date, 'visit_date'),
      mode: required(visitChannel(visit.channel), 'channel'),
      stillInCountry: visit.in_country,
    })),
    sustainability: record.latest_assessment
      ? {
          assessedOn: date(record.latest_assessment.date, 'latest_assessment.date'),
          economic: score(record.latest_assessment.economic, 'latest_assessment.economic'),
          social: score(record.latest_assessment.social, 'latest_assessment.social'),
          psychosocial: score(record.latest_assessment.psychosocial, 'latest_assessment.psychosocial'),
        }
      : null,
  };
  // One pass keeps the partner's recorded order within each list.
  for (const service of record.services) {
    const kind = required(serviceType(service.service_type), 'service_type');
    const deliveredOn = date(service.date, 'services.date');
    if (HEALTH_KINDS.has(kind)) {
      const sessions = required(service.sessions, 'services.sessions');
      if (sessions < 0) throw new MappingError('services.sessions: negative');
      file.healthAssistance.push({ kind: kind as HealthAssistanceKind, deliveredOn, sessions });
    } else {
      const amountEuro = required(service.amount_eur, 'services.amount_eur');
      file.assistance.push({ kind: kind as AssistanceKind, deliveredOn, amountEuro });
    }
  }
  return file;
}
