/**
 * A plain federation subgraph with no Continuum code: @apollo/subgraph and @apollo/server, the
 * partner's schema (../housing.graphql) and its data (../housing-data.json, synthetic). It knows
 * nothing of callers, purposes or decisions and answers whatever it is asked: the edge in front
 * of it (`npx continuum edge`) is what keeps denied data on the partner's premises.
 *
 * Run: `npx tsx demos/plain-subgraph/server.ts` (PORT, default 4310).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

export const HOUSING_SDL = readFileSync(new URL('../housing.graphql', import.meta.url), 'utf8');

interface Housing {
  address: string | null;
  movedInOn: string | null;
  needs: { kind: string; healthNote: string | null }[];
}

export const HOUSING_DATA = JSON.parse(readFileSync(new URL('../housing-data.json', import.meta.url), 'utf8')) as { cases: Record<string, Housing> };

export interface RunningPlainSubgraph {
  url: string;
  /** GraphQL requests served (the edge's test counts what reaches the subgraph). */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startPlainSubgraph(options: { port?: number; host?: string } = {}): Promise<RunningPlainSubgraph> {
  const schema = buildSubgraphSchema({
    typeDefs: parse(HOUSING_SDL),
    resolvers: {
      Case: {
        __resolveReference: (reference: { ref: string }) => ({ ref: reference.ref }),
        housing: (source: { ref: string }) => HOUSING_DATA.cases[source.ref] ?? null,
      },
    },
  });
  const requests: string[] = [];
  const server = new ApolloServer({
    schema,
    plugins: [
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      { async requestDidStart({ request }) { requests.push(request.query ?? ''); } },
    ],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: options.port ?? 0, host: options.host ?? '127.0.0.1' } });
  return {
    url: `${url.replace(/\/$/, '')}/graphql`,
    requests,
    close: () => server.stop(),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const running = await startPlainSubgraph({ port: Number(process.env.PORT ?? 4310) });
  console.error(`plain housing subgraph at ${running.url}`);
  process.on('SIGTERM', () => void running.close().then(() => process.exit(0)));
}
