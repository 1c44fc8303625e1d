/**
 * How a suspension reaches every gateway replica: the supergraph version that suspends a
 * participant keeps its subgraphs — so consumers' documents still validate — but routes them to
 * a marker instead of their URL. A gateway never calls a subgraph routed to the marker; its
 * fields answer `null` with HUB_SUBGRAPH_SUSPENDED (gateway/HubDataSource.ts). Re-approving the
 * participant composes the real URLs back. Because the marker is part of the versioned SDL, every
 * replica switches with the version, like any other activation (docs/ARCHITECTURE.md, "Registry").
 */
const MARKER = 'urn:continuum:suspended:';

export function suspendedRoutingUrl(subgraph: string): string {
  return `${MARKER}${subgraph}`;
}

export function isSuspendedRoutingUrl(url: string | undefined): boolean {
  return typeof url === 'string' && url.startsWith(MARKER);
}
