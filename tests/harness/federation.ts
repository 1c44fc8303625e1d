/** Brings the whole federation up on ephemeral ports over a test store, and down again. */
import { createDevIdentities, issueDevToken, type DevIdentities, type PersonaName } from '../../auth/dev-identities.js';
import { startFederation, type FederationOptions, type RunningFederation } from '../../gateway/embedded.js';
import type { Purpose } from '../../contract/index.js';
import type { Db } from '../../store/index.js';
import { postGraphQL, type GraphQLResponse } from './graphql.js';
import type { TestStore } from './stores.js';

export interface TestFederation extends RunningFederation {
  db: Db;
  identities: DevIdentities;
  /** Headers of a request by `persona` declaring `purpose`. */
  as(persona: PersonaName, purpose: Purpose): Promise<Record<string, string>>;
  /** Sends an operation through the gateway as `persona` for `purpose`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(persona: PersonaName, purpose: Purpose, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Record<string, any>>>;
  stop(): Promise<void>;
}

export async function startTestFederation(
  store: TestStore,
  options: { cases?: number; development?: boolean; logLevel?: string } & Pick<FederationOptions, 'limits' | 'resilience' | 'traces' | 'statisticsQuestionBudget'> = {},
): Promise<TestFederation> {
  const { db, drop } = await store.open();
  const identities = await createDevIdentities();
  const federation = await startFederation({
    db,
    trust: identities.trust,
    seedCases: options.cases ?? 300,
    logLevel: options.logLevel ?? 'silent',
    subgraphPortBase: 0,
    gatewayPort: 0,
    development: options.development ?? false,
    limits: options.limits,
    resilience: options.resilience,
    traces: options.traces,
    statisticsQuestionBudget: options.statisticsQuestionBudget,
  });
  const as = async (persona: PersonaName, purpose: Purpose) => ({
    authorization: `Bearer ${await issueDevToken(identities, persona)}`,
    'x-purpose': purpose,
  });
  return {
    ...federation,
    db,
    identities,
    as,
    query: async (persona, purpose, text, variables = {}) => postGraphQL(federation.gateway.url, text, variables, await as(persona, purpose)),
    async stop() {
      await federation.close();
      await drop();
    },
  };
}

/** Backend queries (or REST calls) and gateway fetches per subgraph, to diff around one request. */
export function callCounts(federation: RunningFederation): Record<string, { backend: number; fetches: number }> {
  return Object.fromEntries(
    [...federation.systems.entries()].map(([name, s]) => [name, { backend: s.opened.backendCalls(), fetches: s.subgraph.stats.requests }]),
  );
}
