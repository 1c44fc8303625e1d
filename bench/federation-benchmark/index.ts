/**
 * Starts the four federation gateways benchmark subgraphs on ephemeral 127.0.0.1 ports, composes
 * them with @apollo/composition (they carry no @personalData, so Continuum's linted compose does
 * not apply) and puts bare Apollo Gateway in front. The subgraphs can also be started alone, for
 * the benchmark's split layout, where their bare gateway runs in a process of its own.
 */
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { startBareGateway, type BareGateway } from '../server/bareGateway.js';
import { serveApollo, type Served } from '../server/http.js';
import { BENCHMARK_SUBGRAPHS } from './subgraphs.js';

export interface FederationBenchmarkSubgraphs {
  subgraphs: Served[];
  supergraphSdl: string;
  close(): Promise<void>;
}

export interface RunningFederationBenchmark {
  gateway: BareGateway;
  subgraphs: Served[];
  close(): Promise<void>;
}

/** The four subgraphs and their composed supergraph, without a gateway. */
export async function startFederationBenchmarkSubgraphs(): Promise<FederationBenchmarkSubgraphs> {
  const subgraphs: Served[] = [];
  const close = async () => {
    for (const s of subgraphs) await s.close().catch(() => {});
  };
  try {
    const services = [];
    for (const subgraph of BENCHMARK_SUBGRAPHS) {
      const served = await serveApollo({ schema: subgraph.schema });
      subgraphs.push(served);
      services.push({ name: subgraph.name, url: served.url, typeDefs: parse(subgraph.sdl) });
    }
    const composed = composeServices(services);
    if (composed.errors) throw new Error(`federation benchmark composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
    return { subgraphs, supergraphSdl: composed.supergraphSdl, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function startFederationBenchmark(): Promise<RunningFederationBenchmark> {
  const started = await startFederationBenchmarkSubgraphs();
  try {
    const gateway = await startBareGateway(started.supergraphSdl);
    return {
      gateway,
      subgraphs: started.subgraphs,
      async close() {
        await gateway.close();
        await started.close();
      },
    };
  } catch (error) {
    await started.close();
    throw error;
  }
}
