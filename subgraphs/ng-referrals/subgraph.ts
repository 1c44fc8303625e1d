/**
 * The ng-referrals subgraph: extends `Case` with the NRM's referrals. Entities arrive as
 * `{ ref }`; the referrals field loads through a per-request DataLoader so one gateway
 * `_entities` fetch costs one SQL statement however many cases it names.
 */
import DataLoader from 'dataloader';
import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { isCaseRef } from '@continuum/contract';
import { groupByKeys, ORGANISATIONS, subgraphSdl, type KitContext, type SubgraphModule } from '@continuum/subgraph-kit';
import type { NrmDatabase as Db } from './database.js';
import { selectReferrals } from './backend.js';
import { mapReferrals, type NrmReferralRow, type Referral } from './mapping.js';

export const NG_REFERRALS_NAME = 'ng-referrals';

/** The participant (X-Road style system identifier) that runs the NRM. */
export const NG_REFERRALS_PARTICIPANT = `${ORGANISATIONS.NG_AUTHORITY}/referrals`;

/** The subgraph's own type definitions (what the kit takes as `typeDefs`). */
export const NG_REFERRALS_SDL = readFileSync(new URL('./referrals.graphql', import.meta.url), 'utf8');

/** The full SDL (link header, shared vocabulary, own types): what the registry CLI publishes. */
export const NG_REFERRALS_FULL_SDL = subgraphSdl(NG_REFERRALS_SDL);

/** Where the full SDL is kept as a file, `subgraphs/ng-referrals/schema.graphql`; a test keeps it current. */
export const NG_REFERRALS_SCHEMA_FILE = new URL('./schema.graphql', import.meta.url);

export interface NgReferralsLoaders {
  /** Per case: the NRM's rows, or an empty list when the NRM does not know the case. */
  referrals: DataLoader<string, NrmReferralRow[]>;
}

interface CaseRepresentation {
  ref: string;
}

type Context = NgReferralsLoaders & KitContext;

/** Rejects a malformed reference up front, so one bad representation cannot poison the batch. */
function caseReference(representation: CaseRepresentation): CaseRepresentation {
  if (!isCaseRef(representation.ref)) {
    throw new GraphQLError('Case representation has no valid case reference.', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return { ref: representation.ref };
}

/** `db` answers the referral queries (and is what `backendCalls()` counts); `healthDb` answers health probes. */
export function ngReferralsSubgraph(db: Db, healthDb: Db): SubgraphModule<NgReferralsLoaders> {
  return {
    name: NG_REFERRALS_NAME,
    typeDefs: NG_REFERRALS_SDL,
    createLoaders: () => ({
      referrals: new DataLoader<string, NrmReferralRow[]>(
        async (refs) => groupByKeys(refs, await selectReferrals(db, refs), (row) => row.eu_case_no),
        // Bounded so a huge entity fetch becomes a few statements, not one with an unbounded array.
        { maxBatchSize: 1_000 },
      ),
    }),
    async checkHealth() {
      await healthDb.query('SELECT 1');
    },
    resolvers: {
      Case: {
        __resolveReference: (representation: CaseRepresentation) => caseReference(representation),
        // Mapped here, per case, so a slip with a drifted code fails only its own case's field.
        referrals: async (parent: CaseRepresentation, _args: unknown, context: Context): Promise<Referral[] | null> =>
          mapReferrals(await context.referrals.load(parent.ref)),
      },
    },
  };
}
