/**
 * `GET /audit/export?format=jsonl|csv&<filters>`: the access log as JSON Lines or CSV, streamed.
 *
 * Same authentication as /graphql (bearer token, `x-purpose: AUDIT`) and the same row visibility
 * as the auditor API (audit/query.ts): a DPO exports every record, an AUDITOR their own
 * organisation's. Rows go out in chain order, a keyset page at a time, so memory stays flat
 * whatever the log's size; the export stops at the last record that existed when it started.
 *
 * The export is itself an access to the log: its record is made durable before the first byte
 * leaves, and without it nothing is sent (503 AUDIT_UNAVAILABLE). Because the body is streamed
 * after that record is written, the record's `responseHash` binds what was asked (format, filter,
 * last record), not the bytes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  AUDIT_ROW_COLUMNS,
  AuditFilterSchema,
  auditRecordView,
  auditVisibilityOf,
  auditWhere,
  sha256Hex,
  SqlParams,
  type AuditContent,
  type AuditFilter,
  type AuditRecordView,
  type AuditRow,
  type AuditVisibility,
  type AuditWriter,
} from '../audit/index.js';
import type { Db } from '../store/index.js';
import type { authenticate } from './authenticate.js';
import { HubErrors, type HubErrorCode } from './errors.js';
import { sendRefusal } from './refusal.js';

export interface AuditExportOptions {
  store: Db;
  audit: AuditWriter;
  /** The same authentication preHandler as /graphql. */
  authenticate: ReturnType<typeof authenticate>;
  log: (entry: Record<string, unknown>, message: string) => void;
  /** Rows per keyset page. @default 1000 */
  pageSize?: number;
}

const Format = z.enum(['jsonl', 'csv']);
type Format = z.infer<typeof Format>;

