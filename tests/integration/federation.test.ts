/**
 * The foundation, end to end: five systems, each with its own native model, answering one typed
 * schema through the gateway over real HTTP — on embedded PGlite and on PostgreSQL alike. Each
 * request is made as the owning Member State's officer, who may see everything of its own cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCase, syntheticCases, type SyntheticCase } from '../../subgraphs/kit/index.js';
import { FULL_CASE } from '../../bench/workloads.js';
import { callCounts, startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';

const CASES = 300;

/**
 * The first synthetic case owned by `memberState` that every one of the five systems holds part
 * of (the page-of-50 test below covers the variety of optional parts across many cases).
 */
function completeCase(memberState: 'BE' | 'DE'): SyntheticCase {
  const found = [...syntheticCases(CASES)].find(
    (c) => c.owningMemberState === memberState && c.partnerFile?.sustainability && c.medical && c.travel && c.person.documents.length > 0,
  );
  if (!found) throw new Error(`no complete ${memberState} case among the first ${CASES}`);
  return found;
}

/** What the common schema must say for a synthetic case: the generator's truth, reshaped. */
function expectedCase(c: SyntheticCase) {
  return {
    ref: c.ref,
    owningMemberState: c.owningMemberState,
    countryOfOrigin: c.countryOfOrigin,
    status: c.status,
    returnType: c.returnType,
    openedOn: c.openedOn,
    returnedOn: c.returnedOn,
    updatedAt: c.updatedAt,
    memberStateFile: {
      __typename: c.owningMemberState === 'BE' ? 'BelgianCaseFile' : 'GermanCaseFile',
      caseRef: c.ref,
      memberState: c.owningMemberState,
      person: c.person,
      counsellingSessions: c.counselling,
      vulnerability: c.vulnerability,
      medical: c.medical,
      returnDecision: c.returnDecision,
      asylumHistory: c.asylumHistory,
      travel: c.travel,
    },
    reintegrationPlan: c.reintegration && {
      approvedOn: c.reintegration.approvedOn,
      durationMonths: c.reintegration.durationMonths,
      beneficiaryCategory: c.reintegration.beneficiaryCategory,
      needs: c.reintegration.needs,
      partnerAssignedOn: c.reintegration.partnerAssignedOn,
      budget: { capEuro: c.reintegration.budgetCapEuro, committedEuro: c.reintegration.committedEuro },
      postArrivalPackage: c.reintegration.postArrival,
    },
    partnerFile: c.partnerFile && {
      partner: 'IQ/NGO/IQ-REINTEGRATION-PARTNER/assist',
      beneficiaryCode: c.partnerFile.beneficiaryCode,
      assistance: c.partnerFile.assistance,
      healthAssistance: c.partnerFile.healthAssistance,
      monitoringVisits: c.partnerFile.visits,
      sustainability: c.partnerFile.sustainability,
    },
  };
}

