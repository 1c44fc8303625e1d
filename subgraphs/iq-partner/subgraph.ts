/**
 * The iq-partner subgraph: extends `Case` with the Iraqi partner's file. Entities arrive as
 * `{ ref }`; the file loads through a per-request DataLoader, so one gateway `_entities` fetch
 * costs one REST call (up to the API's 500 references per lookup).
 */
import DataLoader from 'dataloader';
import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { statisticsSigned, type KitContext, type SubgraphModule } from '../kit/index.js';
import { isCaseRef, type DataCategory } from '../../contract/index.js';
import { MAX_LOOKUP_REFS, type ApiBeneficiary, type RecordPart } from './api.js';
import type { PartnerClient } from './client.js';
import { EMPTY_CONTRIBUTION, IQ_STATISTICS_SDL, partnerContribution } from './statistics.js';
import { mapPartnerFile, type ReintegrationPartnerFile } from './mapping.js';

export const IQ_PARTNER_SDL = `${readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')}\n${IQ_STATISTICS_SDL}`;

export interface IqPartnerLoaders {
  partnerFiles: DataLoader<string, ApiBeneficiary | null>;
}

interface CaseRepresentation {
  ref: string;
}

type Context = IqPartnerLoaders & KitContext;

/** Rejects a malformed reference up front: the partner API would refuse the whole batch for it. */
function caseReference(representation: CaseRepresentation): CaseRepresentation {
  if (!isCaseRef(representation.ref)) {
    throw new GraphQLError('Case representation has no valid case reference.', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return { ref: representation.ref };
}

/** The parts of the partner's record whose categories (./schema.graphql) are not released. */
function leftOut(released: ReadonlySet<DataCategory>): RecordPart[] {
  return [
    ...(released.has('REINTEGRATION') ? [] : (['assistance_services'] as const)),
    ...(released.has('HEALTH') ? [] : (['health_services'] as const)),
    ...(released.has('MONITORING') ? [] : (['visits', 'assessments'] as const)),
  ];
}

/** `partner` is the participant id reported on every file. */
export function iqPartnerSubgraph(client: PartnerClient, partner: string): SubgraphModule<IqPartnerLoaders> {
  return {
    name: 'iq-partner',
    typeDefs: IQ_PARTNER_SDL,
    // Each batch is looked up group by group of cases sharing what is released to this request,
    // each lookup asking the partner to leave out the parts of denied categories: never read.
    createLoaders: (_caller, released) => ({
      partnerFiles: new DataLoader<string, ApiBeneficiary | null>(
        (refs) =>
          released.byReleased(refs, async (group, categories) => new Map((await client.lookup(group, leftOut(categories))).map((record) => [record.eu_reference, record]))),
        { maxBatchSize: MAX_LOOKUP_REFS },
      ),
    }),
    checkHealth: () => client.health(),
    resolvers: {
      Query: {
        // Read only when the gateway signed STATISTICS for the request (the values are nothing else's).
        iqPartnerStatistics: async (_root: unknown, _args: unknown, context: Context) => (statisticsSigned(context.caller) ? partnerContribution(await client.indicators()) : EMPTY_CONTRIBUTION),
      },
      Case: {
        __resolveReference: (representation: CaseRepresentation) => caseReference(representation),
        // Mapped here, per case, so a record with a drifted code fails only its own field.
        partnerFile: async (parent: CaseRepresentation, _args: unknown, context: Context): Promise<ReintegrationPartnerFile | null> => {
          const record = await context.partnerFiles.load(parent.ref);
          return record === null ? null : mapPartnerFile(record, partner);
        },
      },
    },
  };
}
