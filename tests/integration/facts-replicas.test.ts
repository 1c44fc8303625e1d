/**
 * The facts cache across two gateway replicas (startGatewayReplica, as CONTINUUM_ROLE=gateway
 * deploys them) on one PostgreSQL, each with its own connection pool and LISTEN connection,
 * under concurrent load on both: a consent withdrawn through replica A is denied on the very next
 * request through replica B, and so is every load request that started after the withdrawal
 * answered; a consent recorded through A releases on the next request through B; and with the
 * LISTEN connections killed (no notification arrives) the per-request version check alone keeps
 * it so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import type { PersonaName } from '../../auth/dev-identities.js';
import type { Purpose } from '../../contract/index.js';
import { startGatewayReplica, type RunningReplica } from '../../gateway/embedded.js';
import { openPostgres, type Db } from '../../store/index.js';
import type { SyntheticCase } from '../../subgraphs/kit/index.js';
import { allCases, assignedTo, CASES, consentTo, EVIDENCE_HASH, IQ_PARTNER, noConsentTo, ownedBy } from '../access/harness.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { postGraphQL } from '../harness/graphql.js';
import { testStores } from '../harness/stores.js';

const postgres = testStores.find((s) => s.name === 'postgres');
const withMedicalRecord = (c: SyntheticCase) => c.medical !== null;
const [WITHDRAWN, KILLED_LISTENER] = allCases(assignedTo(IQ_PARTNER), consentTo(IQ_PARTNER, 'HEALTH'), withMedicalRecord);
const [RECORDED] = allCases(ownedBy('BE'), assignedTo(IQ_PARTNER), withMedicalRecord, noConsentTo(IQ_PARTNER, 'HEALTH'));
/** Other cases of the partner the load reads, so the caches hold more than the cases under test. */
const BACKGROUND = allCases(assignedTo(IQ_PARTNER)).slice(0, 20);

const READ_MEDICAL = 'query($ref: CaseRef!) { case(ref: $ref) { memberStateFile { medical { fitToTravel } } } }';
const READ_CONSENTS = 'query($ref: CaseRef!) { case(ref: $ref) { consents { id recipient categories withdrawnAt } } }';
const WITHDRAW = 'mutation($id: ID!) { withdrawConsent(id: $id) { withdrawnAt } }';
const RECORD = 'mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }';

const officerOf = (c: SyntheticCase): PersonaName => (c.owningMemberState === 'BE' ? 'be-counsellor' : 'de-case-officer');

