/**
 * The subgraph's HTTP client for the partner's REST API, on Node's global fetch. It turns
 * transport failures into GraphQL errors with stable codes (BACKEND_UNAVAILABLE, BACKEND_ERROR)
 * so the gateway sees a clear, partial failure instead of a crash, and it validates the
 * response shape before anything is mapped.
 */
import { GraphQLError } from 'graphql';
import { MappingError } from '../kit/index.js';
import { HEALTH_PATH, INDICATORS_PATH, IndicatorsResponse, LOOKUP_PATH, LookupResponse, type ApiBeneficiary, type RecordPart } from './api.js';

const TIMEOUT_MS = 10_000;

function unavailable(): GraphQLError {
  return new GraphQLError('The Iraqi partner backend is unreachable.', { extensions: { code: 'BACKEND_UNAVAILABLE' } });
}

export class PartnerClient {
  constructor(private readonly baseUrl: string) {}

  /**
   * One POST for all references; the caller (a DataLoader) keeps batches within the API's limit.
   * The partner does not read the parts in `leaveOut`, nor for a reference those `leaveOutFor` names.
   */
  async lookup(euRefs: readonly string[], leaveOut: readonly RecordPart[] = [], leaveOutFor: Readonly<Record<string, readonly RecordPart[]>> = {}): Promise<ApiBeneficiary[]> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${LOOKUP_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          eu_refs: euRefs,
          ...(leaveOut.length > 0 ? { leave_out: leaveOut } : {}),
          ...(Object.keys(leaveOutFor).length > 0 ? { leave_out_for: leaveOutFor } : {}),
        }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw unavailable();
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new GraphQLError(`The Iraqi partner backend answered HTTP ${response.status}.`, { extensions: { code: 'BACKEND_ERROR' } });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new MappingError('partner lookup response: not JSON');
    }
    const parsed = LookupResponse.safeParse(body);
    if (!parsed.success) throw new MappingError('partner lookup response: unexpected shape');
    return parsed.data.results;
  }

  /** Every beneficiary's indicator values (statistics), validated before mapping. */
  async indicators(): Promise<IndicatorsResponse> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${INDICATORS_PATH}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch {
      throw unavailable();
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new GraphQLError(`The Iraqi partner backend answered HTTP ${response.status}.`, { extensions: { code: 'BACKEND_ERROR' } });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new MappingError('partner indicators response: not JSON');
    }
    const parsed = IndicatorsResponse.safeParse(body);
    if (!parsed.success) throw new MappingError('partner indicators response: unexpected shape');
    return parsed.data;
  }

  async health(): Promise<void> {
    const response = await fetch(`${this.baseUrl}${HEALTH_PATH}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`partner health: HTTP ${response.status}`);
  }
}
