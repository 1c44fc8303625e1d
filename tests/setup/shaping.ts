/**
 * Every response the test suite's gateways execute is shaped twice — by Continuum's compiled
 * shaping and by Apollo Gateway's own — and a test fails when the two differ (data as JSON text,
 * key order included, and errors). So every operation of every suite is also a test of
 * gateway/shaping/shapeResponse.ts against the function it replaces.
 */
import { afterEach, expect } from 'vitest';
import { crossCheckShaping } from '../../gateway/shaping/index.js';
import { shapingDifference } from '../harness/shaping.js';

const differences: string[] = [];

crossCheckShaping((ours, apollo, input) => {
  const difference = shapingDifference(ours, apollo);
  if (difference !== null) differences.push(`${difference}\n  operation: ${input.operation.toString()}`);
});

afterEach(() => {
  const found = differences.splice(0);
  expect(found, 'Continuum and Apollo Gateway shaped a response differently').toEqual([]);
});
