/**
 * Resolvers of the central case index. Central holds the facts decisions depend on, so it
 * decides its own root queries: `cases` lists only cases the caller is a party to (nothing by
 * default), `case` refuses an unrelated case with the deciding code, and every field of a case
 * is decided per category by the same function the gateway uses (auth/decide.ts).
 */
import DataLoader from 'dataloader';
import { z } from 'zod';
import type { SubgraphContext } from '../../auth/context-token.js';
import { CASE_INDEPENDENT, decide, decideWithoutCase, disclosed, UNKNOWN_CASE, type Decision, type Requester } from '../../auth/decide.js';
import type { Grant, Policy } from '../../auth/policy.js';
import { isCaseRef, isIsoDateTime } from '../../contract/index.js';
import { DATA_CATEGORIES, PURPOSES, type DataCategory } from '../../contract/index.js';
import type { Db } from '../../store/index.js';
import type { FieldOutcome } from '../kit/access.js';
import { byKeys, nativeDateTime, type KitContext, type Resolvers } from '../kit/index.js';
import { createCaseFactsLoader, factsColumns, factsOf, organisationOf, TRANSFER_BASIS_IN_FORCE, type CaseFactsWithConsents, type FactsRow } from '../../facts/index.js';
import { badInput, denied, invalidInput } from './errors.js';
import { EU_PROGRAMME_SYSTEM, MEMBER_STATE_SYSTEMS } from './participants.js';

