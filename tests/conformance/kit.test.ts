/**
 * The conformance suite against a kit subgraph (Nigeria's referral mechanism, ng-referrals, on its
 * own PGlite database with synthetic cases): it trusts the suite's current key as its gateway key,
 * as a kit subgraph trusts one key, and passes every check — rotation does not apply to one key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importContextPublicKey } from '../../auth/context-token.js';
import { KEY_FILES, runConformance, type SuiteKeys } from '../../conformance/index.js';
import { ngReferralsSystem, syntheticNrmFile } from '../../subgraphs/ng-referrals/index.js';
import { startSubgraph, syntheticCases, type RunningSubgraph } from '../../subgraphs/kit/index.js';
import type { OpenedSystem } from '../../subgraphs/system.js';
import { openPglite, type Db } from '../../store/index.js';
import { suiteKeys } from './harness.js';

const all = [...syntheticCases(400)];
const withReferrals = all.filter((c) => (syntheticNrmFile(c)?.referrals.length ?? 0) >= 2).map((c) => c.ref);

let keys: SuiteKeys;
let db: Db;
let opened: OpenedSystem;
let subgraph: RunningSubgraph;

beforeAll(async () => {
  const suite = await suiteKeys();
  keys = suite.keys;
  db = await openPglite();
  await ngReferralsSystem.migrate(db);
  await ngReferralsSystem.seed(db, all);
  opened = await ngReferralsSystem.open(db, { logLevel: 'silent' });
  // The partner's configuration: the suite's current public key as the gateway's context key.
  const contextKey = await importContextPublicKey(JSON.parse(readFileSync(join(suite.dir, KEY_FILES.current), 'utf8')) as JWK);
  subgraph = await startSubgraph(opened.module, { port: 0, logLevel: 'silent', contextKey });
});

afterAll(async () => {
  await subgraph?.close();
  await opened?.close();
  await db?.close();
});

describe('conformance of a kit subgraph', () => {
  it('passes every check, rotation not applying to a subgraph that trusts one key', async () => {
    expect(withReferrals.length).toBeGreaterThanOrEqual(2);
    const report = await runConformance({ url: subgraph.url, name: 'ng-referrals', keys, singleKey: true, cases: withReferrals.slice(0, 3), remit: ['CASE_ADMIN', 'REFERRAL'] });
    expect(report.results.filter((r) => r.outcome.status === 'fail').map((r) => `${r.id} ${r.title}: ${'detail' in r.outcome ? r.outcome.detail : ''}`)).toEqual([]);
    expect(report.results.filter((r) => r.outcome.status === 'n/a').map((r) => r.id)).toEqual([20]);
  });
});
