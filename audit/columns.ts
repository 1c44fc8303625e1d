/**
 * The record's columns beside its content. Readers filter and index on them (visibility by
 * organisation, the auditor's filters, the case index of the Art. 15 report, the timeline,
 * retention by kind and age), but only the content is hashed into the chain. So the columns are
 * never written from anything but the content (`recordColumnsOf`, used by the writer), and
 * verification proves every one of them still equals what the content says
 * (`columnMismatches`, used by audit/verify.ts and retention) — a column changed by hand is
 * reported with the record's seq and the column's name, like altered content.
 *
 * Served values come from the content itself (audit/query.ts `auditRecordView`); the columns
 * only decide which records a query finds. See docs/ARCHITECTURE.md § Auditing.
 */
import { contentColumnsOf, type ContentColumns } from './bodyColumns.js';
import type { StoredAuditContent } from './record.js';

/** The columns derived from a record's content, as the writer stores them. */
export interface RecordColumns {
  recorded_at: string;
  kind: string;
  request_id: string;
  organisation: string | null;
  official_id: string | null;
  purpose: string | null;
  outcome: string;
  cases: string[];
  /** A statistics record's question hash (the budget counts them), else null. */
  statistics_question: string | null;
}

/** Every column of `audit.record` that a reader relies on and that is not the chain itself. */
export const DERIVED_COLUMNS = ['id', 'recorded_at', 'kind', 'request_id', 'organisation', 'official_id', 'purpose', 'outcome', 'cases', 'statistics_question', 'purged_at'] as const;
export type DerivedColumn = (typeof DERIVED_COLUMNS)[number];

/** The SQL select list of the derived columns (over `audit.record r`). */
export const DERIVED_COLUMNS_SQL = DERIVED_COLUMNS.map((c) => `r.${c}`).join(', ');

export function recordColumnsOf(content: StoredAuditContent): RecordColumns {
  return {
    recorded_at: content.time,
    kind: content.kind,
    request_id: content.requestId,
    organisation: content.caller?.organisation ?? null,
    official_id: content.caller?.officialId ?? null,
    purpose: content.purpose,
    outcome: content.outcome,
    cases: content.cases.map((c) => c.ref),
    statistics_question: ('statistics' in content ? content.statistics?.question : undefined) ?? null,
  };
}

/** A stored row's derived columns, as either store returns them. */
export interface StoredColumns {
  id: string;
  recorded_at: Date | string;
  kind: string;
  request_id: string;
  organisation: string | null;
  official_id: string | null;
  purpose: string | null;
  outcome: string;
  cases: string[] | string | null;
  statistics_question: string | null;
  purged_at: Date | string | null;
}

const instant = (value: Date | string): number => (value instanceof Date ? value.getTime() : Date.parse(value));

/** PostgreSQL's text form `{a,b}` when a driver hands the array over as text. */
function casesOf(value: StoredColumns['cases']): string[] | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value;
  if (value === '{}') return [];
  return value.replace(/^\{|\}$/g, '').split(',').map((ref) => ref.replace(/^"|"$/g, ''));
}

/**
 * The columns of `row` that do not say what `content` says, in DERIVED_COLUMNS order. A record
 * without content must be marked purged (readers skip only those), a live one must not be. For a
 * row as readers select it (retention); `verifiedColumnMismatches` below does the comparing.
 */
export function columnMismatches(row: StoredColumns, content: StoredAuditContent | null): DerivedColumn[] {
  const cases = casesOf(row.cases);
  const verified: VerifiedColumns = {
    ...row,
    recorded_us: instant(row.recorded_at) * 1000,
    cases_json: cases === null ? null : JSON.stringify(cases),
    purged: row.purged_at !== null,
  };
  return verifiedColumnMismatches(verified, content === null ? null : contentColumnsOf(content));
}

/**
 * A row's derived columns in the form verification reads them (`VERIFIED_COLUMNS_SQL`): exact, and
 * cheap for a driver to hand over — the time as microseconds since the epoch (no date parsing,
 * and a change below the millisecond shows too), the cases as the JSON array `array_to_json`
 * writes (no array parsing; compared as text with the refs the content names), purged as a flag.
 */
export interface VerifiedColumns extends Pick<StoredColumns, 'id' | 'kind' | 'request_id' | 'organisation' | 'official_id' | 'purpose' | 'outcome' | 'statistics_question'> {
  recorded_us: number | string | null;
  cases_json: string | null;
  purged: boolean;
}

/** The select list of `VerifiedColumns` (over `audit.record r`), one per DERIVED_COLUMNS entry. */
export const VERIFIED_COLUMNS_SQL =
  'r.id, (extract(epoch FROM r.recorded_at) * 1000000)::bigint AS recorded_us, r.kind, r.request_id, r.organisation, r.official_id, r.purpose, r.outcome, ' +
  'array_to_json(r.cases)::text AS cases_json, r.statistics_question, r.purged_at IS NOT NULL AS purged';

/**
 * The columns of `row` that do not say what the content says (`expected`, from
 * audit/bodyColumns.ts: scanned from the body or taken from parsed content), in DERIVED_COLUMNS
 * order; null `expected` is a record without content, which must be marked purged.
 */
export function verifiedColumnMismatches(row: VerifiedColumns, expected: ContentColumns | null): DerivedColumn[] {
  if (expected === null) return row.purged ? [] : ['purged_at'];
  const wrong: DerivedColumn[] = [];
  if (expected.id !== undefined && expected.id !== row.id) wrong.push('id');
  const recordedUs = row.recorded_us === null ? Number.NaN : Number(row.recorded_us);
  if (Number.isNaN(recordedUs) || recordedUs !== Date.parse(expected.time) * 1000) wrong.push('recorded_at');
  if (row.kind !== expected.kind) wrong.push('kind');
  if (row.request_id !== expected.requestId) wrong.push('request_id');
  if (row.organisation !== expected.organisation) wrong.push('organisation');
  if (row.official_id !== expected.officialId) wrong.push('official_id');
  if (row.purpose !== expected.purpose) wrong.push('purpose');
  if (row.outcome !== expected.outcome) wrong.push('outcome');
  if (row.cases_json === null || expected.casesJson === null || row.cases_json !== expected.casesJson) wrong.push('cases');
  if (row.statistics_question !== expected.statisticsQuestion) wrong.push('statistics_question');
  if (row.purged) wrong.push('purged_at');
  return wrong;
}