const CONTENT_TYPES: Record<Format, string> = {
  jsonl: 'application/jsonl; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};

export const CSV_COLUMNS = [
  'seq', 'id', 'time', 'kind', 'requestId', 'organisation', 'country', 'officialId', 'roles', 'purpose', 'operationType',
  'operationName', 'outcome', 'code', 'subgraphs', 'cases', 'released', 'denied', 'incidents', 'requestHash', 'responseHash',
  'contentHash', 'hash', 'purged',
] as const;

/** RFC 4180 quoting, and a leading apostrophe for text a spreadsheet would run as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** Nested parts are flattened to `;`-separated items of `/`-separated parts. */
function csvRow(record: AuditRecordView): string {
  const list = (items: string[] | null | undefined) => (items ? items.join(';') : null);
  const cases = record.cases;
  return csvLine([
    record.seq, record.id, record.time, record.kind, record.requestId, record.organisation, record.country, record.officialId,
    list(record.roles), record.purpose, record.operationType, record.operationName, record.outcome, record.code, list(record.subgraphs),
    list(cases?.map((c) => c.caseRef)),
    list(cases?.flatMap((c) => c.released.map((r) => `${c.caseRef}/${r.category}/${r.basis}/${r.rule}`))),
    list(cases?.flatMap((c) => c.denied.map((d) => `${c.caseRef}/${d.category}/${d.code}/${d.rule}`))),
    list(record.incidents?.map((i) => `${i.subgraph}/${i.coordinate}/${i.code}/${i.rule}`)),
    record.requestHash, record.responseHash, record.contentHash, record.hash, record.purged,
  ]);
}

/** The hub's one refusal sender (./refusal.ts); the request id is the reply's request's. */
function refuse(reply: FastifyReply, code: HubErrorCode, _requestId: string, args: readonly string[] = []) {
  return sendRefusal(reply.request, reply, code, args);
}

/** A refusal on record first: when its record cannot be written, the answer is AUDIT_UNAVAILABLE (fail closed, as everywhere). */
async function refuseOnRecord(options: Pick<AuditExportOptions, 'audit' | 'log'>, reply: FastifyReply, record: AuditContent, code: HubErrorCode, args: readonly string[] = []) {
  try {
    await options.audit.append(record);
  } catch (error) {
    options.log({ requestId: reply.request.id, hubCode: HubErrors.HUB_AUDIT_UNAVAILABLE.code, cause: (error as Error).message }, 'audit export refusal: its record could not be written');
    return refuse(reply, 'HUB_AUDIT_UNAVAILABLE', reply.request.id);
  }
  return refuse(reply, code, reply.request.id, args);
}

function parseQuery(query: unknown): { format: Format; filter: AuditFilter } | { problem: string } {
  const { format, ...rest } = (query ?? {}) as Record<string, unknown>;
  const parsedFormat = Format.safeParse(format);
  if (!parsedFormat.success) return { problem: 'format must be jsonl or csv' };
  const parsed = AuditFilterSchema.safeParse(rest);
  if (!parsed.success) {
    // Names the parameter and the rule, never the value (nor an unknown parameter's name).
    return { problem: parsed.error.issues.map((i) => (i.code === 'unrecognized_keys' ? 'unknown parameter' : `${i.path.join('.')}: ${i.message}`)).join('; ') };
  }
  return { format: parsedFormat.data, filter: parsed.data };
}

function exportRecord(request: FastifyRequest, outcome: AuditContent['outcome'], code: string | null, details: unknown): AuditContent {
  const caller = request.caller!;
  const caseRef = (details as { filter?: AuditFilter } | null)?.filter?.caseRef;
  return {
    v: 2,
    kind: 'ACCESS',
    time: new Date().toISOString(),
    requestId: request.id,
    caller: { issuer: caller.issuer, organisation: caller.organisation, country: caller.country, officialId: caller.officialId, roles: [...caller.roles] },
    purpose: request.purpose ?? null,
    operation: { type: 'export', name: 'audit.export', hash: sha256Hex(JSON.stringify(details)) },
    outcome,
    ...(code ? { code } : {}),
    subgraphs: [],
    // An export filtered by case is a look at that case's audit records, as auditRecords would be.
    ...(outcome === 'OK' && caseRef
      ? { cases: [{ ref: caseRef, access: 0 }], accesses: [{ released: [{ category: 'AUDIT', basis: 'ACCOUNTABILITY', rule: 'audit.accountability', paths: [0] }], denied: [] }], paths: ['audit.export'] }
      : { cases: [], accesses: [], paths: [] }),
    incidents: [],
    requestHash: sha256Hex(JSON.stringify({ method: request.method, path: '/audit/export', query: request.query ?? null })),
    responseHash: sha256Hex(JSON.stringify({ streamed: true, details })),
  };
}

async function* rows(store: Db, visibility: AuditVisibility, filter: AuditFilter, upTo: number, pageSize: number): AsyncGenerator<AuditRecordView> {
  let after = 0;
  for (;;) {
    const params = new SqlParams();
    const where = auditWhere(visibility, filter, params);
    const page = await store.query<AuditRow>(
      `SELECT ${AUDIT_ROW_COLUMNS} FROM audit.record r
       WHERE ${where} AND r.seq > ${params.add(after)} AND r.seq <= ${params.add(upTo)} ORDER BY r.seq LIMIT ${params.add(pageSize)}`,
      params.values,
    );
    for (const row of page) yield auditRecordView(row);
    if (page.length < pageSize) return;
    after = Number(page[page.length - 1]!.seq);
  }
}

async function* encode(format: Format, records: AsyncGenerator<AuditRecordView>): AsyncGenerator<string> {
  if (format === 'csv') yield csvLine(CSV_COLUMNS);
  for await (const record of records) yield format === 'csv' ? csvRow(record) : `${JSON.stringify(record)}\n`;
}

export function registerAuditExport(app: FastifyInstance, options: AuditExportOptions): void {
  const pageSize = options.pageSize ?? 1000;
  app.route({
    url: '/audit/export',
    method: 'GET',
    preHandler: options.authenticate,
    handler: async (request, reply) => {
      const caller = request.caller!;
      const visibility = auditVisibilityOf({ ...caller, purpose: request.purpose ?? '' });
      if (!visibility) {
        return refuseOnRecord(options, reply, exportRecord(request, 'DENIED', HubErrors.HUB_AUDIT_EXPORT_FORBIDDEN.code, null), 'HUB_AUDIT_EXPORT_FORBIDDEN');
      }
      const parsed = parseQuery(request.query);
      if ('problem' in parsed) {
        return refuseOnRecord(options, reply, exportRecord(request, 'REFUSED', HubErrors.HUB_AUDIT_EXPORT_INVALID.code, null), 'HUB_AUDIT_EXPORT_INVALID', [parsed.problem]);
      }
      const { format, filter } = parsed;
      let upTo: number;
      try {
        const [last] = await options.store.query<{ seq: number | string }>('SELECT COALESCE(max(seq), 0) AS seq FROM audit.record');
        upTo = Number(last?.seq ?? 0);
        await options.audit.append(exportRecord(request, 'OK', null, { format, filter, upTo }));
      } catch (error) {
        options.log({ requestId: request.id, hubCode: HubErrors.HUB_AUDIT_UNAVAILABLE.code, cause: (error as Error).message }, 'audit export refused: its record could not be written');
        return refuse(reply, 'HUB_AUDIT_UNAVAILABLE', request.id);
      }
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const body = Readable.from(encode(format, rows(options.store, visibility, filter, upTo, pageSize)), { objectMode: false });
      body.on('error', (error) => options.log({ requestId: request.id, cause: error.message }, 'audit export failed while streaming'));
      return reply
        .header('content-type', CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="continuum-audit-${stamp}.${format}"`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(body);
    },
  });
}
