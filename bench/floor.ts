/**
 * The floor under Continuum's cost per request: the work its guarantees cannot do without,
 * measured on its own, sequentially, in CPU and event-loop time. For one request of a workload:
 * - the cases' facts and consents: from the gateway's facts cache (facts/cache.ts: nothing
 *   embedded, one version row on PostgreSQL), next to reading them from the store (one statement);
 * - writing its audit record, canonical hash included, with nothing to group it with;
 * - one context token per subgraph fetch: signed at the gateway, verified by the subgraph.
 * Walks, the subgraphs' per-field checks and denial errors come on top. `npm run bench:cpu --
 * --floor` prints it next to the per-request figures, so the floor can be set against what the
 * issue's 0.9× target leaves for all of enforcement and audit (docs/BENCHMARKS.md).
 */
import { performance } from 'node:perf_hooks';
import { contentHash, type AuditContent } from '../audit/index.js';
import { signContext, verifyContext, type SubgraphContext } from '../auth/context-token.js';
import type { RunningFederation } from '../gateway/embedded.js';
import type { Db } from '../store/index.js';
import { createCaseFactsLoader } from '../facts/index.js';

/** Milliseconds per operation: CPU on every thread, and the event loop's share. */
export interface Cost {
  cpuMs: number;
  loopMs: number;
}

export interface FloorResult {
  cases: number;
  recordBytes: number;
  fetches: number;
  /** Read from the central store (a cache miss). */
  facts: Cost;
  /** Looked up in the gateway's facts cache, which holds them (a request's cost); null without one. */
  factsCached: Cost | null;
  recordHash: Cost;
  auditAppend: Cost;
  tokenSign: Cost;
  tokenVerify: Cost;
  /** facts (cached, when the gateway caches) + audit append + fetches × (sign + verify). */
  total: Cost;
}

const WARM_UP = 20;

async function cost(times: number, operation: (i: number) => unknown): Promise<Cost> {
  for (let i = 0; i < WARM_UP; i++) await operation(i);
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  for (let i = 0; i < times; i++) await operation(i);
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000 / times, loopMs: performance.eventLoopUtilization(loop).active / times };
}

const add = (...costs: Cost[]): Cost => ({ cpuMs: costs.reduce((s, c) => s + c.cpuMs, 0), loopMs: costs.reduce((s, c) => s + c.loopMs, 0) });
const times = (n: number, c: Cost): Cost => ({ cpuMs: n * c.cpuMs, loopMs: n * c.loopMs });

/**
 * Measures the floor for the request whose audit record is `record` (the newest record after
 * sending it once), which called `fetches` subgraphs. Appends `repeat` copies of the record to
 * the store's audit log, each with its own request id.
 */
export async function measureFloor(federation: RunningFederation, db: Db, record: AuditContent, fetches: number, repeat = 200): Promise<FloorResult> {
  const refs = record.cases.map((c) => c.ref);
  const caller = record.caller;
  if (!caller || !record.purpose) throw new Error('the floor needs the record of an authenticated request');
  const facts = await cost(repeat, () => createCaseFactsLoader(db, caller.organisation).loadMany(refs));
  const cache = federation.gateway.facts;
  const factsCached = cache ? await cost(repeat * 5, () => cache.loader(caller.organisation).loadMany(refs)) : null;
  const recordHash = await cost(repeat * 2, () => contentHash(record));
  const auditAppend = await cost(repeat, (i) => federation.audit.append({ ...record, requestId: `floor-${record.requestId}-${i}` }));
  const context: SubgraphContext = { officialId: caller.officialId, organisation: caller.organisation, country: caller.country, roles: caller.roles as SubgraphContext['roles'], purpose: record.purpose as SubgraphContext['purpose'], requestId: record.requestId };
  const token = await signContext(federation.contextKeys, 'central', context);
  const tokenSign = await cost(repeat * 5, () => signContext(federation.contextKeys, 'central', context));
  const tokenVerify = await cost(repeat * 5, () => verifyContext(federation.contextKeys.publicKey, 'central', token));
  return {
    cases: refs.length,
    recordBytes: Buffer.byteLength(JSON.stringify(record)),
    fetches,
    facts,
    factsCached,
    recordHash,
    auditAppend,
    tokenSign,
    tokenVerify,
    total: add(factsCached ?? facts, auditAppend, times(fetches, add(tokenSign, tokenVerify))),
  };
}
