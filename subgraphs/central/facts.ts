/**
 * The facts field decisions need about cases — owning Member State, country of origin, return,
 * assigned partner, programme enrolment, active consents — and the recorded transfer bases, read
 * from the central store. The gateway (which signs decisions into subgraph requests) and the
 * central subgraph (which decides its own root queries) both load them through here, per request:
 * a withdrawn consent counts from the very next request.
 */
import DataLoader from 'dataloader';
import type { CaseFacts, ConsentGrant } from '../../auth/decide.js';
import type { Db } from '../../store/index.js';
import { byKeys } from '../kit/mapping.js';
import { EU_PROGRAMME_SYSTEM } from './participants.js';

export interface CaseFactsWithConsents {
  facts: CaseFacts;
  consents: ConsentGrant[];
}

export interface FactsRow {
  ref: string;
  owning_member_state: string;
  country_of_origin: string;
  returned: boolean;
  assigned_partner: string | null;
  enrolled: boolean;
  consents: ConsentGrant[] | string;
}

/**
 * The extra columns that make a `central.case_index c` row carry its decision facts: programme
 * enrolment and the active consents. Central's own case queries select them too, so deciding a
 * page of cases costs no statement beyond reading the page.
 */
export function factsColumns(euProgrammeParam: string): string {
  return `c.returned_on IS NOT NULL AS returned, ${euProgrammeParam} = ANY(c.participating_systems) AS enrolled,
    COALESCE((SELECT json_agg(json_build_object('recipient', k.recipient, 'categories', k.categories, 'purposes', k.purposes))
              FROM central.consent k
              WHERE k.case_ref = c.ref AND k.withdrawn_at IS NULL AND k.valid_from <= now()
                AND (k.valid_until IS NULL OR k.valid_until > now())), '[]'::json) AS consents`;
}

export { EU_PROGRAMME_SYSTEM };

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
  };
}

/** One statement per batch of references. */
export function createCaseFactsLoader(db: Db): DataLoader<string, CaseFactsWithConsents | null> {
  return new DataLoader(async (refs) => {
    const rows = await db.query<FactsRow>(
      `SELECT c.ref, c.owning_member_state, c.country_of_origin, c.assigned_partner, ${factsColumns('$2')}
       FROM central.case_index c WHERE c.ref = ANY($1)`,
      [refs, EU_PROGRAMME_SYSTEM],
    );
    return byKeys(refs, rows, (row) => row.ref).map((row) => (row ? factsOf(row) : null));
  });
}

/** Organisation part of a participant or organisation identifier (INSTANCE/CLASS/MEMBER). */
export function organisationOf(id: string): string {
  return id.split('/').slice(0, 3).join('/');
}

/** Recorded transfer bases valid today, as `exporter|recipient` keys. */
export async function loadTransferBases(db: Db): Promise<Set<string>> {
  const rows = await db.query<{ exporter_member_state: string; recipient: string }>(
    `SELECT exporter_member_state, recipient FROM central.transfer_basis
     WHERE valid_from <= current_date AND (valid_until IS NULL OR valid_until >= current_date)`,
  );
  return new Set(rows.map((r) => `${r.exporter_member_state}|${r.recipient}`));
}
