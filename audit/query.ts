/**
 * Reading the access log, for the auditor API (central subgraph) and the streamed export
 * (gateway): who may see which records, the filters, and one view of a record. Both read
 * `audit.*` directly and share this module, so the GraphQL answer and the export can never
 * disagree about visibility.
 *
 * Visibility is a row condition in SQL, never a filter applied afterwards: a DPO (supervisor)
 * sees every record; an AUDITOR sees only the records of their own organisation; nobody else
 * sees any.
 *
 * The conditions read the record's columns (indexed); every value served is read from the hashed
 * content. Verification proves each column equals the content (audit/columns.ts), so a column
 * changed to hide a record or show it to another organisation is reported with the record's seq.
 * Records purged by retention are not listed: nothing verifiable is left of them but their place
 * in the chain, which auditChainStatus counts.
 */
import { z } from 'zod';
import { isCaseRef, isIsoDateTime } from '../contract/index.js';
import { PURPOSES } from '../contract/index.js';
import { caseAccessesOf, type AuditContent, type AuditKind, type AuditOutcome, type DeniedCategory, type ReleasedCategory, type StoredAuditContent } from './record.js';

export const AUDIT_KINDS = ['ACCESS', 'CONSENT_CHANGE', 'TRANSFER_BASIS_CHANGE', 'REGISTRY'] as const satisfies readonly AuditKind[];
export const AUDIT_OUTCOMES = ['OK', 'PARTIAL', 'DENIED', 'REFUSED', 'ERROR'] as const satisfies readonly AuditOutcome[];

/** Who is asking, as far as the log is concerned (a verified caller or the gateway-signed context). */
export interface AuditReader {
  organisation: string;
  country: string;
  roles: readonly string[];
  purpose: string;
}

export type AuditVisibility = { scope: 'ALL' } | { scope: 'ORGANISATION'; organisation: string };

/** The records `reader` may see, or null when it may see none. Only for purpose AUDIT. */
export function auditVisibilityOf(reader: AuditReader): AuditVisibility | null {
  if (reader.purpose !== 'AUDIT') return null;
  if (reader.roles.includes('DPO')) return { scope: 'ALL' };
  if (reader.roles.includes('AUDITOR')) return { scope: 'ORGANISATION', organisation: reader.organisation };
  return null;
}

const ORGANISATION = /^[A-Z]{2,3}\/[A-Z]+\/[A-Z0-9-]+$/;
const OFFICIAL = /^[\x21-\x7e]{1,128}$/;

