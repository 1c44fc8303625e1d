/**
 * The conformance suite against a Python subgraph (Debian's python3-graphene, `_service` and
 * `_entities` written by hand, no Continuum code) behind the edge: every check passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, type SuiteKeys } from '../../conformance/index.js';
import type { RunningEdge } from '../../edge/index.js';
import { startPythonSubgraph, type RunningPython } from '../edge/python.js';
import { DEMO_CASES, edgeTrusting, suiteKeys } from './harness.js';

let keys: SuiteKeys;
let python: RunningPython;
let edge: RunningEdge;

beforeAll(async () => {
  const suite = await suiteKeys();
  keys = suite.keys;
  python = await startPythonSubgraph();
  edge = await edgeTrusting(suite.jwksFile, python.url);
});

afterAll(async () => {
  await edge?.close();
  await python?.close();
});

describe('conformance of a Python subgraph behind the edge', () => {
  it('passes every check', async () => {
    const report = await runConformance({ url: edge.url, name: 'housing', keys, singleKey: false, cases: DEMO_CASES, remit: ['CASE_ADMIN', 'REINTEGRATION', 'CONTACT', 'HEALTH'] });
    expect(report.results.filter((r) => r.outcome.status === 'fail').map((r) => `${r.id} ${r.title}: ${'detail' in r.outcome ? r.outcome.detail : ''}`)).toEqual([]);
    expect(report.notApplicable).toBe(0);
  });
});
