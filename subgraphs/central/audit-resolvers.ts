/**
 * Resolvers of the auditor API. Central shares the hub's store, so it reads `audit.*` directly.
 * Which rows a caller sees is decided in SQL (audit/query.ts): a DPO sees every record, an
 * AUDITOR their own organisation's, anyone else is refused with FORBIDDEN_FIELD
 * (`audit.visibility`) — checked on the context the gateway signed, not on anything the caller
 * sent. The fields themselves are AUDIT and decided by the kit like every other field.
 */
import { GraphQLError, Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import { importAuditPublicKey, storedCheckpoint, verifyChain, verifyCheckpoint } from '../../audit/index.js';
import {
  AuditFilterSchema,
  AUDIT_ROW_COLUMNS,
  auditRecordView,
  auditCountsSql,
  auditVisibilityOf,
  auditWhere,
  contentOf,
  SqlParams,
  type AuditFilter,
  type ContentForms,
  type AuditRow,
  type AuditVisibility,
} from '../../audit/query.js';
import { caseAccessesOf } from '../../audit/record.js';
import { DATA_CATEGORIES } from '../../contract/index.js';
import type { Db } from '../../store/index.js';
import type { CryptoKey, JWK } from 'jose';
import { z } from 'zod';
import type { KitContext, Resolvers } from '../kit/index.js';

export interface AuditApiOptions {
  /** The hub's audit public key; without it auditChainStatus cannot verify anything. */
  publicJwk?: JWK | undefined;
}

const MAX_PAGE = 200;
const MAX_TIMELINE_POINTS = 5000;
const MAX_PROBLEMS = 20;
const BUCKETS = { HOUR: 'hour', DAY: 'day', WEEK: 'week', MONTH: 'month' } as const;
const REPORTED_CATEGORIES = new Set<string>(DATA_CATEGORIES.filter((c) => c !== 'NOT_PERSONAL' && c !== 'AUDIT'));

export const ACCESS_REPORT_NOTICE =
  'This report lists every release of personal data about this case through the Continuum hub: when, for which purpose, ' +
  'to which organisation and which categories of data. In line with the Court of Justice of the EU (case C-579/21), it does ' +
  'not name the individual officials who consulted the data; they acted on behalf of the organisation listed. Reviews of the ' +
  'access log by auditors and supervisory authorities are not listed (GDPR Art. 4(9)). Records older than the retention ' +
  'period have been removed under the retention policy and are not listed.';

function forbidden(message: string, rule: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN_FIELD', rule, category: 'AUDIT' } });
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function visibilityOf(context: KitContext): AuditVisibility {
  const visibility = auditVisibilityOf(context.caller);
  if (!visibility) throw forbidden('The access log is open to auditors and data protection officers, for purpose AUDIT.', 'audit.visibility');
  return visibility;
}

function filterOf(input: unknown): AuditFilter {
  const parsed = AuditFilterSchema.safeParse(input ?? {});
  if (!parsed.success) throw badInput(`filter: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(filter)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * A page's cursor: the last record's time (microseconds since the epoch, as stored) and seq.
 * Pages run newest first by (recorded_at, seq) — the order of both time indexes — so a page is a
 * range scan from the cursor however large the log (seq alone is nearly but not exactly time
 * order: the time is the request's, the seq the commit's).
 */
const Cursor = z.string().regex(/^at:-?[0-9]{1,17}:seq:[1-9][0-9]{0,15}$/);
const encodeCursor = (atMicros: string, seq: number) => Buffer.from(`at:${atMicros}:seq:${seq}`, 'utf8').toString('base64url');

function decodeCursor(cursor: string): { atMicros: string; seq: number } {
  const parsed = Cursor.safeParse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!parsed.success) throw badInput('after: not a cursor returned by this API');
  const [, atMicros, , seq] = parsed.data.split(':') as [string, string, string, string];
  return { atMicros, seq: Number(seq) };
}

/** Whether the query asks for `field` of the object this resolver returns (fragments included). */
function selects(info: GraphQLResolveInfo, field: string): boolean {
  const within = (selections: readonly SelectionNode[]): boolean =>
    selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === field;
      if (selection.kind === Kind.INLINE_FRAGMENT) return within(selection.selectionSet.selections);
      const fragment = info.fragments[selection.name.value];
      return fragment !== undefined && within(fragment.selectionSet.selections);
    });
  return info.fieldNodes.some((node) => node.selectionSet !== undefined && within(node.selectionSet.selections));
}

export function auditResolvers(db: Db, options: AuditApiOptions = {}): Resolvers<KitContext> {
  let publicKey: Promise<CryptoKey> | undefined;
  const keyOf = () => {
    if (!options.publicJwk) throw new GraphQLError('The hub audit public key is not configured.', { extensions: { code: 'AUDIT_KEY_MISSING' } });
    return (publicKey ??= importAuditPublicKey(options.publicJwk));
  };

  return {
    Query: {
      auditRecords: async (_root, args: { filter?: unknown; first: number; after?: string | null }, context: KitContext, info: GraphQLResolveInfo) => {
        const visibility = visibilityOf(context);
        const filter = filterOf(args.filter);
        if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE) throw badInput(`first: must be between 1 and ${MAX_PAGE}`);
        const params = new SqlParams();
        const where = auditWhere(visibility, filter, params);
        const cursor = args.after ? decodeCursor(args.after) : null;
        const page = cursor ? ` AND (r.recorded_at, r.seq) < (timestamptz 'epoch' + ${params.add(cursor.atMicros)}::bigint * interval '1 microsecond', ${params.add(cursor.seq)})` : '';
        const rows = await db.query<AuditRow & { at_us: string | number }>(
          `SELECT ${AUDIT_ROW_COLUMNS}, (extract(epoch FROM r.recorded_at) * 1000000)::bigint AS at_us FROM audit.record r
           WHERE ${where}${page} ORDER BY r.recorded_at DESC, r.seq DESC LIMIT ${params.add(args.first + 1)}`,
          params.values,
        );
        const nodes = rows.slice(0, args.first);
        const last = nodes[nodes.length - 1];
        // Counted only when asked for, and from the hourly rollup where the filter allows.
        let totalCount: number | null = null;
        if (selects(info, 'totalCount')) {
          const counting = new SqlParams();
          const [total] = await db.query<{ n: string | number | null }>(`SELECT sum(n) AS n FROM (${auditCountsSql(visibility, filter, null, counting)}) c`, counting.values);
          totalCount = Number(total?.n ?? 0);
        }
        return {
          edges: nodes.map((row) => ({ cursor: encodeCursor(String(row.at_us), Number(row.seq)), node: auditRecordView(row) })),
          pageInfo: { hasNextPage: rows.length > args.first, endCursor: last ? encodeCursor(String(last.at_us), Number(last.seq)) : null },
          totalCount,
        };
      },

      auditTimeline: async (_root, args: { filter?: unknown; bucket: keyof typeof BUCKETS }, context: KitContext) => {
        const visibility = visibilityOf(context);
        const filter = filterOf(args.filter);
        const unit = BUCKETS[args.bucket];
        if (!unit) throw badInput('bucket: unknown');
        const params = new SqlParams();
        const rows = await db.query<{ start: Date | string; purpose: string | null; outcome: string; n: number | string }>(
          `${auditCountsSql(visibility, filter, unit, params)} ORDER BY 1, 2, 3 LIMIT ${MAX_TIMELINE_POINTS + 1}`,
          params.values,
        );
        if (rows.length > MAX_TIMELINE_POINTS) throw badInput(`bucket: more than ${MAX_TIMELINE_POINTS} points; narrow the time range or choose a larger bucket`);
        return rows.map((row) => ({ start: new Date(row.start).toISOString(), purpose: row.purpose, outcome: row.outcome, count: Number(row.n) }));
      },

      auditChainStatus: async (_root, _args: unknown, context: KitContext) => {
        // The chain's integrity is not about any one organisation's records: auditors verify it too.
        visibilityOf(context);
        const report = await verifyChain(db, await keyOf());
        return { ...report, problems: report.problems.slice(0, MAX_PROBLEMS), checkedAt: new Date().toISOString() };
      },

      auditCheckpoint: async (_root, args: { seq?: number | null }, context: KitContext) => {
        visibilityOf(context);
        const seq = args.seq ?? undefined;
        if (seq !== undefined && (!Number.isSafeInteger(seq) || seq < 1)) throw badInput('seq: must be a record number (a whole number from 1)');
        const found = await storedCheckpoint(db, seq);
        if (!found) return null;
        let claims;
        try {
          claims = await verifyCheckpoint(await keyOf(), found.jws);
        } catch {
          // Hand out only what a verifier will accept; auditChainStatus names the bad checkpoint.
          throw new GraphQLError(`The stored checkpoint of record ${found.seq} is not signed by the hub's audit key; see auditChainStatus.`, {
            extensions: { code: 'AUDIT_CHECKPOINT_INVALID', hubCode: 'HUB_AUDIT_CHECKPOINT_INVALID' },
          });
        }
        return { seq: claims.seq, hash: claims.hash, signedAt: claims.time, jws: found.jws };
      },

      accessReport: async (_root, { caseRef }: { caseRef: string }, context: KitContext) => {
        const visibility = auditVisibilityOf(context.caller);
        const refuse = () => forbidden('The access report of a case is for the DPO, or an auditor of the Member State that owns the case.', 'audit.access-report');
        if (!visibility) throw refuse();
        const [found] = await db.query<{ owning_member_state: string }>('SELECT owning_member_state FROM central.case_index WHERE ref = $1', [caseRef]);
        if (visibility.scope !== 'ALL' && found?.owning_member_state !== context.caller.country) throw refuse();
        if (!found) return null;
        // The cases column finds the records (GIN index); verification proves it lists exactly the
        // content's cases, so a reference removed from it is reported, not silently left out here.
        // What the report says comes from the hashed content (parsed here, not by the database).
        const rows = await db.query<ContentForms>(
          'SELECT r.body, r.content_v1 FROM audit.record r WHERE r.cases @> ARRAY[$1]::text[] AND r.purged_at IS NULL ORDER BY r.seq',
          [caseRef],
        );
        const accesses: { time: string; purpose: string | null; organisation: string; categories: string[]; bases: string[] }[] = [];
        for (const row of rows) {
          const content = contentOf(row);
          const organisation = content?.caller?.organisation;
          if (!content || !organisation) continue;
          const entry = caseAccessesOf(content).find((c) => c.ref === caseRef);
          const released = (entry?.released ?? []).filter((r) => REPORTED_CATEGORIES.has(r.category));
          if (released.length === 0) continue;
          accesses.push({
            time: new Date(content.time).toISOString(),
            purpose: content.purpose,
            organisation,
            categories: [...new Set(released.map((r) => r.category))].sort(),
            bases: [...new Set(released.map((r) => r.basis))].sort(),
          });
        }
        const ids = [...new Set(accesses.map((a) => a.organisation))];
        const organisations = new Map(
          (await db.query<{ id: string; name: string; country: string }>('SELECT id, name, country FROM central.organisation WHERE id = ANY($1)', [ids])).map((o) => [o.id, o]),
        );
        return {
          caseRef,
          owningMemberState: found.owning_member_state,
          generatedAt: new Date().toISOString(),
          accesses: accesses.map(({ organisation, ...access }) => ({
            ...access,
            recipient: { id: organisation, name: organisations.get(organisation)?.name ?? null, country: organisations.get(organisation)?.country ?? null },
          })),
          accessCount: accesses.length,
          recipientCount: ids.length,
          // A purged record no longer says which case it concerned (retention removed that too).
          purgedCount: 0,
          notice: ACCESS_REPORT_NOTICE,
        };
      },
    },
  };
}
