/**
 * The de-cases SubgraphModule: a per-request DataLoader that fetches any number of German files
 * in ONE SQL statement, and field resolvers that map each part of a file on demand. Mapping per
 * field (not per file) means one bad native code nulls only the part it sits in, with an error,
 * while the rest of the file is still delivered.
 */
import DataLoader from 'dataloader';
import type { Db } from '../../store/index.js';
import { byKeys, statisticsSigned, type KitContext, type SubgraphModule } from '../kit/index.js';
import { ping, selectAkten, type AkteRow } from './backend.js';
import {
  mapAsylverfahren,
  mapBeratung,
  mapGesundheit,
  mapPerson,
  mapReise,
  mapRueckkehrentscheidung,
  mapVulnerabilitaet,
} from './mapping.js';
import { DE_CASES_SDL } from './schema.js';
import { germanContribution, DE_STATISTICS_SDL } from './statistics.js';

export const SUBGRAPH_NAME = 'de-cases';

export interface DeCasesLoaders {
  akten: DataLoader<string, AkteRow | null>;
}

type Context = DeCasesLoaders & KitContext;

export function deCasesModule(db: Db): SubgraphModule<DeCasesLoaders> {
  return {
    name: SUBGRAPH_NAME,
    typeDefs: `${DE_CASES_SDL}\n${DE_STATISTICS_SDL}`,
    // Each batch is one statement that reads every part only for the cases it is released for:
    // a denied part is never read, and a page whose cases differ is still one read.
    createLoaders: (_caller, released) => ({
      akten: new DataLoader<string, AkteRow | null>((refs) =>
        selectAkten(db, refs, released).then((rows) => byKeys(refs, rows, (row) => row.eu_fallnummer)),
      ),
    }),
    checkHealth: () => ping(db),
    resolvers: {
      Query: {
        // Read only when the gateway signed STATISTICS for the request (the values are nothing else's).
        germanCaseStatistics: (_root: unknown, _args: unknown, context: Context) => (statisticsSigned(context.caller) ? germanContribution(db) : { count: 0, rows: '' }),
      },
      GermanCaseFile: {
        __resolveReference: (reference: { caseRef?: unknown }, context: Context) =>
          // A representation without a usable key is simply not a file this system holds.
          typeof reference.caseRef === 'string' ? context.akten.load(reference.caseRef) : null,
        caseRef: (row: AkteRow) => row.eu_fallnummer,
        memberState: () => 'DE',
        localReference: (row: AkteRow) => row.aktenzeichen,
        person: (row: AkteRow) => mapPerson(row.person, row.ausweise),
        counsellingSessions: (row: AkteRow) => row.beratungen.map(mapBeratung),
        vulnerability: (row: AkteRow) => mapVulnerabilitaet(row.vulnerabilitaet),
        medical: (row: AkteRow) => mapGesundheit(row.gesundheit),
        returnDecision: (row: AkteRow) => mapRueckkehrentscheidung(row.rueckkehrentscheidung),
        asylumHistory: (row: AkteRow) => mapAsylverfahren(row.asylverfahren),
        travel: (row: AkteRow) => mapReise(row.reise),
      },
    },
  };
}
