/**
 * The iq-partner subgraph over real HTTP, calling the partner's own REST service over HTTP, which
 * reads the partner's database (in-memory PGlite, synthetic cases): mapping fidelity, one REST
 * call per entity fetch, absent files, drifted code lists, and the REST edge (bad bodies, outage).
 */
import { signedFetch, startTestSubgraph } from '../harness/subgraph.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IQ_PARTNER_PARTICIPANT, LOOKUP_PATH, iqPartnerSystem, type OpenedIqPartner } from '../../subgraphs/iq-partner/index.js';
import { syntheticCase, syntheticCases, type RunningSubgraph, type SyntheticCase } from '../../subgraphs/kit/index.js';
import { openPglite, type Db } from '../../store/index.js';

const CASES = 400;

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Case {
        ref
        partnerFile {
          partner
          beneficiaryCode
          assistance { kind deliveredOn amountEuro }
          healthAssistance { kind deliveredOn sessions }
          monitoringVisits { date mode stillInCountry }
          sustainability { assessedOn economic social psychosocial }
        }
      }
    }
  }
`;

interface GraphQLResponse {
  data?: { _entities: ({ ref: string; partnerFile: unknown } | null)[] } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

let db: Db;
let opened: OpenedIqPartner;
let subgraph: RunningSubgraph;

async function entities(url: string, refs: readonly string[]): Promise<GraphQLResponse> {
  const response = await signedFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: ENTITIES, variables: { representations: refs.map((ref) => ({ __typename: 'Case', ref })) } }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as GraphQLResponse;
}

async function lookup(body: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${opened.restUrl}${LOOKUP_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, json: await response.json() };
}

/** What the common model says the partner file is, from the generator alone. */
function expectedFile(c: SyntheticCase) {
  const file = c.partnerFile;
  if (!file) return null;
  return {
    partner: IQ_PARTNER_PARTICIPANT,
    beneficiaryCode: file.beneficiaryCode,
    assistance: file.assistance,
    healthAssistance: file.healthAssistance,
    monitoringVisits: file.visits,
    sustainability: file.sustainability,
  };
}

const firstCase = (predicate: (c: SyntheticCase) => boolean) => {
  for (const c of syntheticCases(CASES)) if (predicate(c)) return c;
  throw new Error('no synthetic case matches');
};

describe('iq-partner subgraph', () => {
  beforeAll(async () => {
    db = await openPglite();
    await iqPartnerSystem.migrate(db);
    await iqPartnerSystem.seed(db, [...syntheticCases(CASES)]);
    opened = (await iqPartnerSystem.open(db, { logLevel: 'silent' })) as OpenedIqPartner;
    subgraph = await startTestSubgraph(opened.module);
  });

  afterAll(async () => {
    await subgraph?.close();
    await opened?.close();
    await db?.close();
  });

  it('maps every native partner field back to the common model exactly', async () => {
    const all = [...syntheticCases(CASES)];
    const files = all.filter((c) => c.partnerFile);
    // The sample must exercise every list, including visits and scores.
    expect(files.length).toBeGreaterThan(10);
    expect(files.some((c) => c.partnerFile?.healthAssistance.length && c.partnerFile.visits.length && c.partnerFile.sustainability)).toBe(true);
    const result = await entities(subgraph.url, all.map((c) => c.ref));
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual(all.map((c) => ({ ref: c.ref, partnerFile: expectedFile(syntheticCase(c.index)) })));
  });

  it('answers 50 representations with exactly one REST call', async () => {
    const refs = [...syntheticCases(50, 100)].map((c) => c.ref);
    const before = opened.backendCalls();
    const result = await entities(subgraph.url, refs);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toHaveLength(50);
    expect(opened.backendCalls() - before).toBe(1);
  });

  it('resolves the partner file to null for a case this partner holds no file for', async () => {
    const withoutFile = firstCase((c) => c.partnerFile === null);
    const result = await entities(subgraph.url, [withoutFile.ref]);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([{ ref: withoutFile.ref, partnerFile: null }]);
  });

  it('fails an unknown native code with MAPPING_FAILED and no personal values in the message', async () => {
    const withFile = firstCase((c) => c.partnerFile !== null);
    const code = withFile.partnerFile?.beneficiaryCode ?? '';
    const [original] = await db.query<{ naw_khidma: string }>('SELECT naw_khidma FROM iq_partner.khidma WHERE ramz_mustafid = $1 AND tasalsul = 1', [code]);
    await db.query(`UPDATE iq_partner.khidma SET naw_khidma = 'QX9' WHERE ramz_mustafid = $1 AND tasalsul = 1`, [code]);
    try {
      const result = await entities(subgraph.url, [withFile.ref]);
      expect(result.errors).toHaveLength(1);
      const [error] = result.errors ?? [];
      expect(error?.extensions?.code).toBe('MAPPING_FAILED');
      for (const personal of [withFile.ref, code, 'QX9']) expect(error?.message).not.toContain(personal);
      expect(result.data?._entities).toEqual([{ ref: withFile.ref, partnerFile: null }]);
    } finally {
      await db.query('UPDATE iq_partner.khidma SET naw_khidma = $2 WHERE ramz_mustafid = $1 AND tasalsul = 1', [code, original?.naw_khidma]);
    }
  });

  it('REST backend rejects a malformed lookup body with 400 and a JSON error code', async () => {
    expect(await lookup(JSON.stringify({ refs: ['EU-2024-000001'] }))).toMatchObject({ status: 400, json: { error: { code: 'INVALID_LOOKUP' } } });
    expect(await lookup(JSON.stringify({ eu_refs: ['not-a-ref'] }))).toMatchObject({ status: 400, json: { error: { code: 'INVALID_LOOKUP' } } });
    expect(await lookup('{"eu_refs": [')).toMatchObject({ status: 400, json: { error: { code: 'MALFORMED_REQUEST' } } });
  });

  it('REST backend rejects a per-reference leave-out keyed by anything but a case reference, or naming an unknown part', async () => {
    const ref = 'EU-2024-000001';
    expect(await lookup(JSON.stringify({ eu_refs: [ref], leave_out_for: { 'not-a-ref': ['visits'] } }))).toMatchObject({ status: 400, json: { error: { code: 'INVALID_LOOKUP' } } });
    expect(await lookup(JSON.stringify({ eu_refs: [ref], leave_out_for: { [ref]: ['passport'] } }))).toMatchObject({ status: 400, json: { error: { code: 'INVALID_LOOKUP' } } });
    expect((await lookup(JSON.stringify({ eu_refs: [ref], leave_out_for: { [ref]: ['visits'] } }))).status).toBe(200);
  });

  it('REST backend rejects a lookup of more than 500 references with 400', async () => {
    const refs = [...syntheticCases(501)].map((c) => c.ref);
    expect(await lookup(JSON.stringify({ eu_refs: refs }))).toMatchObject({ status: 400, json: { error: { code: 'INVALID_LOOKUP' } } });
    expect((await lookup(JSON.stringify({ eu_refs: refs.slice(0, 500) }))).status).toBe(200);
  });

  it('reports a clear error, not a crash, when the REST backend is down, and /healthz turns 503', async () => {
    // A second instance, so stopping its REST service leaves the others untouched.
    const down = (await iqPartnerSystem.open(db, { logLevel: 'silent' })) as OpenedIqPartner;
    const running = await startTestSubgraph(down.module);
    try {
      const healthz = running.url.replace(/\/graphql$/, '/healthz');
      expect((await fetch(healthz)).status).toBe(200);
      await down.close();
      const ref = firstCase((c) => c.partnerFile !== null).ref;
      const result = await entities(running.url, [ref]);
      expect(result.errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
      expect(result.errors?.[0]?.message).toMatch(/unreachable/);
      expect(result.data?._entities).toEqual([{ ref, partnerFile: null }]);
      const health = await fetch(healthz);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unavailable', subgraph: 'iq-partner' });
    } finally {
      await running.close();
      await down.close();
    }
  });
});
