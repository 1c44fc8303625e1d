/**
 * Imported first by the kit's surface (./index.ts). A subgraph runs on networks with no internet
 * and must send nothing outside the gateway's requests: Apollo's libraries otherwise report usage
 * to Apollo's cloud. The kit's server also turns off Apollo Server's reporting plugins
 * (./server.ts `airGappedPlugins`).
 */
process.env.APOLLO_TELEMETRY_DISABLED = 'true';
export {};
