/**
 * The compiled shaping is where Apollo Gateway shapes — for the hub's gateway only.
 *
 * It takes the place of a pinned @apollo/gateway's internal (`computeResponse` on the exports of
 * `dist/resultShaping.js`, looked up at every call by `executeQueryPlan`). These tests fail when
 * an upgrade moves or renames it, or stops calling it through the module's exports: the hub would
 * still answer correctly (with Apollo's shaping), so nothing else would notice.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApolloGateway } from '@apollo/gateway';
import { buildSchema } from 'graphql';
import { HubGateway, type SchemaUpdate } from '../../gateway/HubGateway.js';
import { installShaping, shapeResponsesOf, shapingCounts, type ShapingInput, type ShapingOutput } from '../../gateway/shaping/index.js';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { operationOf, shapingSchema } from '../harness/shaping.js';
import { testStores } from '../harness/stores.js';

const require = createRequire(import.meta.url);
const stage = () => require('@apollo/gateway/dist/resultShaping.js') as { computeResponse: (input: ShapingInput) => ShapingOutput };

describe('the shaping stage of Apollo Gateway', () => {
  it('is found, and replaced, where the pinned version has it', () => {
    expect(installShaping()).toBeNull();
    // Installing twice keeps one stage (the hub builds a gateway per replica, tests many).
    const installed = stage().computeResponse;
    expect(installShaping()).toBeNull();
    expect(stage().computeResponse).toBe(installed);
  });

  it("hands the operations of a gateway that did not ask for it to Apollo's own shaping", () => {
    expect(installShaping()).toBeNull();
    const schema = shapingSchema();
    const before = shapingCounts();
    const { data } = stage().computeResponse({ operation: operationOf(schema, '{ version }'), variables: {}, input: { version: '1' }, introspectionHandling: () => null });
    expect(data).toEqual({ version: '1' });
    // Apollo's own makes null-prototype objects; the compiled shaping makes plain ones.
    expect(Object.getPrototypeOf(data)).toBeNull();
    expect(shapingCounts().delegated).toBe(before.delegated + 1);
    expect(shapingCounts().shaped).toBe(before.shaped);
  });

  it('shapes the operations of a gateway that asked for it, by its API schema', () => {
    expect(installShaping()).toBeNull();
    const schema = shapingSchema();
    shapeResponsesOf(schema);
    const before = shapingCounts();
    const { data } = stage().computeResponse({ operation: operationOf(schema, '{ version }'), variables: {}, input: { version: '1' }, introspectionHandling: () => null });
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(shapingCounts().shaped).toBe(before.shaped + 1);
  });
});

describe('a hub gateway whose engine does not say its API schema', () => {
  it('reports that its responses are shaped by Apollo, instead of going on silently', () => {
    // An engine as an upgrade might leave it: it notifies schema updates but no longer keeps the
    // federation-internals API schema where the hub reads it.
    let notify: (update: SchemaUpdate) => void = () => {};
    const engine = { onSchemaLoadOrUpdate: (listener: (update: SchemaUpdate) => void) => ((notify = listener), () => {}) } as unknown as ApolloGateway;
    const reasons: string[] = [];
    new HubGateway(engine, undefined, undefined, (reason) => reasons.push(reason));
    notify({ apiSchema: buildSchema('type Query { version: String }'), coreSupergraphSdl: '' });
    expect(reasons).toEqual(["Apollo Gateway's engine has no API schema where the hub reads it (ApolloGateway.apiSchema)"]);
  });
});

describe.each(testStores)('the hub gateway on $name', (store) => {
  let federation: TestFederation;
  const ref = [...syntheticCases(10)].find((c) => c.owningMemberState === 'BE')!.ref;

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: 10 });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it('has every response it executes shaped by the compiled shaping', async () => {
    const before = shapingCounts();
    const response = await federation.query('be-counsellor', 'RETURN_COUNSELLING', 'query ($ref: CaseRef!) { case(ref: $ref) { ref memberStateFile { ... on BelgianCaseFile { localReference } } } }', { ref });
    expect(response.errors).toBeUndefined();
    expect(response.data?.case?.ref).toBe(ref);
    expect(typeof response.data?.case?.memberStateFile?.localReference).toBe('string');
    expect(shapingCounts().shaped).toBe(before.shaped + 1);
    expect(shapingCounts().delegated).toBe(before.delegated);
  });
});
