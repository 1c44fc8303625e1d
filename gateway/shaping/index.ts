/**
 * Result shaping: the response made from the merged subgraph data along the client's operation,
 * compiled per request (shapeResponse.ts) and put in Apollo Gateway's place (apolloStage.ts).
 */
export { apolloComputeResponse, crossCheckShaping, installShaping, shapeResponsesOf, shapingCounts } from './apolloStage.js';
export { shapeResponse, ShapingError, type ShapingInput, type ShapingOutput } from './shapeResponse.js';
