/**
 * The enforcement edge a partner runs in front of any federation subgraph (`npx continuum edge`).
 * @module edge
 */
export { startEdge, CONTEXT_EXTENSION, type RunningEdge, type EdgeOptions } from './server.js';
export { loadEdgeConfig, EdgeConfigSchema, EdgeConfigError, EDGE_ENV, type EdgeConfig } from './config.js';
export { EDGE_CODES, REFUSAL_MESSAGE } from './errors.js';
export { edgeLogger, type EdgeLogger, type LogFields } from './log.js';
export { TrustedKeys, importKeySet, EdgeKeyError } from './keys.js';
export { Enforcer, DECISION_MISSING, CASE_UNKNOWN, HIDDEN_PREFIX } from './enforce.js';
export { edgeSchema, readCategories, EdgeSchemaError } from './schema.js';
