/**
 * Imported first by every gateway entry point. Continuum runs on networks with no internet and
 * must send nothing outside the configured subgraphs and stores: @apollo/gateway otherwise
 * reports usage to Apollo and probes cloud metadata addresses when it loads.
 */
process.env.APOLLO_TELEMETRY_DISABLED = 'true';
export {};
