/**
 * Readiness is whether the hub can serve — supergraph, central store, audit log — not whether every
 * partner is up: a national system whose database fails, or a partner's subgraph that is down,
 * shows in /readyz's body and in continuum_subgraph_ready, and its fields fail with a coded error
 * naming it at the fields' paths, while the hub stays in service. Over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';

const CASES = 20;
const BELGIAN = [...syntheticCases(CASES)].find((c) => c.owningMemberState === 'BE')!;
const PARTNERED = [...syntheticCases(CASES)].find((c) => c.owningMemberState === 'BE' && c.assignedPartner === 'IQ/NGO/IQ-REINTEGRATION-PARTNER' && c.partnerFile)!;
const PERSON = 'query Person($ref: CaseRef!) { case(ref: $ref) { ref memberStateFile { person { familyName } } } }';
const PARTNER_FILE = 'query PartnerFile($ref: CaseRef!) { case(ref: $ref) { ref partnerFile { partner } } }';
const ALL_OK = ['be-cases', 'central', 'de-cases', 'eu-programme', 'iq-partner'].map((name) => ({ name, ready: true, backend: 'ok' }));

interface Readiness {
  status: string;
  code?: string;
  failing?: string[];
  checks: Record<string, boolean>;
  subgraphs: { name: string; ready: boolean; backend: string }[];
}

describe.each(testStores)('readiness on $name', (store) => {
  let federation: TestFederation;
  let base: string;

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
    base = federation.gateway.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await federation?.stop();
  });

  const readiness = async () => {
    const response = await fetch(`${base}/readyz`);
    const body = (await response.json()) as Readiness;
    return { status: response.status, body: { ...body, subgraphs: [...body.subgraphs].sort((a, b) => a.name.localeCompare(b.name)) } };
  };
  const gauge = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return Object.fromEntries([...text.matchAll(/^continuum_subgraph_ready\{subgraph="([^"]+)"\} (\d)$/gm)].map((m) => [m[1], Number(m[2])]));
  };

  it('is ready with every check and every system up', async () => {
    expect(await readiness()).toEqual({ status: 200, body: { status: 'ready', checks: { supergraph: true, store: true, audit: true }, subgraphs: ALL_OK } });
    expect(await gauge()).toEqual({ 'be-cases': 1, central: 1, 'de-cases': 1, 'eu-programme': 1, 'iq-partner': 1 });
  });

  it("a national system's failing database: its fields answer HUB_SUBGRAPH_BACKEND_FAILED at their path, without its message; the hub stays ready", async () => {
    await federation.db.query('ALTER TABLE be_dossiers.dossier RENAME TO dossier_unavailable');
    let answer: Awaited<ReturnType<TestFederation['query']>>;
    let during: Awaited<ReturnType<typeof readiness>>;
    let metric: Record<string, number>;
    try {
      answer = await federation.query('be-counsellor', 'RETURN_COUNSELLING', PERSON, { ref: BELGIAN.ref });
      during = await readiness();
      metric = await gauge();
    } finally {
      await federation.db.query('ALTER TABLE be_dossiers.dossier_unavailable RENAME TO dossier');
    }

    expect(answer.data).toEqual({ case: { ref: BELGIAN.ref, memberStateFile: { person: null } } });
    expect(answer.errors).toEqual([
      {
        message: 'The system behind subgraph "be-cases" failed; its fields are null in this response.',
        // Where the subgraph reported it: its entity (the engine turns `_entities.0` into the case's file).
        path: ['case', 'memberStateFile'],
        extensions: { code: 'SUBGRAPH_BACKEND_FAILED', hubCode: 'HUB_SUBGRAPH_BACKEND_FAILED', serviceName: 'be-cases' },
      },
    ]);
    expect(during).toEqual({
      status: 200,
      body: { status: 'ready', checks: { supergraph: true, store: true, audit: true }, subgraphs: ALL_OK.map((s) => (s.name === 'be-cases' ? { name: 'be-cases', ready: false, backend: 'failing' } : s)) },
    });
    expect(metric['be-cases']).toBe(0);
  });

  it('the system is ready again once an operation succeeds', async () => {
    const answer = await federation.query('be-counsellor', 'RETURN_COUNSELLING', PERSON, { ref: BELGIAN.ref });
    expect(answer.errors).toBeUndefined();
    expect((await readiness()).body.subgraphs).toEqual(ALL_OK);
  });

  it('an audit log that cannot be written makes the hub not ready', async () => {
    await federation.db.query('ALTER TABLE audit.record RENAME TO record_unavailable');
    let during: Awaited<ReturnType<typeof readiness>>;
    try {
      during = await readiness();
    } finally {
      await federation.db.query('ALTER TABLE audit.record_unavailable RENAME TO record');
    }
    expect(during).toEqual({
      status: 503,
      body: { status: 'not ready', code: 'HUB_NOT_READY', failing: ['audit'], checks: { supergraph: true, store: true, audit: false }, subgraphs: ALL_OK },
    });
  });

  it("a partner's subgraph down: its fields answer HUB_SUBGRAPH_UNAVAILABLE at their path; the hub stays ready", async () => {
    await federation.systems.get('iq-partner')!.subgraph.close();
    const answer = await federation.query('be-counsellor', 'RETURN_COUNSELLING', PARTNER_FILE, { ref: PARTNERED.ref });
    const during = await readiness();

    expect(answer.data).toEqual({ case: { ref: PARTNERED.ref, partnerFile: null } });
    expect(answer.errors).toEqual([
      {
        message: 'Subgraph "iq-partner" is unavailable; its fields are null in this response.',
        path: ['case', 'partnerFile'],
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', hubCode: 'HUB_SUBGRAPH_UNAVAILABLE', serviceName: 'iq-partner' },
      },
    ]);
    expect(during.status).toBe(200);
    expect(during.body.subgraphs.find((s) => s.name === 'iq-partner')).toEqual({ name: 'iq-partner', ready: false, backend: 'unreachable' });
    expect((await gauge())['iq-partner']).toBe(0);
  });
});