interface CaseRow extends FactsRow {
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

interface ConsentRow {
  id: string;
  case_ref: string;
  recipient: string;
  categories: string[];
  purposes: string[];
  valid_from: Date | string;
  valid_until: Date | string | null;
  evidence_hash: string;
  recorded_at: Date | string;
  withdrawn_at: Date | string | null;
}

export interface CentralLoaders {
  caseByRef: DataLoader<string, CaseRow | null>;
  consentsByCase: DataLoader<string, ConsentRow[]>;
  facts: DataLoader<string, CaseFactsWithConsents | null>;
}

type Context = CentralLoaders & KitContext;

/** Case columns plus the decision facts ($1: the EU programme's system identifier, $2: the caller's organisation). */
const CASE_COLUMNS = `c.ref, c.owning_member_state, c.country_of_origin, c.status, c.return_type, c.opened_on,
  c.returned_on, c.updated_at, c.assigned_partner, o.name AS partner_name, o.country AS partner_country,
  c.participating_systems, ${factsColumns('$1', '$2')}`;
const CASE_FROM = 'central.case_index c LEFT JOIN central.organisation o ON o.id = c.assigned_partner';
const CONSENT_COLUMNS = 'id, case_ref, recipient, categories, purposes, valid_from, valid_until, evidence_hash, recorded_at, withdrawn_at';
const MAX_PAGE = 100;

export function createCentralLoaders(db: Db, caller: string): CentralLoaders {
  const facts = createCaseFactsLoader(db, caller);
  return {
    caseByRef: new DataLoader(async (refs) => {
      const rows = await db.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM ${CASE_FROM} WHERE c.ref = ANY($3)`, [EU_PROGRAMME_SYSTEM, caller, refs]);
      // Reading a case is reading its decision facts: no second statement to decide its fields.
      for (const row of rows) facts.prime(row.ref, factsOf(row));
      return byKeys(refs, rows, (row) => row.ref);
    }),
    consentsByCase: new DataLoader(async (refs) => {
      const rows = await db.query<ConsentRow>(`SELECT ${CONSENT_COLUMNS} FROM central.consent WHERE case_ref = ANY($1) ORDER BY recorded_at, id`, [refs]);
      return refs.map((ref) => rows.filter((row) => row.case_ref === ref));
    }),
    facts,
  };
}

export function requesterOf(caller: SubgraphContext): Requester {
  return { organisation: caller.organisation, country: caller.country, roles: caller.roles, purpose: caller.purpose };
}

/** Decides one category of one case with the facts of the central store. */
export async function decideHere(policy: Policy, context: Context, ref: string, category: DataCategory): Promise<Decision> {
  const found = await context.facts.load(ref);
  if (!found) return UNKNOWN_CASE;
  // The facts were read for this caller: the recipient of any transfer is the caller.
  return decide(policy, requesterOf(context.caller), category, { facts: found.facts, consents: found.consents, hasTransferBasis: () => found.transferToCaller });
}

export function localDecider(policy: Policy) {
  // One decision per case and category per request (a page asks for each case's fields one by
  // one); once known it is answered synchronously. Never kept beyond the request's context.
  const decided = new WeakMap<Context, Map<string, FieldOutcome | Promise<FieldOutcome>>>();
  const decideOnce = async (context: Context, ref: string | null, category: DataCategory): Promise<FieldOutcome> => {
    // Audit records and aggregates are decided without the case, even when they name one.
    const decision = ref === null || CASE_INDEPENDENT.has(category) ? decideWithoutCase(policy, requesterOf(context.caller), category) : await decideHere(policy, context, ref, category);
    return decision.released ? 'R' : disclosed(decision);
  };
  return (context: Context, ref: string | null, category: DataCategory): FieldOutcome | Promise<FieldOutcome> => {
    let byKey = decided.get(context);
    if (!byKey) decided.set(context, (byKey = new Map()));
    const key = `${ref ?? ''}|${category}`;
    const known = byKey.get(key);
    if (known !== undefined) return known;
    const pending = decideOnce(context, ref, category).then((outcome) => {
      byKey.set(key, outcome);
      return outcome;
    });
    byKey.set(key, pending);
    return pending;
  };
}

export const encodeCursor = (ref: string) => Buffer.from(ref, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const ref = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isCaseRef(ref)) throw badInput('after: not a cursor returned by this API');
  return ref;
}

/**
 * The SQL condition under which one grant gives the caller a case: its relationship, its consent
 * when the grant needs one, and a recorded transfer basis for a recipient outside the EU/EEA.
 */
function grantPredicate(policy: Policy, requester: Requester, grant: Grant, param: (value: unknown) => string): string | null {
  const clauses: string[] = [];
  switch (grant.relationship) {
    case 'OWNING_MEMBER_STATE':
      clauses.push(`c.owning_member_state = ${param(requester.country)}`);
      break;
    case 'ASSIGNED_PARTNER':
      clauses.push(`c.assigned_partner = ${param(requester.organisation)}`);
      break;
    case 'COUNTRY_OF_ORIGIN_AFTER_RETURN':
      clauses.push(`c.country_of_origin = ${param(requester.country)} AND c.returned_on IS NOT NULL`);
      break;
    case 'EU_PROGRAMME':
      // The programme itself (auth/policy.yaml, parties), not whoever asserts its role, on an enrolled case.
      if (requester.organisation !== policy.document.parties.EU_PROGRAMME) return 'false';
      clauses.push(`${param(EU_PROGRAMME_SYSTEM)} = ANY(c.participating_systems)`);
      break;
    case 'NONE':
      return null;
  }
  if (grant.consent) {
    clauses.push(`EXISTS (SELECT 1 FROM central.consent k WHERE k.case_ref = c.ref AND k.recipient = ${param(requester.organisation)}
      AND 'CASE_ADMIN' = ANY(k.categories) AND ${param(requester.purpose)} = ANY(k.purposes) AND k.withdrawn_at IS NULL
      AND k.valid_from <= now() AND (k.valid_until IS NULL OR k.valid_until > now()))`);
  }
  if (!policy.isEuEea(requester.country)) {
    clauses.push(`EXISTS (SELECT 1 FROM central.transfer_basis t WHERE t.exporter_member_state = c.owning_member_state
      AND t.recipient = ${param(requester.organisation)} AND ${TRANSFER_BASIS_IN_FORCE})`);
  }
  return `(${clauses.join(' AND ')})`;
}

interface CasesArgs {
  filter?: { countryOfOrigin?: string; memberState?: string; status?: string; updatedSince?: string } | null;
  first: number;
  after?: string | null;
}

/** Categories and purposes decided without a case (auth/decide.ts): no consent can matter to them. */
const CONSENTABLE_CATEGORIES = DATA_CATEGORIES.filter((c) => c !== 'NOT_PERSONAL' && !CASE_INDEPENDENT.has(c));
const CONSENTABLE_PURPOSES = PURPOSES.filter((p) => p !== 'AUDIT' && p !== 'OPERATIONS' && p !== 'STATISTICS');
const distinct = (values: readonly string[]) => new Set(values).size === values.length;

const RecordConsentInput = z
  .strictObject({
    caseRef: z.string().refine(isCaseRef, 'not a case reference'),
    recipient: z.string().regex(/^[A-Z]{2,3}\/[A-Z]+\/[A-Z0-9-]+$/, 'not an organisation identifier'),
    categories: z
      .array(z.enum(CONSENTABLE_CATEGORIES, `must be one of ${CONSENTABLE_CATEGORIES.join(', ')}`))
      .min(1, 'name at least one category')
      .refine(distinct, 'must not name a category twice'),
    purposes: z
      .array(z.enum(CONSENTABLE_PURPOSES, `must be one of ${CONSENTABLE_PURPOSES.join(', ')}`))
      .min(1, 'name at least one purpose')
      .refine(distinct, 'must not name a purpose twice'),
    validFrom: z.string().refine(isIsoDateTime, 'not an ISO date-time'),
    validUntil: z.string().refine(isIsoDateTime, 'not an ISO date-time').nullish(),
    evidenceHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest in lower-case hex'),
  })
  .refine((k) => !k.validUntil || Date.parse(k.validUntil) > Date.parse(k.validFrom), { path: ['validUntil'], message: 'must be after validFrom' });

function fileTypeOf(memberState: string): string | null {
  return MEMBER_STATE_SYSTEMS.find((s) => s.memberState === memberState)?.fileType ?? null;
}

function consentObject(row: ConsentRow) {
  return {
    id: row.id,
    caseRef: row.case_ref,
    recipient: row.recipient,
    categories: row.categories,
    purposes: row.purposes,
    validFrom: nativeDateTime(row.valid_from, 'valid_from'),
    validUntil: nativeDateTime(row.valid_until, 'valid_until'),
    evidenceHash: row.evidence_hash,
    recordedAt: nativeDateTime(row.recorded_at, 'recorded_at'),
    withdrawnAt: nativeDateTime(row.withdrawn_at, 'withdrawn_at'),
  };
}

export function centralResolvers(db: Db, policy: Policy): Resolvers<Context> {
  // Enrolment is read from the programme's system taking part in a case: it must be the programme's own.
  if (organisationOf(EU_PROGRAMME_SYSTEM) !== policy.document.parties.EU_PROGRAMME) {
    throw new TypeError(`The policy names ${policy.document.parties.EU_PROGRAMME} as the EU programme, but its system ${EU_PROGRAMME_SYSTEM} belongs to another organisation.`);
  }
  /** Consent changes are for the roles the policy names (changes.consents), of the Member State that owns the case. */
  const assertOwningOfficer = async (context: Context, ref: string) => {
    const row = await context.caseByRef.load(ref);
    if (!row || !policy.mayChange('consents', context.caller.roles) || row.owning_member_state !== context.caller.country) {
      throw denied('Only officers of the Member State that owns the case may record or withdraw its consents.', 'FORBIDDEN_FIELD', 'consent.owning-member-state-only');
    }
  };

  return {
    Query: {
      case: async (_root, { ref }: { ref: string }, context: Context) => {
        // A reference the index does not hold is refused exactly as a case the caller is not a
        // party to: references cannot be enumerated (DESIGN §5, "Non-parties learn nothing").
        const row = await context.caseByRef.load(ref);
        const decision = row ? await decideHere(policy, context, ref, 'CASE_ADMIN') : UNKNOWN_CASE;
        if (!decision.released) {
          const shown = disclosed(decision);
          return denied(`Case "${ref}" is not released to you: ${shown.code} by rule ${shown.rule}.`, shown.code, shown.rule, 'CASE_ADMIN');
        }
        return row;
      },
      cases: async (_root, args: CasesArgs, context: Context) => {
        if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE) throw badInput(`first: must be between 1 and ${MAX_PAGE}`);
        const params: unknown[] = [EU_PROGRAMME_SYSTEM, context.caller.organisation];
        const param = (value: unknown) => {
          params.push(value);
          return `$${params.length}`;
        };
        const requester = requesterOf(context.caller);
        const grants = policy.grantsFor(requester.roles, requester.purpose).get('CASE_ADMIN') ?? [];
        const related = grants.map((grant) => grantPredicate(policy, requester, grant, param)).filter((p): p is string => p !== null);
        // Nothing by default: a caller no rule relates to any case lists none.
        const where = [related.length > 0 ? `(${related.join(' OR ')})` : 'false'];
        const filter = args.filter ?? {};
        if (filter.countryOfOrigin) where.push(`c.country_of_origin = ${param(filter.countryOfOrigin)}`);
        if (filter.memberState) where.push(`c.owning_member_state = ${param(filter.memberState)}`);
        if (filter.status) where.push(`c.status = ${param(filter.status)}`);
        if (filter.updatedSince) where.push(`c.updated_at >= ${param(filter.updatedSince)}`);
        const filterSql = where.join(' AND ');
        const pageWhere = args.after ? `${filterSql} AND c.ref > ${param(decodeCursor(args.after))}` : filterSql;
        const limit = param(args.first + 1);
        // One statement whatever the page holds: the LATERAL join yields one row even when empty.
        const rows = await db.query<CaseRow & { total: number }>(
          `SELECT p.*, (SELECT count(*)::int FROM central.case_index c WHERE ${filterSql}) AS total
           FROM (SELECT 1) AS one
           LEFT JOIN LATERAL (SELECT ${CASE_COLUMNS} FROM ${CASE_FROM} WHERE ${pageWhere} ORDER BY c.ref LIMIT ${limit}) p ON true`,
          params,
        );
        const found = rows.filter((row) => row.ref !== null);
        const page = found.slice(0, args.first);
        // Prime the loaders so entity look-ups and field decisions in this request cost nothing more.
        for (const row of page) {
          context.caseByRef.prime(row.ref, row);
          context.facts.prime(row.ref, factsOf(row));
        }
        const total = rows[0]?.total ?? 0;
        const last = page[page.length - 1];
        return {
          // `ref` on edges and page info lets the kit decide their CASE_ADMIN fields per case.
          edges: page.map((row) => ({ ref: row.ref, cursor: encodeCursor(row.ref), node: row })),
          pageInfo: { ref: last?.ref ?? null, hasNextPage: found.length > args.first, endCursor: last ? encodeCursor(last.ref) : null },
          totalCount: total,
        };
      },
    },
    Mutation: {
      recordConsent: async (_root, { input }: { input: unknown }, context: Context) => {
        const parsed = RecordConsentInput.safeParse(input);
        if (!parsed.success) throw invalidInput('input', parsed.error);
        const consent = parsed.data;
        await assertOwningOfficer(context, consent.caseRef);
        const known = await db.query('SELECT 1 FROM central.organisation WHERE id = $1', [consent.recipient]);
        if (known.length === 0) throw badInput('input.recipient: not an organisation taking part in the hub');
        const [row] = await db.query<ConsentRow>(
          `INSERT INTO central.consent (case_ref, recipient, categories, purposes, valid_from, valid_until, evidence_hash, recorded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${CONSENT_COLUMNS}`,
          [consent.caseRef, consent.recipient, consent.categories, consent.purposes, consent.validFrom, consent.validUntil ?? null, consent.evidenceHash, context.caller.organisation],
        );
        return consentObject(row as ConsentRow);
      },
      withdrawConsent: async (_root, { id }: { id: string }, context: Context) => {
        if (!z.uuid().safeParse(id).success) throw badInput('id: not a consent identifier');
        const [existing] = await db.query<ConsentRow>(`SELECT ${CONSENT_COLUMNS} FROM central.consent WHERE id = $1`, [id]);
        if (!existing) throw badInput('id: no such consent');
        await assertOwningOfficer(context, existing.case_ref);
        const [row] = await db.query<ConsentRow>(
          `UPDATE central.consent SET withdrawn_at = COALESCE(withdrawn_at, now()), withdrawn_by = COALESCE(withdrawn_by, $2)
           WHERE id = $1 RETURNING ${CONSENT_COLUMNS}`,
          [id, context.caller.organisation],
        );
        return consentObject(row as ConsentRow);
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
      consents: async (row: CaseRow, _args: unknown, context: Context) => (await context.consentsByCase.load(row.ref)).map(consentObject),
    },
    MemberStateFile: {
      __resolveType: (file: { __typename: string }) => file.__typename,
    },
  };
}