/** One filter for the API and the export. Every field optional; unknown fields refused. */
export const AuditFilterSchema = z
  .object({
    caseRef: z.string().refine(isCaseRef, 'not a case reference').nullish(),
    organisation: z.string().regex(ORGANISATION, 'not an organisation identifier').nullish(),
    officialId: z.string().regex(OFFICIAL, 'not an official identifier').nullish(),
    purpose: z.enum(PURPOSES).nullish(),
    outcome: z.enum(AUDIT_OUTCOMES).nullish(),
    kind: z.enum(AUDIT_KINDS).nullish(),
    from: z.string().refine(isIsoDateTime, 'not an ISO 8601 date-time').nullish(),
    to: z.string().refine(isIsoDateTime, 'not an ISO 8601 date-time').nullish(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || new Date(f.from) <= new Date(f.to), { message: 'from must not be after to', path: ['from'] });

export type AuditFilter = z.infer<typeof AuditFilterSchema>;

/** Collects positional parameters while a statement is built. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * The WHERE condition (over `audit.record r`) for what `visibility` allows and `filter` asks.
 * `from` and `to` are both inclusive.
 */
export function auditWhere(visibility: AuditVisibility, filter: AuditFilter, params: SqlParams): string {
  const where: string[] = ['r.purged_at IS NULL'];
  if (visibility.scope === 'ORGANISATION') where.push(`r.organisation = ${params.add(visibility.organisation)}`);
  if (filter.caseRef) where.push(`r.cases @> ARRAY[${params.add(filter.caseRef)}]::text[]`);
  if (filter.organisation) where.push(`r.organisation = ${params.add(filter.organisation)}`);
  if (filter.officialId) where.push(`r.official_id = ${params.add(filter.officialId)}`);
  if (filter.purpose) where.push(`r.purpose = ${params.add(filter.purpose)}`);
  if (filter.outcome) where.push(`r.outcome = ${params.add(filter.outcome)}`);
  if (filter.kind) where.push(`r.kind = ${params.add(filter.kind)}`);
  if (filter.from) where.push(`r.recorded_at >= ${params.add(filter.from)}::timestamptz`);
  if (filter.to) where.push(`r.recorded_at <= ${params.add(filter.to)}::timestamptz`);
  return where.join(' AND ');
}

/**
 * Records counted per (bucket start, purpose, outcome), for the timeline and `totalCount`. When
 * the filter asks nothing the hourly rollup lacks (a case, an official, a kind), whole hours of
 * the range are read from `audit.hourly` (one row per hour × organisation × purpose × outcome,
 * kept by the writer in each batch's statement and by retention) and only the records of the
 * partial hours at either end from `audit.record`; otherwise every record is counted. Returns the
 * statement's SQL; `unit` null counts the whole range as one bucket (start is null).
 */
export function auditCountsSql(visibility: AuditVisibility, filter: AuditFilter, unit: string | null, params: SqlParams): string {
  const bucket = (column: string) => (unit === null ? 'NULL::timestamptz' : `date_trunc(${params.add(unit)}, ${column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`);
  if (filter.caseRef || filter.officialId || filter.kind) {
    return `SELECT ${bucket('r.recorded_at')} AS start, r.purpose, r.outcome, count(*) AS n FROM audit.record r WHERE ${auditWhere(visibility, filter, params)} GROUP BY 1, 2, 3`;
  }
  // Whole hours inside [from, to]: from `lo` (from, rounded up to the hour) to before `hi` (the
  // hour `to` falls in, unless `to` is its last microsecond).
  const hourOf = (instant: string) => `(date_trunc('hour', ${instant} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
  const from = filter.from ? `${params.add(filter.from)}::timestamptz` : null;
  const to = filter.to ? `(${params.add(filter.to)}::timestamptz + interval '1 microsecond')` : null;
  const lo = from ? `(${hourOf(from)} + CASE WHEN ${hourOf(from)} < ${from} THEN interval '1 hour' ELSE interval '0' END)` : "'-infinity'::timestamptz";
  const hi = to ? hourOf(to) : "'infinity'::timestamptz";
  const rolled: string[] = [`h.hour >= ${lo}`, `h.hour < ${hi}`];
  if (visibility.scope === 'ORGANISATION') rolled.push(`h.organisation = ${params.add(visibility.organisation)}`);
  if (filter.organisation) rolled.push(`h.organisation = ${params.add(filter.organisation)}`);
  if (filter.purpose) rolled.push(`h.purpose = ${params.add(filter.purpose)}`);
  if (filter.outcome) rolled.push(`h.outcome = ${params.add(filter.outcome)}`);
  const edges = from || to ? `SELECT ${bucket('r.recorded_at')} AS start, r.purpose, r.outcome, count(*) AS n FROM audit.record r
       WHERE ${auditWhere(visibility, filter, params)} AND (r.recorded_at < ${lo} OR r.recorded_at >= ${hi}) GROUP BY 1, 2, 3
     UNION ALL ` : '';
  return `SELECT start, purpose, outcome, sum(n) AS n FROM (
     ${edges}SELECT ${bucket('h.hour')} AS start, NULLIF(h.purpose, '') AS purpose, h.outcome, sum(h.n) AS n FROM audit.hourly h
       WHERE ${rolled.join(' AND ')} GROUP BY 1, 2, 3
   ) counted GROUP BY 1, 2, 3 HAVING sum(n) > 0`;
}

export const AUDIT_ROW_COLUMNS = 'r.seq, r.id, r.body, r.content_v1, r.content_hash, r.hash';

/** A record's stored forms as readers select them: `body` (canonical JSON) or, before migration 004, `content_v1`. */
export interface ContentForms {
  body: string | null;
  content_v1: StoredAuditContent | string | null;
}

/** A record's content from whichever form it is stored in; null once retention purged it. */
export function contentOf(row: ContentForms): StoredAuditContent | null {
  if (row.body !== null) return JSON.parse(row.body) as StoredAuditContent;
  if (row.content_v1 === null) return null;
  return typeof row.content_v1 === 'string' ? (JSON.parse(row.content_v1) as StoredAuditContent) : row.content_v1;
}

export interface AuditRow extends ContentForms {
  seq: number | string;
  /** Served only for records written before the id was hashed with the content. */
  id: string;
  content_hash: string;
  hash: string;
}

/**
 * One record as auditors see it, every value read from the hashed content (or the chain). Readers
 * skip purged records (see auditWhere); should one reach this view, its content fields are null.
 */
export interface AuditRecordView {
  seq: number;
  id: string;
  time: string | null;
  kind: string | null;
  requestId: string | null;
  outcome: string | null;
  organisation: string | null;
  country: string | null;
  officialId: string | null;
  roles: string[] | null;
  purpose: string | null;
  operationName: string | null;
  operationType: string | null;
  code: string | null;
  subgraphs: string[] | null;
  cases: { caseRef: string; released: ReleasedCategory[]; denied: DeniedCategory[] }[] | null;
  incidents: AuditContent['incidents'] | null;
  requestHash: string | null;
  responseHash: string | null;
  contentHash: string;
  hash: string;
  purged: boolean;
}

export function auditRecordView(row: AuditRow): AuditRecordView {
  const content = contentOf(row);
  return {
    seq: Number(row.seq),
    id: content?.id ?? row.id,
    time: content ? new Date(content.time).toISOString() : null,
    kind: content?.kind ?? null,
    requestId: content?.requestId ?? null,
    outcome: content?.outcome ?? null,
    organisation: content?.caller?.organisation ?? null,
    country: content?.caller?.country ?? null,
    officialId: content?.caller?.officialId ?? null,
    roles: content?.caller ? [...content.caller.roles] : null,
    purpose: content?.purpose ?? null,
    operationName: content?.operation?.name ?? null,
    operationType: content?.operation?.type ?? null,
    code: content?.code ?? null,
    subgraphs: content ? [...content.subgraphs] : null,
    cases: content ? caseAccessesOf(content).map((c) => ({ caseRef: c.ref, released: c.released, denied: c.denied })) : null,
    incidents: content ? content.incidents : null,
    requestHash: content?.requestHash ?? null,
    responseHash: content?.responseHash ?? null,
    contentHash: row.content_hash,
    hash: row.hash,
    purged: content === null,
  };
}
