/**
 * The foundation, end to end: five systems, each with its own native model, answering one typed
 * schema through the gateway over real HTTP — on embedded PGlite and on PostgreSQL alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCase, syntheticCases, type SyntheticCase } from '../../subgraphs/kit/index.js';
import { callCounts, startTestFederation, type TestFederation } from '../harness/federation.js';
import { postGraphQL } from '../harness/graphql.js';
import { testStores } from '../harness/stores.js';

const CASES = 300;

const FULL_CASE = /* GraphQL */ `
  fragment FullCase on Case {
    ref owningMemberState countryOfOrigin status returnType openedOn returnedOn updatedAt participatingSystems
    assignedPartner { id name country }
    memberStateFile {
      __typename caseRef memberState localReference
      person {
        familyName givenNames dateOfBirth sex nationality
        documents { type number issuingCountry validUntil }
        contact { phone email addressInCountryOfOrigin }
      }
      counsellingSessions { date topic interpreterLanguage returnAccepted }
      vulnerability { assessedOn unaccompaniedMinor victimOfTrafficking disability singleParent }
      medical { assessedOn fitToTravel continuityOfCareNeeds medicationSupplyDays }
      returnDecision { decidedOn voluntaryDepartureDeadline appealPending }
      asylumHistory { lodgedOn outcome decidedOn }
      travel { plannedDeparture actualDeparture arrivalAirport escortRequired }
    }
    reintegrationPlan {
      planReference approvedOn durationMonths beneficiaryCategory needs partnerAssignedOn
      budget { capEuro committedEuro }
      postArrivalPackage { airportReception temporaryAccommodationNights cashOnArrivalEuro deliveredOn }
    }
    partnerFile {
      partner beneficiaryCode
      assistance { kind deliveredOn amountEuro }
      healthAssistance { kind deliveredOn sessions }
      monitoringVisits { date mode stillInCountry }
      sustainability { assessedOn economic social psychosocial }
    }
  }
`;

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
  const query = (text: string, variables: Record<string, unknown> = {}) => postGraphQL(federation.gateway.url, text, variables);

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it.each(['BE', 'DE'] as const)('answers one %s-owned case with data from all five systems, mapped from each native model', async (memberState) => {
    const c = completeCase(memberState);
    const result = await query(`${FULL_CASE} query($ref: CaseRef!) { case(ref: $ref) { ...FullCase } }`, { ref: c.ref });

    expect(result.errors).toBeUndefined();
    expect(result.data?.case).toMatchObject(expectedCase(c));
    expect(result.data?.case.participatingSystems).toHaveLength(3);
    expect(result.data?.case.assignedPartner).toEqual({ id: 'IQ/NGO/IQ-REINTEGRATION-PARTNER', name: 'Reintegration partner Iraq (synthetic)', country: 'IQ' });
  });

  it('answers null for a case the index does not hold', async () => {
    const result = await query('{ case(ref: "EU-2099-999999") { ref } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ case: null });
  });

  it('serves a page of 50 cases with at most one backend query per subgraph per query-plan fetch', async () => {
    const before = callCounts(federation);
    const result = await query(`${FULL_CASE} { cases(first: 50) { totalCount edges { node { ...FullCase } } } }`);
    const after = callCounts(federation);

    expect(result.errors).toBeUndefined();
    expect(result.data?.cases.edges).toHaveLength(50);
    const expected = [...syntheticCases(50)].map(expectedCase);
    expect(result.data?.cases.edges.map((e: { node: unknown }) => e.node)).toMatchObject(expected);
    for (const name of Object.keys(after)) {
      const fetches = after[name]!.fetches - before[name]!.fetches;
      const backend = after[name]!.backend - before[name]!.backend;
      expect({ name, fetches: fetches === 1 }).toEqual({ name, fetches: true });
      expect({ name, withinFetches: backend <= fetches }).toEqual({ name, withinFetches: true });
    }
  });

  it('pages through the index with opaque cursors, without overlap', async () => {
    const pageQuery = 'query($after: String) { cases(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ref } } } }';
    const first = await query(pageQuery);
    const second = await query(pageQuery, { after: first.data?.cases.pageInfo.endCursor });

    const refs = (page: typeof first) => page.data?.cases.edges.map((e: { node: { ref: string } }) => e.node.ref);
    expect(refs(first)).toEqual([...syntheticCases(10)].map((c) => c.ref));
    expect(refs(second)).toEqual([...syntheticCases(10, 10)].map((c) => c.ref));
    expect(first.data?.cases.totalCount).toBe(CASES);
    expect(second.data?.cases.pageInfo.hasNextPage).toBe(true);
  });

  it('filters the index by country of origin, Member State and status', async () => {
    const all = [...syntheticCases(CASES)];
    const wanted = all.filter((c) => c.countryOfOrigin === 'IQ' && c.owningMemberState === 'DE' && c.status === 'REINTEGRATION');
    const result = await query('{ cases(first: 100, filter: { countryOfOrigin: "IQ", memberState: "DE", status: REINTEGRATION }) { totalCount edges { node { ref } } } }');

    expect(result.data?.cases.totalCount).toBe(wanted.length);
    expect(result.data?.cases.edges.map((e: { node: { ref: string } }) => e.node.ref)).toEqual(wanted.map((c) => c.ref));
  });

  it('filters the index by last change', async () => {
    const since = '2025-06-01T00:00:00.000Z';
    const wanted = [...syntheticCases(CASES)].filter((c) => c.updatedAt >= since);
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
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'iq-partner' },
    });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not ready', subgraphs: expect.arrayContaining([{ name: 'iq-partner', ready: false }]) });
  });
});

describe('synthetic seed', () => {
  it('is deterministic: the same index always yields the same case', () => {
    expect(syntheticCase(42)).toEqual(syntheticCase(42));
    expect(syntheticCase(42)).not.toEqual(syntheticCase(43));
  });
});
