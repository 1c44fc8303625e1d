/**
 * The Iraqi partner's statistics contribution (docs/STATISTICS.md): per beneficiary, the kinds of
 * (non-health) assistance received, the monitoring visits made, whether the latest visit found the
 * person in the country, and the latest sustainability scores (0 to 1). Health support is special-
 * category data (Art. 9) and is not contributed, not even to aggregates. @inaccessible: only the
 * hub's statistics stage reads it, and only when the gateway signed STATISTICS for the request.
 */
import { codeList, MappingError } from '../kit/index.js';
import type { ApiIndicators } from './api.js';
import { SERVICE_TYPE_CODES } from './mapping.js';

export const IQ_STATISTICS_SDL = `
"The Iraqi partner's per-case statistics values, columnar (index i of each list is one case). Read by the hub's statistics stage only."
type PartnerStatisticsContribution @inaccessible {
  subjects: [CaseRef!]! @personalData(category: STATISTICS)
  "Kinds of assistance received, per case (BUSINESS, HOUSING, EDUCATION, VOCATIONAL_TRAINING)."
  assistance: [[AssistanceKind!]!]! @personalData(category: STATISTICS)
  visits: [Int!]! @personalData(category: STATISTICS)
  stillInCountry: [Boolean]! @personalData(category: STATISTICS)
  economic: [Float]! @personalData(category: STATISTICS)
  social: [Float]! @personalData(category: STATISTICS)
  psychosocial: [Float]! @personalData(category: STATISTICS)
}

type Query {
  iqPartnerStatistics: PartnerStatisticsContribution! @inaccessible
}
`;

const serviceType = codeList('khidma service type', SERVICE_TYPE_CODES);
const HEALTH = new Set(['MEDICAL', 'PSYCHOSOCIAL']);

function score(value: number | null, field: string): number | null {
  if (value === null) return null;
  if (value < 0 || value > 100) throw new MappingError(`${field}: outside 0-100`);
  return value / 100;
}

export const EMPTY_CONTRIBUTION = { subjects: [], assistance: [], visits: [], stillInCountry: [], economic: [], social: [], psychosocial: [] };

export function partnerContribution(rows: readonly ApiIndicators[]) {
  return {
    subjects: rows.map((r) => r.eu_reference),
    assistance: rows.map((r) => r.service_types.map((code) => serviceType(code)).filter((kind) => kind !== null && !HEALTH.has(kind))),
    visits: rows.map((r) => r.visit_count),
    stillInCountry: rows.map((r) => r.last_in_country),
    economic: rows.map((r) => score(r.economic, 'taqyim.iqtisadi')),
    social: rows.map((r) => score(r.social, 'taqyim.ijtimai')),
    psychosocial: rows.map((r) => score(r.psychosocial, 'taqyim.nafsi')),
  };
}
