/**
 * The be-cases SubgraphModule: a per-request DataLoader that fetches any number of Belgian files
 * in ONE SQL statement, and field resolvers that map each part of a file on demand. Mapping per
 * field (not per file) means one bad native code nulls only the part it sits in, with an error,
 * while the rest of the file is still delivered.
 */
import DataLoader from 'dataloader';
import type { Db } from '../../store/index.js';
import { byKeys, statisticsSigned, type KitContext, type SubgraphModule } from '../kit/index.js';
import { ping, selectDossiers, type DossierRow } from './backend.js';
import {
  mapDecisionRetour,
  mapEntretien,
  mapHistoriqueAsile,
  mapInfoMedicale,
  mapPersonne,
  mapVoyage,
  mapVulnerabilite,
} from './mapping.js';
import { BE_CASES_SDL } from './schema.js';
import { belgianContribution, BE_STATISTICS_SDL } from './statistics.js';

export const SUBGRAPH_NAME = 'be-cases';

export interface BeCasesLoaders {
  dossiers: DataLoader<string, DossierRow | null>;
}

type Context = BeCasesLoaders & KitContext;

export function beCasesModule(db: Db): SubgraphModule<BeCasesLoaders> {
  return {
    name: SUBGRAPH_NAME,
    typeDefs: `${BE_CASES_SDL}\n${BE_STATISTICS_SDL}`,
    // Each batch is one statement that reads every part only for the cases it is released for:
    // a denied part is never read, and a page whose cases differ is still one read.
    createLoaders: (_caller, released) => ({
      dossiers: new DataLoader<string, DossierRow | null>((refs) =>
        selectDossiers(db, refs, released).then((rows) => byKeys(refs, rows, (row) => row.ref_ue)),
      ),
    }),
    checkHealth: () => ping(db),
    resolvers: {
      Query: {
        // Read only when the gateway signed STATISTICS for the request (the values are nothing else's).
        belgianCaseStatistics: (_root: unknown, _args: unknown, context: Context) => (statisticsSigned(context.caller) ? belgianContribution(db) : { count: 0, rows: '' }),
      },
      BelgianCaseFile: {
        __resolveReference: (reference: { caseRef?: unknown }, context: Context) =>
          // A representation without a usable key is simply not a file this system holds.
          typeof reference.caseRef === 'string' ? context.dossiers.load(reference.caseRef) : null,
        caseRef: (row: DossierRow) => row.ref_ue,
        memberState: () => 'BE',
        localReference: (row: DossierRow) => row.numero_dossier,
        person: (row: DossierRow) => mapPersonne(row.personne, row.documents),
        counsellingSessions: (row: DossierRow) => row.entretiens.map(mapEntretien),
        vulnerability: (row: DossierRow) => mapVulnerabilite(row.vulnerabilite),
        medical: (row: DossierRow) => mapInfoMedicale(row.medical),
        returnDecision: (row: DossierRow) => mapDecisionRetour(row.decision),
        asylumHistory: (row: DossierRow) => mapHistoriqueAsile(row.asile),
        travel: (row: DossierRow) => mapVoyage(row.voyage),
      },
    },
  };
}
