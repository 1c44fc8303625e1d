/**
 * The baseline: bare Apollo Gateway on Apollo Server — no Continuum plugins, no authentication,
 * no enforcement, no audit — over a static supergraph. Telemetry is off (APOLLO_TELEMETRY_DISABLED
 * is set by the server process before Apollo loads; usage reporting and inline traces disabled).
 */
import { ApolloGateway } from '@apollo/gateway';
import { serveApollo, type Served } from './http.js';

export interface BareGateway extends Served {
  gateway: ApolloGateway;
}

export async function startBareGateway(supergraphSdl: string): Promise<BareGateway> {
  const gateway = new ApolloGateway({ supergraphSdl, logger: { debug() {}, info() {}, warn() {}, error: (m) => console.error(m) } });
  const served = await serveApollo({ gateway });
  return { ...served, gateway };
}
