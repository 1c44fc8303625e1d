/**
 * The conformance suite against the edge: a plain @apollo/subgraph server with no Continuum code
 * (demos/plain-subgraph) behind it passes every check; the deliberately leaky one
 * (demos/leaky-subgraph) behind it passes too — it leaks nothing; and the plain subgraph alone,
 * without the edge, fails the context and enforcement checks (the suite is not vacuous).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, type ConformanceReport, type SuiteKeys } from '../../conformance/index.js';
import { startLeakySubgraph, type RunningLeakySubgraph } from '../../demos/leaky-subgraph/server.js';
import { startPlainSubgraph, type RunningPlainSubgraph } from '../../demos/plain-subgraph/server.js';
import type { RunningEdge } from '../../edge/index.js';
import { DEMO_CASES, edgeTrusting, suiteKeys } from './harness.js';

let keys: SuiteKeys;
let plain: RunningPlainSubgraph;
let leaky: RunningLeakySubgraph;
let plainEdge: RunningEdge;
let leakyEdge: RunningEdge;

beforeAll(async () => {
  const suite = await suiteKeys();
  keys = suite.keys;
  plain = await startPlainSubgraph();
  leaky = await startLeakySubgraph();
  plainEdge = await edgeTrusting(suite.jwksFile, plain.url);
  leakyEdge = await edgeTrusting(suite.jwksFile, leaky.url);
});

afterAll(async () => {
  await plainEdge?.close();
  await leakyEdge?.close();
  await plain?.close();
  await leaky?.close();
});

const failures = (report: ConformanceReport) => report.results.filter((r) => r.outcome.status === 'fail').map((r) => `${r.id} ${r.title}: ${'detail' in r.outcome ? r.outcome.detail : ''}`);

describe('conformance of the edge', () => {
  it('passes every check in front of a plain @apollo/subgraph server', async () => {
    const report = await runConformance({ url: plainEdge.url, name: 'housing', keys, singleKey: false, cases: DEMO_CASES, remit: ['CASE_ADMIN', 'REINTEGRATION', 'CONTACT', 'HEALTH'] });
    expect(failures(report)).toEqual([]);
    expect(report.results.length).toBeGreaterThanOrEqual(40);
    expect(report.notApplicable).toBe(0);
  });

  it('passes every check in front of a leaky subgraph: nothing leaks', async () => {
    const report = await runConformance({ url: leakyEdge.url, name: 'housing', keys, singleKey: false, cases: DEMO_CASES });
    expect(failures(report)).toEqual([]);
  });

  it('fails the plain subgraph without an edge: it answers anyone and enforces nothing', async () => {
    const report = await runConformance({ url: plain.url, name: 'housing', keys, singleKey: false, cases: DEMO_CASES });
    const failed = new Set(report.results.filter((r) => r.outcome.status === 'fail').map((r) => r.id));
    for (const id of [1, 4, 7, 9, 11, 12, 14, 21, 34, 35, 41, 44]) expect(failed.has(id)).toBe(true);
  });
});
