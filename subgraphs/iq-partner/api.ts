/**
 * The partner's REST API contract (v1), as zod schemas: the lookup request the REST service
 * validates, and the response the subgraph's client validates before mapping. The wire format is
 * the partner's own: snake_case names, dates as 'YYYYMMDD', its own service and channel codes,
 * scores as integers 0-100. Codes stay plain strings here; the mapping owns the code lists.
 */
import { z } from 'zod';
import { CASE_REF_PATTERN } from '../../contract/index.js';

export const LOOKUP_PATH = '/api/v1/beneficiaries/lookup';
export const HEALTH_PATH = '/api/v1/health';
/** Every beneficiary's indicator values, for statistics (no dates, amounts or codes of its own). */
export const INDICATORS_PATH = '/api/v1/indicators';
/** Most EU references one lookup may name. */
export const MAX_LOOKUP_REFS = 500;

/** Parts of a beneficiary's record a lookup may leave out: the service does not read them. */
export const RECORD_PARTS = ['assistance_services', 'health_services', 'visits', 'assessments'] as const;
export type RecordPart = (typeof RECORD_PARTS)[number];

const Parts = z.array(z.enum(RECORD_PARTS)).max(RECORD_PARTS.length);

/**
 * `leave_out` applies to every reference; `leave_out_for` adds parts to leave out for particular
 * references, so a batch whose cases differ in what may be read is still one lookup.
 */
export const LookupRequest = z.strictObject({
  eu_refs: z.array(z.string().regex(CASE_REF_PATTERN)).max(MAX_LOOKUP_REFS),
  leave_out: Parts.optional(),
  leave_out_for: z
    .record(z.string().regex(CASE_REF_PATTERN), Parts)
    .refine((byRef) => Object.keys(byRef).length <= MAX_LOOKUP_REFS, { message: `at most ${MAX_LOOKUP_REFS} references` })
    .optional(),
});
export type LookupRequest = z.infer<typeof LookupRequest>;

const YYYYMMDD = z.string().regex(/^\d{8}$/);

export const ApiService = z.object({
  service_type: z.string(),
  date: YYYYMMDD,
  amount_eur: z.number().int().nullable(),
  sessions: z.number().int().nullable(),
});

export const ApiVisit = z.object({
  visit_date: YYYYMMDD,
  channel: z.string(),
  in_country: z.boolean(),
});

export const ApiAssessment = z.object({
  date: YYYYMMDD,
  economic: z.number().int(),
  social: z.number().int(),
  psychosocial: z.number().int(),
});

export const ApiBeneficiary = z.object({
  beneficiary_code: z.string(),
  eu_reference: z.string(),
  services: z.array(ApiService),
  visits: z.array(ApiVisit),
  latest_assessment: ApiAssessment.nullable(),
});
export type ApiBeneficiary = z.infer<typeof ApiBeneficiary>;

export const LookupResponse = z.object({ results: z.array(ApiBeneficiary) });
export type LookupResponse = z.infer<typeof LookupResponse>;

/** The indicators export, columnar: index i of every list is one beneficiary. Scores 0-100 as elsewhere. */
export const IndicatorsResponse = z.strictObject({
  eu_references: z.array(z.string()),
  service_types: z.array(z.array(z.string())),
  visit_counts: z.array(z.number().int().nonnegative()),
  last_in_country: z.array(z.boolean().nullable()),
  economic: z.array(z.number().int().nullable()),
  social: z.array(z.number().int().nullable()),
  psychosocial: z.array(z.number().int().nullable()),
});
export type IndicatorsResponse = z.infer<typeof IndicatorsResponse>;

/** Every error the REST service sends: a stable code for machines, a message for people. */
export interface ApiError {
  error: { code: 'INVALID_LOOKUP' | 'MALFORMED_REQUEST' | 'NOT_FOUND' | 'INTERNAL_ERROR'; message: string };
}
