/**
 * Continuum's federation conformance suite: for each federation feature, small subgraphs of our
 * own (./features), served by bare Apollo Gateway and by Continuum side by side (./harness.ts).
 * A caller with full rights must get exactly what bare Apollo Gateway answers — the same data and
 * the same errors; a caller without a right gets the same answer but for the denied fields, which
 * are null with the denial's code at their exact paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature } from './features/feature.js';
import { unionIntersection } from './features/unions.js';
import { requiresInputs } from './features/requires.js';
import { keys } from './features/keys.js';
import { provides } from './features/provides.js';
import { override } from './features/override.js';
import { interfaceObject, nonResolvableInterfaceObject } from './features/interface-objects.js';
import { sharing } from './features/sharing.js';
import { abstractTypes } from './features/abstract.js';
import { mutations } from './features/mutations.js';
import { expectSameAnswer, startConformance, type Conformance } from './harness.js';

const FEATURES: Feature[] = [keys, requiresInputs, provides, override, interfaceObject, nonResolvableInterfaceObject, sharing, unionIntersection, abstractTypes, mutations];

describe.each(FEATURES)('federation: $name', (feature) => {
  let hub: Conformance;
  beforeAll(async () => {
    hub = await startConformance(feature.subgraphs);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it.each(feature.queries)('answers "$name" exactly as bare Apollo Gateway does', async ({ query, variables }) => {
    feature.reset?.();
    const bare = await hub.bare(query, variables);
    feature.reset?.();
    const continuum = await hub.continuum(query, variables);
    expectSameAnswer(continuum, bare);
  });

  if (feature.denials?.length) {
    it.each(feature.denials)('$name', async ({ query, variables, as, data, denials }) => {
      const answer = await hub.continuum(query, variables, as);
      expect(answer.data).toEqual(data);
      expect(answer.errors?.map((e) => ({ path: e.path, code: e.extensions?.code }))).toEqual(denials);
    });
  }
});
