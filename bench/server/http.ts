/**
 * Serves an Apollo Server on Fastify at /graphql on 127.0.0.1, the same HTTP stack Continuum
 * uses, so the baseline and the benchmark subgraphs differ from Continuum only in what Apollo
 * runs. Air-gapped like Continuum: no usage reporting, no inline traces, no landing page.
 */
import { ApolloServer, type ApolloServerOptions, type BaseContext } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { airGappedPlugins } from '../../subgraphs/kit/server.js';

export interface Served {
  url: string;
  close(): Promise<void>;
}

export async function serveApollo(options: ApolloServerOptions<BaseContext>): Promise<Served> {
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  const apollo = new ApolloServer<BaseContext>({
    ...options,
    plugins: [...airGappedPlugins(), fastifyApolloDrainPlugin(app), ...(options.plugins ?? [])],
    includeStacktraceInErrorResponses: false,
    // The benchmark's processes are stopped by their driver, not by Apollo's own signal handlers.
    stopOnTerminationSignals: false,
  } as ApolloServerOptions<BaseContext>);
  await apollo.start();
  app.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], handler: fastifyApolloHandler(apollo) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/graphql`,
    async close() {
      await app.close();
      await apollo.stop();
    },
  };
}
