/**
 * Where the compiled shaping (shapeResponse.ts) takes the place of Apollo Gateway's own.
 *
 * Apollo Gateway 2.14 has no public hook for result shaping: `executeQueryPlan` calls
 * `computeResponse` from its CommonJS module `dist/resultShaping.js`, looked up on that module's
 * exports object at every call (`(0, resultShaping_1.computeResponse)(…)`). The stage is
 * replaced there, once per process, by a function that shapes with Continuum's compiler the
 * responses of the gateways that asked for it (by their API schema, the federation-internals
 * `Schema` every operation of that gateway is built on) and hands every other call to Apollo's
 * own, unchanged: a bare Apollo Gateway in the same process (the benchmark's baseline) keeps its
 * own shaping.
 *
 * This reaches into a pinned version's internals (package.json pins @apollo/gateway exactly). When
 * the module, its export or the call through it changes, `installShaping` reports it and the hub
 * keeps Apollo's shaping — correct, only slower — and tests/shaping/apolloStage.test.ts fails, so
 * an upgrade cannot lose it unnoticed.
 */
import { createRequire } from 'node:module';
import { shapeResponse, type ShapingInput, type ShapingOutput } from './shapeResponse.js';

type ComputeResponse = (input: ShapingInput) => ShapingOutput;

const require = createRequire(import.meta.url);
const STAGE_MODULE = '@apollo/gateway/dist/resultShaping.js';
const INSTALLED = Symbol.for('continuum.shaping');

interface StageModule {
  computeResponse?: ComputeResponse & { [INSTALLED]?: true };
}

/** The API schemas whose operations Continuum shapes. */
const shapedSchemas = new WeakSet<object>();
let apolloShaping: ComputeResponse | null = null;
/** When set, every response shaped here is also shaped by Apollo and the two compared. */
let crossCheck: ((ours: ShapingOutput | Error, apollo: ShapingOutput | Error, input: ShapingInput) => void) | null = null;
const counts = { shaped: 0, delegated: 0 };

function loadStage(): StageModule | null {
  try {
    return require(STAGE_MODULE) as StageModule;
  } catch {
    return null;
  }
}

function attempt(shape: ComputeResponse, input: ShapingInput): ShapingOutput | Error {
  try {
    return shape(input);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function shapingStage(input: ShapingInput): ShapingOutput {
  if (!shapedSchemas.has(input.operation.schema())) {
    counts.delegated++;
    return apolloShaping!(input);
  }
  counts.shaped++;
  if (!crossCheck) return shapeResponse(input);
  const ours = attempt(shapeResponse, input);
  crossCheck(ours, attempt(apolloShaping!, input), input);
  if (ours instanceof Error) throw ours;
  return ours;
}
shapingStage[INSTALLED] = true as const;

/**
 * Puts the compiled shaping in Apollo Gateway's place (once per process). Returns why it could
 * not, or null when it is in place.
 */
export function installShaping(): string | null {
  const stage = loadStage();
  if (!stage) return `${STAGE_MODULE} is not there`;
  const current = stage.computeResponse;
  if (typeof current !== 'function') return `${STAGE_MODULE} has no computeResponse`;
  if (current[INSTALLED]) return null;
  const descriptor = Object.getOwnPropertyDescriptor(stage, 'computeResponse');
  if (!descriptor?.writable) return `${STAGE_MODULE}'s computeResponse cannot be replaced`;
  apolloShaping = current;
  stage.computeResponse = shapingStage;
  return null;
}

/**
 * Shapes the responses of every operation built on `apiSchema` (a gateway's federation-internals
 * API schema) with the compiled shaping. Call after `installShaping`.
 */
export function shapeResponsesOf(apiSchema: object): void {
  shapedSchemas.add(apiSchema);
}

/** Responses shaped here, and calls handed to Apollo's own shaping, since the process started. */
export function shapingCounts(): Readonly<typeof counts> {
  return { ...counts };
}

/** Apollo Gateway's own shaping, for tests that compare the two. */
export function apolloComputeResponse(): ComputeResponse {
  const stage = loadStage();
  const current = stage?.computeResponse;
  if (current && !current[INSTALLED]) return current;
  if (!apolloShaping) throw new Error(`${STAGE_MODULE}'s computeResponse is not there`);
  return apolloShaping;
}

/**
 * Development and tests only: shape every response both ways and hand both to `check`
 * (tests/setup/shaping.ts fails a test whose responses differ). Null turns it off.
 */
export function crossCheckShaping(check: typeof crossCheck): void {
  crossCheck = check;
}