describe.each(testStores)('federation on $name', (store) => {
  let federation: TestFederation;
  // The Belgian counsellor sees every category of Belgian cases; the German officer, of German ones.
  const query = (text: string, variables: Record<string, unknown> = {}, persona: 'be-counsellor' | 'de-case-officer' = 'be-counsellor') =>
    federation.query(persona, 'RETURN_COUNSELLING', text, variables);
  const belgian = [...syntheticCases(CASES)].filter((c) => c.owningMemberState === 'BE');

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it.each(['BE', 'DE'] as const)('answers one %s-owned case with data from all five systems, mapped from each native model', async (memberState) => {
    const c = completeCase(memberState);
    const persona = memberState === 'BE' ? 'be-counsellor' : 'de-case-officer';
    const result = await query(`${FULL_CASE} query($ref: CaseRef!) { case(ref: $ref) { ...FullCase } }`, { ref: c.ref }, persona);

    expect(result.errors).toBeUndefined();
    expect(result.data?.case).toMatchObject(expectedCase(c));
    expect(result.data?.case.participatingSystems).toHaveLength(3);
    expect(result.data?.case.assignedPartner).toEqual({ id: 'IQ/NGO/IQ-REINTEGRATION-PARTNER', name: 'Reintegration partner Iraq (synthetic)', country: 'IQ' });
  });

  it('refuses a case the index does not hold exactly as one the caller is not a party to', async () => {
    const result = await query('{ case(ref: "EU-2099-999999") { ref } }');
    expect(result.data).toEqual({ case: null });
    expect(result.errors).toEqual([
      {
        message: 'Case "EU-2099-999999" is not released to you: NO_RELATIONSHIP by rule case.not-a-party.',
        path: ['case'],
        extensions: { code: 'NO_RELATIONSHIP', rule: 'case.not-a-party', category: 'CASE_ADMIN', serviceName: 'central' },
      },
    ]);
  });

  it('serves a page of 50 cases with at most one backend query per subgraph per query-plan fetch', async () => {
    const before = callCounts(federation);
    const result = await query(`${FULL_CASE} { cases(first: 50) { totalCount edges { node { ...FullCase } } } }`);
    const after = callCounts(federation);

    expect(result.errors).toBeUndefined();
    expect(result.data?.cases.edges).toHaveLength(50);
    expect(result.data?.cases.edges.map((e: { node: unknown }) => e.node)).toMatchObject(belgian.slice(0, 50).map(expectedCase));
    const cost = Object.fromEntries(
      Object.keys(after).map((name) => [name, { fetches: after[name]!.fetches - before[name]!.fetches, backend: after[name]!.backend - before[name]!.backend }]),
    );
    // One fetch per subgraph the plan needs (German files are not asked for Belgian cases)…
    expect(Object.fromEntries(Object.entries(cost).map(([name, c]) => [name, c.fetches]))).toEqual({
      central: 1, 'be-cases': 1, 'de-cases': 0, 'eu-programme': 1, 'iq-partner': 1,
    });
    // …and never more than one backend query per fetch.
    for (const [name, c] of Object.entries(cost)) expect({ name, withinFetches: c.backend <= c.fetches }).toEqual({ name, withinFetches: true });
  });

  it('pages through the index with opaque cursors, without overlap', async () => {
    const pageQuery = 'query($after: String) { cases(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ref } } } }';
    const first = await query(pageQuery);
    const second = await query(pageQuery, { after: first.data?.cases.pageInfo.endCursor });

    const refs = (page: typeof first) => page.data?.cases.edges.map((e: { node: { ref: string } }) => e.node.ref);
    expect(refs(first)).toEqual(belgian.slice(0, 10).map((c) => c.ref));
    expect(refs(second)).toEqual(belgian.slice(10, 20).map((c) => c.ref));
    expect(first.data?.cases.totalCount).toBe(belgian.length);
    expect(second.data?.cases.pageInfo.hasNextPage).toBe(true);
  });

  it('filters the index by country of origin, Member State and status', async () => {
    const all = [...syntheticCases(CASES)];
    const wanted = all.filter((c) => c.countryOfOrigin === 'IQ' && c.owningMemberState === 'DE' && c.status === 'REINTEGRATION');
    const result = await query('{ cases(first: 100, filter: { countryOfOrigin: "IQ", memberState: "DE", status: REINTEGRATION }) { totalCount edges { node { ref } } } }', {}, 'de-case-officer');

    expect(result.data?.cases.totalCount).toBe(wanted.length);
    expect(result.data?.cases.edges.map((e: { node: { ref: string } }) => e.node.ref)).toEqual(wanted.map((c) => c.ref));
  });

  it('answers an empty page with the total still counted', async () => {
    const last = belgian[belgian.length - 1]!;
    const cursor = Buffer.from(last.ref).toString('base64url');
    const result = await query('query($after: String) { cases(first: 5, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ref } } } }', { after: cursor });
    expect(result.errors).toBeUndefined();
    expect(result.data?.cases).toEqual({ totalCount: belgian.length, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  it('filters the index by last change', async () => {
    const since = '2025-06-01T00:00:00.000Z';
    const wanted = belgian.filter((c) => c.updatedAt >= since);
    const result = await query('query($since: DateTime) { cases(first: 1, filter: { updatedSince: $since }) { totalCount } }', { since });
    expect(result.data?.cases.totalCount).toBe(wanted.length);
  });

  it('refuses a page larger than 100 with BAD_USER_INPUT', async () => {
    const result = await query('{ cases(first: 500) { totalCount } }');
    expect(result.errors?.[0]).toMatchObject({ message: 'first: must be between 1 and 100', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('refuses a forged cursor with BAD_USER_INPUT', async () => {
    const result = await query('{ cases(first: 5, after: "bm90LWEtcmVm") { totalCount } }');
    expect(result.errors?.[0]).toMatchObject({ message: 'after: not a cursor returned by this API', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('refuses a malformed case reference before any subgraph is called', async () => {
    const result = await query('{ case(ref: "not-a-ref") { ref } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('reports alive on /healthz and ready on /readyz when every subgraph answers', async () => {
    const base = federation.gateway.url.replace(/\/graphql$/, '');
    const health = await fetch(`${base}/healthz`);
    const ready = await fetch(`${base}/readyz`);

    expect(health.status).toBe(200);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { subgraphs: { ready: boolean }[] }).subgraphs).toHaveLength(5);
  });

  it('answers with partial data and an error naming the subgraph when one is down', async () => {
    const c = completeCase('BE');
    await federation.systems.get('iq-partner')!.subgraph.close();

    const result = await query(`${FULL_CASE} query($ref: CaseRef!) { case(ref: $ref) { ...FullCase } }`, { ref: c.ref });
    const ready = await fetch(federation.gateway.url.replace(/\/graphql$/, '/readyz'));

    expect(result.data?.case).toMatchObject({ ...expectedCase(c), partnerFile: null });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({
      message: 'Subgraph "iq-partner" is unavailable; its fields are null in this response.',
      path: ['case', 'partnerFile'],
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'iq-partner' },
    });
    // One partner down does not take the hub out of service: its state is in the body.
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', subgraphs: expect.arrayContaining([{ name: 'iq-partner', ready: false, backend: 'unreachable' }]) });
  });
});

describe('synthetic seed', () => {
  it('is deterministic: the same index always yields the same case', () => {
    expect(syntheticCase(42)).toEqual(syntheticCase(42));
    expect(syntheticCase(42)).not.toEqual(syntheticCase(43));
  });
});