describe.skipIf(!postgres)('decision facts across two gateway replicas on one PostgreSQL, under load', () => {
  let federation: TestFederation;
  let replicas: { a: RunningReplica; b: RunningReplica; dbs: Db[] };

  const send = async (replica: RunningReplica, persona: PersonaName, purpose: Purpose, query: string, variables: Record<string, unknown>) =>
    postGraphQL(replica.gateway.url, query, variables, await federation.as(persona, purpose));
  const medicalThrough = (replica: RunningReplica, c: SyntheticCase) => send(replica, 'iq-partner', 'CONTINUITY_OF_CARE', READ_MEDICAL, { ref: c.ref });
  const released = (response: Awaited<ReturnType<typeof medicalThrough>>) => response.data?.case?.memberStateFile?.medical != null;
  const healthConsentOf = async (c: SyntheticCase) => {
    const response = await send(replicas.a, officerOf(c), 'RETURN_COUNSELLING', READ_CONSENTS, { ref: c.ref });
    const consents = response.data?.case.consents as { id: string; recipient: string; categories: string[]; withdrawnAt: string | null }[];
    return consents.find((k) => k.recipient === IQ_PARTNER && k.categories.includes('HEALTH') && k.withdrawnAt === null)!.id;
  };

  /**
   * Partner reads of `watched` and the background cases through both replicas, `workers` at a
   * time on each, until stopped: each read with when it started and whether medical was released.
   */
  function load(watched: SyntheticCase, workers = 3) {
    let running = true;
    const reads: { replica: 'a' | 'b'; startedAt: number; released: boolean }[] = [];
    const worker = async (name: 'a' | 'b', offset: number) => {
      for (let i = offset; running; i++) {
        const background = BACKGROUND[i % BACKGROUND.length]!;
        await medicalThrough(replicas[name], background);
        const startedAt = performance.now();
        reads.push({ replica: name, startedAt, released: released(await medicalThrough(replicas[name], watched)) });
      }
    };
    const all = (['a', 'b'] as const).flatMap((name) => Array.from({ length: workers }, (_, i) => worker(name, i * 7)));
    /** Resolves once both replicas have answered a read of `watched` started after `since`. */
    const readOnBoth = (since = 0) =>
      expect.poll(() => new Set(reads.filter((r) => r.startedAt > since).map((r) => r.replica)).size, { timeout: 30_000 }).toBe(2);
    return {
      reads,
      readOnBoth,
      async stop() {
        running = false;
        await Promise.all(all);
      },
    };
  }

  beforeAll(async () => {
    expect([WITHDRAWN, KILLED_LISTENER, RECORDED].every(Boolean)).toBe(true);
    federation = await startTestFederation(postgres!, { cases: CASES });
    // The federation's database, through pools of the replicas' own.
    const url = databaseUrlOf(process.env.CONTINUUM_TEST_DATABASE_URL!, await currentDatabase(federation.db));
    const dbs = [await openPostgres(url), await openPostgres(url)];
    const options = (db: Db) => ({ db, trust: federation.identities.trust, contextKeys: federation.contextKeys, auditKeys: federation.auditKeys, logLevel: 'silent', facts: { probeIntervalMs: 600_000 } });
    replicas = { a: await startGatewayReplica(options(dbs[0]!)), b: await startGatewayReplica(options(dbs[1]!)), dbs };
  }, 120_000);
  afterAll(async () => {
    await replicas?.a.close();
    await replicas?.b.close();
    for (const db of replicas?.dbs ?? []) await db.close();
    await federation?.stop();
  });

  it('a consent withdrawn through replica A is denied on the very next request through replica B, and on every request started after', async () => {
    const c = WITHDRAWN!;
    expect(released(await medicalThrough(replicas.b, c))).toBe(true);
    const running = load(c);
    await running.readOnBoth();
    const id = await healthConsentOf(c);

    const withdrawn = await send(replicas.a, officerOf(c), 'RETURN_COUNSELLING', WITHDRAW, { id });
    const answeredAt = performance.now();
    const next = await medicalThrough(replicas.b, c);
    await running.readOnBoth(answeredAt);
    await running.stop();

    expect(withdrawn.errors).toBeUndefined();
    expect(released(next)).toBe(false);
    expect(next.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONSENT_REQUIRED', category: 'HEALTH' }) })]);
    const before = running.reads.filter((r) => r.startedAt < answeredAt);
    const after = running.reads.filter((r) => r.startedAt > answeredAt);
    expect(new Set(after.map((r) => r.replica))).toEqual(new Set(['a', 'b']));
    expect(before.some((r) => r.released)).toBe(true);
    expect(after.filter((r) => r.released)).toEqual([]);
    // The load was served from the caches, not around them.
    expect(await cacheHitsOf(replicas.b)).toBeGreaterThan(0);
  });

  it('a consent recorded through replica A releases on the very next request through replica B', async () => {
    const c = RECORDED!;
    expect(released(await medicalThrough(replicas.b, c))).toBe(false);
    const running = load(c);
    await running.readOnBoth();

    const recorded = await send(replicas.a, officerOf(c), 'RETURN_COUNSELLING', RECORD, {
      input: { caseRef: c.ref, recipient: IQ_PARTNER, categories: ['HEALTH'], purposes: ['CONTINUITY_OF_CARE'], validFrom: new Date(Date.now() - 60_000).toISOString(), evidenceHash: EVIDENCE_HASH },
    });
    const answeredAt = performance.now();
    const next = await medicalThrough(replicas.b, c);
    await running.readOnBoth(answeredAt);
    await running.stop();

    expect(recorded.errors).toBeUndefined();
    expect(released(next)).toBe(true);
    expect(running.reads.filter((r) => r.startedAt > answeredAt && !r.released)).toEqual([]);
  });

  it('with the LISTEN connections killed, the version check alone denies the next request through replica B', async () => {
    const c = KILLED_LISTENER!;
    expect(released(await medicalThrough(replicas.b, c))).toBe(true);
    const running = load(c);
    await running.readOnBoth();
    const killed = await federation.db.query<{ ok: boolean }>(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN continuum_facts'`);
    // The hub's own gateway and both replicas each had one.
    expect(killed.length).toBeGreaterThanOrEqual(3);
    const id = await healthConsentOf(c);

    await send(replicas.a, officerOf(c), 'RETURN_COUNSELLING', WITHDRAW, { id });
    const answeredAt = performance.now();
    const next = await medicalThrough(replicas.b, c);
    await running.readOnBoth(answeredAt);
    await running.stop();

    expect(released(next)).toBe(false);
    expect(running.reads.filter((r) => r.startedAt > answeredAt && r.released)).toEqual([]);
  });
});

async function cacheHitsOf(replica: RunningReplica): Promise<number> {
  const metric = await replica.gateway.metrics.factsLookups.get();
  return metric.values.find((v) => v.labels.result === 'hit')?.value ?? 0;
}

async function currentDatabase(db: Db): Promise<string> {
  return (await db.query<{ name: string }>('SELECT current_database() AS name'))[0]!.name;
}

function databaseUrlOf(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}
