/**
 * How the gateway calls a subgraph: Apollo's RemoteGraphQLDataSource plus the request id header,
 * and a coded error naming the subgraph when it cannot be reached, so the rest of the query
 * still answers and the client knows which system is missing.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { hubError } from './errors.js';
import type { HubContext } from './context.js';

export class HubDataSource extends RemoteGraphQLDataSource<HubContext> {
  constructor(
    readonly subgraphName: string,
    url: string,
  ) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<HubContext>): void {
    if (context?.requestId && request.http) request.http.headers.set('x-request-id', context.requestId);
  }

  /**
   * Called for network failures and non-2xx answers. The client learns which subgraph failed and
   * how, never the subgraph's URL or response body (they go to the operator's log).
   */
  override didEncounterError(error: Error): void {
    const status = error instanceof GraphQLError ? (error.extensions?.response as { status?: number } | undefined)?.status : undefined;
    if (typeof status === 'number') {
      throw hubError('HUB_SUBGRAPH_ERROR', [this.subgraphName, String(status)], { serviceName: this.subgraphName });
    }
    throw hubError('HUB_SUBGRAPH_UNAVAILABLE', [this.subgraphName], { serviceName: this.subgraphName });
  }
}
