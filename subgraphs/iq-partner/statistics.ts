/**
 * The Iraqi partner's statistics contribution (docs/STATISTICS.md): per beneficiary, the kinds of
 * (non-health) assistance received, the monitoring visits made, whether the latest visit found the
 * person in the country, and the latest sustainability scores (0 to 1). Health support is special-
 * category data (Art. 9) and is not contributed, not even to aggregates. @inaccessible: only the
 * hub's statistics stage reads it, and only when the gateway signed STATISTICS for the request.
 */
import { codeList, MappingError } from '../kit/index.js';
import type { IndicatorsResponse } from './api.js';
import { SERVICE_TYPE_CODES } from './mapping.js';

export const IQ_STATISTICS_SDL = `
"The Iraqi partner's per-case statistics values in the contribution wire format (docs/STATISTICS.md § Contributions). Read by the hub's statistics stage only."
type PartnerStatisticsContribution @inaccessible {
  "Cases in rows."
  count: Int! @personalData(category: STATISTICS)
  "One case per ';'-separated line: subject,assistance,visits,stillInCountry,economic,social,psychosocial — assistance the kinds received joined by '+' (BUSINESS, HOUSING, EDUCATION, VOCATIONAL_TRAINING); stillInCountry t, f or empty (never visited); scores 0 to 1, empty when not assessed."
  rows: String! @personalData(category: STATISTICS)
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

export const EMPTY_CONTRIBUTION = { count: 0, rows: '' };

const flag = (value: boolean | null) => (value === null ? '' : value ? 't' : 'f');
const text = (value: number | null) => (value === null ? '' : String(value));

export function partnerContribution(indicators: IndicatorsResponse) {
  const count = indicators.eu_references.length;
  const columns = [indicators.service_types, indicators.visit_counts, indicators.last_in_country, indicators.economic, indicators.social, indicators.psychosocial];
  if (columns.some((column) => column.length !== count)) throw new MappingError('partner indicators: columns of different lengths');
  const rows: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const kinds = [...new Set(indicators.service_types[i]!.map((code) => serviceType(code)).filter((kind) => kind !== null && !HEALTH.has(kind)))];
    rows[i] = [
      indicators.eu_references[i],
      kinds.join('+'),
      indicators.visit_counts[i],
      flag(indicators.last_in_country[i]!),
      text(score(indicators.economic[i]!, 'taqyim.iqtisadi')),
      text(score(indicators.social[i]!, 'taqyim.ijtimai')),
      text(score(indicators.psychosocial[i]!, 'taqyim.nafsi')),
    ].join(',');
  }
  return { count, rows: rows.join(';') };
}
