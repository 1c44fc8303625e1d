/**
 * The eu-programme subgraph: extends `Case` with the programme's reintegration plan. Entities
 * arrive as `{ ref }`; the plan field loads through a per-request DataLoader so one gateway
 * `_entities` fetch costs one SQL statement however many cases it names.
 */
import DataLoader from 'dataloader';
import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { byKeys, type KitContext, type SubgraphModule } from '../kit/index.js';
import { isCaseRef } from '../../contract/index.js';
import type { Db } from '../../store/index.js';
import { selectPlans } from './backend.js';
import { mapPlan, type ReintegrationPlan, type RiatPlanRow } from './mapping.js';

export const EU_PROGRAMME_SDL = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

export interface EuProgrammeLoaders {
  plans: DataLoader<string, RiatPlanRow | null>;
}

interface CaseRepresentation {
  ref: string;
}

type Context = EuProgrammeLoaders & KitContext;

/** Rejects a malformed reference up front, so one bad representation cannot poison the batch. */
function caseReference(representation: CaseRepresentation): CaseRepresentation {
  if (!isCaseRef(representation.ref)) {
    throw new GraphQLError('Case representation has no valid case reference.', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return { ref: representation.ref };
}

/** `db` answers the plan queries (and is what `backendCalls()` counts); `healthDb` answers health probes. */
export function euProgrammeSubgraph(db: Db, healthDb: Db): SubgraphModule<EuProgrammeLoaders> {
  return {
    name: 'eu-programme',
    typeDefs: EU_PROGRAMME_SDL,
    createLoaders: () => ({
      plans: new DataLoader<string, RiatPlanRow | null>(
        async (refs) => byKeys(refs, await selectPlans(db, refs), (row) => row.eu_case_reference),
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
        // Mapped here, per case, so a record with a drifted code fails only its own field.
        reintegrationPlan: async (parent: CaseRepresentation, _args: unknown, context: Context): Promise<ReintegrationPlan | null> => {
          const row = await context.plans.load(parent.ref);
          return row === null ? null : mapPlan(row);
        },
      },
    },
  };
}
