/**
 * The iq-partner subgraph: extends `Case` with the Iraqi partner's file. Entities arrive as
 * `{ ref }`; the file loads through a per-request DataLoader, so one gateway `_entities` fetch
 * costs one REST call (up to the API's 500 references per lookup).
 */
import DataLoader from 'dataloader';
import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { byKeys, statisticsSigned, type KitContext, type ReleasedCategories, type SubgraphModule } from '../kit/index.js';
import { isCaseRef, type DataCategory } from '../../contract/index.js';
import { MAX_LOOKUP_REFS, RECORD_PARTS, type ApiBeneficiary, type RecordPart } from './api.js';
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

/**
 * One lookup for a batch: the parts left out for every case as `leave_out`, the others per case
 * as `leave_out_for` (cases that share a decision vector share one released set, so one list).
 */
async function lookUpReleased(client: PartnerClient, refs: readonly string[], released: ReleasedCategories): Promise<(ApiBeneficiary | null)[]> {
  const bySet = new Map<ReadonlySet<DataCategory>, RecordPart[]>();
  const parts = refs.map((ref) => {
    const categories = released.for(ref);
    let out = bySet.get(categories);
    if (!out) bySet.set(categories, (out = leftOut(categories)));
    return out;
  });
  const everywhere = RECORD_PARTS.filter((part) => parts.every((out) => out.includes(part)));
  const perCase: Record<string, RecordPart[]> = {};
  refs.forEach((ref, i) => {
    const extra = parts[i]!.filter((part) => !everywhere.includes(part));
    if (extra.length > 0) perCase[ref] = extra;
  });
  return byKeys(refs, await client.lookup(refs, everywhere, perCase), (record) => record.eu_reference);
}

/** `partner` is the participant id reported on every file. */
export function iqPartnerSubgraph(client: PartnerClient, partner: string): SubgraphModule<IqPartnerLoaders> {
  return {
    name: 'iq-partner',
    typeDefs: IQ_PARTNER_SDL,
    // Each batch is one lookup asking the partner to leave out the parts of denied categories,
    // for every case or for the cases they are denied for: never read.
    createLoaders: (_caller, released) => ({
      partnerFiles: new DataLoader<string, ApiBeneficiary | null>((refs) => lookUpReleased(client, refs, released), { maxBatchSize: MAX_LOOKUP_REFS }),
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
