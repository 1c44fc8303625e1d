/**
 * The facts field decisions need about cases — owning Member State, country of origin, return,
 * assigned partner, programme enrolment, active consents — and the recorded transfer bases, read
 * from the hub's case index (tables `central.case_index`, `central.consent`,
 * `central.transfer_basis`). The hub owns this module: the gateway (which signs decisions into
 * subgraph requests) and the central subgraph (which decides its own root queries and serves the
 * case index) both load facts through here: central per request, the gateway through its facts
 * cache (./cache.ts), which every change invalidates. Either way a withdrawn consent counts from
 * the very next request.
 */
import DataLoader from 'dataloader';
import type { CaseFacts, ConsentGrant } from '../auth/decide.js';
import type { Db } from '../store/index.js';

/**
 * The EU programme's system (participant identifier): a case it participates in is enrolled in the
 * programme. Its organisation must be the policy's EU_PROGRAMME party (central checks at start).
 */
export const EU_PROGRAMME_SYSTEM = 'EU/GOV/EU-REINTEGRATION-PROGRAMME/riat';

export interface CaseFactsWithConsents {
  facts: CaseFacts;
  consents: ConsentGrant[];
  /** A transfer basis is recorded from the owning Member State to the caller's organisation. */
  transferToCaller: boolean;
}

export interface FactsRow {
  ref: string;
  owning_member_state: string;
  country_of_origin: string;
  returned: boolean;
  assigned_partner: string | null;
  enrolled: boolean;
  transfer_to_caller: boolean;
  consents: ConsentGrant[] | string;
}

/**
 * The condition under which a transfer basis `t` counts today: not revoked, and today (UTC) within
 * its validity window, both ends inclusive. The one definition the gate, case listings and the
 * `inForce` of the typed API all read.
 */
export const TRANSFER_BASIS_IN_FORCE = `t.revoked_at IS NULL AND t.valid_from <= (now() AT TIME ZONE 'UTC')::date
  AND (t.valid_until IS NULL OR t.valid_until >= (now() AT TIME ZONE 'UTC')::date)`;

/**
 * The extra columns that make a `central.case_index c` row carry its decision facts: programme
 * enrolment and the active consents. Central's own case queries select them too, so deciding a
 * page of cases costs no statement beyond reading the page.
 */
export function factsColumns(euProgrammeParam: string, callerParam: string): string {
  return `c.returned_on IS NOT NULL AS returned, ${euProgrammeParam} = ANY(c.participating_systems) AS enrolled,
    EXISTS (SELECT 1 FROM central.transfer_basis t WHERE t.exporter_member_state = c.owning_member_state
            AND t.recipient = ${callerParam} AND ${TRANSFER_BASIS_IN_FORCE}) AS transfer_to_caller,
    COALESCE((SELECT json_agg(json_build_object('recipient', k.recipient, 'categories', k.categories, 'purposes', k.purposes))
              FROM central.consent k
              WHERE k.case_ref = c.ref AND k.withdrawn_at IS NULL AND k.valid_from <= now()
                AND (k.valid_until IS NULL OR k.valid_until > now())), '[]'::json) AS consents`;
}

export function factsOf(row: FactsRow): CaseFactsWithConsents {
  return {
    facts: {
      ref: row.ref,
      owningMemberState: row.owning_member_state,
      countryOfOrigin: row.country_of_origin,
      returned: row.returned,
      assignedPartner: row.assigned_partner ? organisationOf(row.assigned_partner) : null,
      enrolledInEuProgramme: row.enrolled,
    },
    consents: typeof row.consents === 'string' ? (JSON.parse(row.consents) as ConsentGrant[]) : row.consents,
    transferToCaller: row.transfer_to_caller,
  };
}

/** One statement per batch of references; `caller` is the organisation decisions are taken for. */
export function createCaseFactsLoader(db: Db, caller: string): DataLoader<string, CaseFactsWithConsents | null> {
  return new DataLoader(async (refs) => {
    const rows = await db.query<FactsRow>(
      `SELECT c.ref, c.owning_member_state, c.country_of_origin, c.assigned_partner, ${factsColumns('$2', '$3')}
       FROM central.case_index c WHERE c.ref = ANY($1)`,
      [refs, EU_PROGRAMME_SYSTEM, caller],
    );
    const byRef = new Map(rows.map((row) => [row.ref, row]));
    return refs.map((ref) => {
      const row = byRef.get(ref);
      return row ? factsOf(row) : null;
    });
  });
}

/** Organisation part of a participant or organisation identifier (INSTANCE/CLASS/MEMBER). */
export function organisationOf(id: string): string {
  return id.split('/').slice(0, 3).join('/');
}

