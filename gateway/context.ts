/** The per-request context the gateway builds for every operation. */
export interface HubContext {
  /** Correlates the request across gateway, subgraphs and logs. */
  requestId: string;
}
