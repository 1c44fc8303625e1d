/**
 * Continuum's federation conformance harness. A feature is a handful of small subgraphs — plain
 * `@apollo/subgraph` servers that know nothing of Continuum, each on its own ephemeral port —
 * composed by the hub's own composition (lint included). The same supergraph is then served by
 * two gateways side by side: bare Apollo Gateway 2.14 and Continuum's, with every guarantee on
 * (signed contexts, the static plan, the re-check of every subgraph answer, the final walk, the
 * audit record). A query is sent to both, so a test can say "Continuum answers exactly what bare
 * Apollo Gateway answers" or "…except where a rule denies, and then with the denial's code".
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse } from 'graphql';
import { expect } from 'vitest';
import { generateContextKeys } from '../../auth/context-token.js';
import { createDevIdentities, issueDevToken, type PersonaName } from '../../auth/dev-identities.js';
import { loadPolicy } from '../../auth/policy.js';
import { createTokenVerifier } from '../../auth/verify.js';
import { AuditWriter, generateAuditKeys, migrateAudit } from '../../audit/index.js';
import { sdlProbe } from '../../gateway/registry/probe.js';
import { Registry } from '../../gateway/registry/Registry.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { SupergraphSource } from '../../gateway/SupergraphSource.js';
import { composeSupergraph } from '../../schema/compose.js';
import { COMMON_SDL, FEDERATION_SPEC_URL, GDPR_SPEC_URL } from '../../schema/vocabulary.js';
import type { Purpose } from '../../schema/vocabulary.js';
import { openPglite, type Db } from '../../store/index.js';
import { migrateCentral } from '../../subgraphs/central/backend.js';

/** One subgraph of a feature: its own SDL (the harness adds the `@link` header and the vocabulary). */
export interface FeatureSubgraph {
  name: string;
  sdl: string;
  resolvers: GraphQLResolverMap<unknown>;
}

export interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Conformance {
  supergraphSdl: string;
  /** Bare Apollo Gateway's answer. */
  bare(query: string, variables?: Record<string, unknown>): Promise<Answer>;
  /** Continuum's answer, for a caller of `persona` declaring `purpose`. */
  continuum(query: string, variables?: Record<string, unknown>, as?: { persona: PersonaName; purpose: Purpose }): Promise<Answer>;
  /** How many requests each subgraph has answered so far. */
  calls(): Record<string, number>;
  stop(): Promise<void>;
}

/** Every federation directive a feature may use, and the GDPR directive composed through. */
const LINK_HEADER = `extend schema
  @link(url: "${FEDERATION_SPEC_URL}", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@override", "@inaccessible", "@interfaceObject", "@composeDirective"])
  @link(url: "${GDPR_SPEC_URL}", import: ["@personalData"])
  @composeDirective(name: "@personalData")
`;

/** Callers with every right the features need: NOT_PERSONAL reaches everyone. */
export const FULL_RIGHTS = { persona: 'be-counsellor', purpose: 'RETURN_COUNSELLING' } as const satisfies { persona: PersonaName; purpose: Purpose };

export async function startConformance(subgraphs: readonly FeatureSubgraph[]): Promise<Conformance> {
  const stops: (() => Promise<unknown>)[] = [];
  const counts = new Map<string, number>();
  let db: Db | undefined;
  try {
    const sources = [];
    for (const subgraph of subgraphs) {
      const sdl = `${LINK_HEADER}\n${COMMON_SDL}\n${subgraph.sdl}`;
      const server = new ApolloServer({
        schema: buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: subgraph.resolvers }),
        includeStacktraceInErrorResponses: false,
        plugins: [{ requestDidStart: async () => void counts.set(subgraph.name, (counts.get(subgraph.name) ?? 0) + 1) }],
      });
      const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
      stops.push(() => server.stop());
      sources.push({ name: subgraph.name, url, sdl });
    }
    const composed = composeSupergraph(sources);
    if (!composed.ok) throw new Error(`the feature does not compose: ${composed.errors.map((e) => `${e.code} ${e.message}`).join('; ')}`);
    const supergraphSdl = composed.supergraphSdl;

    const bareServer = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }), includeStacktraceInErrorResponses: false });
    const bare = await startStandaloneServer(bareServer, { listen: { port: 0, host: '127.0.0.1' } });
    stops.push(() => bareServer.stop());

    db = await openPglite();
    // The hub's own store, as every hub has it: the case index (empty here) and the audit log.
    await migrateCentral(db);
    await migrateAudit(db);
    const policy = loadPolicy();
    const contextKeys = await generateContextKeys();
    const audit = new AuditWriter(db, await generateAuditKeys());
    stops.push(() => audit.close());
    const registry = new Registry(db, audit, sdlProbe(contextKeys), policy);
    await registry.migrate();
    const identities = await createDevIdentities();
    const gateway: RunningGateway = await startGateway({
      supergraph: new SupergraphSource(supergraphSdl),
      registry,
      verifier: createTokenVerifier(identities.trust),
      policy,
      store: db,
      contextKeys,
      audit,
      port: 0,
      logLevel: 'silent',
    });
    stops.push(() => gateway.close());

    const post = async (url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
      return (await response.json()) as Answer;
    };
    const opened = db;
    return {
      supergraphSdl,
      bare: (query, variables = {}) => post(bare.url, query, variables),
      continuum: async (query, variables = {}, as = FULL_RIGHTS) =>
        post(gateway.url, query, variables, { authorization: `Bearer ${await issueDevToken(identities, as.persona)}`, 'x-purpose': as.purpose }),
      calls: () => Object.fromEntries(counts),
      async stop() {
        for (const stop of stops.reverse()) await stop();
        await opened.close();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await db?.close().catch(() => {});
    throw error;
  }
}

/**
 * What "the same answer" means. The data must be identical, and the errors the same, one for one
 * at the same paths, with the same messages and codes — but for the two differences Continuum
 * makes on purpose for every caller (docs/ARCHITECTURE.md):
 * - no "Did you mean …" suggestions outside development: they would name fields a caller cannot see;
 * - a subgraph's own error text is never passed on, since a national system's message may carry
 *   anything: it is answered `SUBGRAPH_BACKEND_FAILED` at the same path.
 * Continuum also adds operator fields (the request id) to extensions, so codes are compared, not
 * whole extensions objects.
 */
export function expectSameAnswer(continuum: Answer, bare: Answer): void {
  expect(continuum.data).toEqual(bare.data);
  const seen = (continuum.errors ?? []).map((e, i) => {
    const other = bare.errors?.[i];
    const code = e.extensions?.code;
    if (code === 'SUBGRAPH_BACKEND_FAILED' && other?.path) return { path: e.path, masked: true };
    return { path: e.path, message: e.message, code };
  });
  const expected = (bare.errors ?? []).map((e, i) => {
    const ours = continuum.errors?.[i];
    if (ours?.extensions?.code === 'SUBGRAPH_BACKEND_FAILED' && e.path) return { path: e.path, masked: true };
    return { path: e.path, message: e.message.replace(/ Did you mean .*\?$/, ''), code: e.extensions?.code };
  });
  expect(seen).toEqual(expected);
}
