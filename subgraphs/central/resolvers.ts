/**
 * Resolvers of the central case index. Case rows are loaded through a per-request DataLoader so
 * that entity look-ups from the gateway cost one statement per fetch.
 */
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { Db } from '../../store/index.js';
import { isCaseRef } from '../../schema/scalars.js';
import { byKeys, nativeDateTime, type KitContext, type Resolvers } from '../kit/index.js';
import { MEMBER_STATE_SYSTEMS } from './participants.js';

interface CaseRow {
  ref: string;
  owning_member_state: string;
  country_of_origin: string;
  status: string;
  return_type: string;
  opened_on: string;
  returned_on: string | null;
  updated_at: Date | string;
  assigned_partner: string | null;
  partner_name: string | null;
  partner_country: string | null;
  participating_systems: string[];
}

export interface CentralLoaders {
  caseByRef: DataLoader<string, CaseRow | null>;
}

type Context = CentralLoaders & KitContext;

const CASE_COLUMNS = `c.ref, c.owning_member_state, c.country_of_origin, c.status, c.return_type, c.opened_on,
  c.returned_on, c.updated_at, c.assigned_partner, o.name AS partner_name, o.country AS partner_country,
  c.participating_systems`;
const CASE_FROM = 'central.case_index c LEFT JOIN central.organisation o ON o.id = c.assigned_partner';

const MAX_PAGE = 100;

export function createCentralLoaders(db: Db): CentralLoaders {
  return {
    caseByRef: new DataLoader(async (refs) => {
      const rows = await db.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM ${CASE_FROM} WHERE c.ref = ANY($1)`, [refs]);
      return byKeys(refs, rows, (row) => row.ref);
    }),
  };
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export const encodeCursor = (ref: string) => Buffer.from(ref, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const ref = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isCaseRef(ref)) throw badInput('after: not a cursor returned by this API');
  return ref;
}

interface CasesArgs {
  filter?: { countryOfOrigin?: string; memberState?: string; status?: string; updatedSince?: string } | null;
  first: number;
  after?: string | null;
}

function fileTypeOf(memberState: string): string | null {
  return MEMBER_STATE_SYSTEMS.find((s) => s.memberState === memberState)?.fileType ?? null;
}

export function centralResolvers(db: Db): Resolvers<Context> {
  return {
    Query: {
      case: (_root, { ref }: { ref: string }, context: Context) => context.caseByRef.load(ref),
      cases: async (_root, args: CasesArgs, context: Context) => {
        if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE) {
          throw badInput(`first: must be between 1 and ${MAX_PAGE}`);
        }
        const where: string[] = [];
        const params: unknown[] = [];
        const add = (clause: string, value: unknown) => {
          params.push(value);
          where.push(clause.replace('?', `$${params.length}`));
        };
        const filter = args.filter ?? {};
        if (filter.countryOfOrigin) add('c.country_of_origin = ?', filter.countryOfOrigin);
        if (filter.memberState) add('c.owning_member_state = ?', filter.memberState);
        if (filter.status) add('c.status = ?', filter.status);
        if (filter.updatedSince) add('c.updated_at >= ?', filter.updatedSince);
        const filterSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
        const pageWhere = [...where];
        const pageParams = [...params];
        if (args.after) {
          pageParams.push(decodeCursor(args.after));
          pageWhere.push(`c.ref > $${pageParams.length}`);
        }
        pageParams.push(args.first + 1);
        const rows = await db.query<CaseRow & { total: number }>(
          `SELECT ${CASE_COLUMNS}, (SELECT count(*)::int FROM central.case_index c ${filterSql}) AS total
           FROM ${CASE_FROM} ${pageWhere.length > 0 ? `WHERE ${pageWhere.join(' AND ')}` : ''}
           ORDER BY c.ref LIMIT $${pageParams.length}`,
          pageParams,
        );
        const page = rows.slice(0, args.first);
        // Prime the loader so a nested entity look-up in the same request costs nothing more.
        for (const row of page) context.caseByRef.prime(row.ref, row);
        const total = rows[0]?.total ?? (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM central.case_index c ${filterSql}`, params))[0]?.n ?? 0;
        return {
          edges: page.map((row) => ({ cursor: encodeCursor(row.ref), node: row })),
          pageInfo: { hasNextPage: rows.length > args.first, endCursor: page.length > 0 ? encodeCursor(page[page.length - 1]!.ref) : null },
          totalCount: total,
        };
      },
    },
    Case: {
      __resolveReference: (reference: { ref: string }, context: Context) => context.caseByRef.load(reference.ref),
      owningMemberState: (row: CaseRow) => row.owning_member_state,
      countryOfOrigin: (row: CaseRow) => row.country_of_origin,
      returnType: (row: CaseRow) => row.return_type,
      openedOn: (row: CaseRow) => row.opened_on,
      returnedOn: (row: CaseRow) => row.returned_on,
      updatedAt: (row: CaseRow) => nativeDateTime(row.updated_at, 'updated_at'),
      participatingSystems: (row: CaseRow) => row.participating_systems,
      assignedPartner: (row: CaseRow) =>
        row.assigned_partner ? { id: row.assigned_partner, name: row.partner_name, country: row.partner_country } : null,
      memberStateFile: (row: CaseRow) => {
        const fileType = fileTypeOf(row.owning_member_state);
        return fileType ? { __typename: fileType, caseRef: row.ref } : null;
      },
    },
    MemberStateFile: {
      __resolveType: (file: { __typename: string }) => file.__typename,
    },
  };
}
