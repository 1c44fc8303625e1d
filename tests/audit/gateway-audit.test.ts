/**
 * Every request through the gateway leaves one durable audit record before its response — on
 * PGlite and on PostgreSQL — and personal data is refused while the log cannot be written.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { caseAccessesOf, outOfOrderObjects, verifyChain, type AuditContent } from '../../audit/index.js';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { postGraphQL } from '../harness/graphql.js';
import { testStores } from '../harness/stores.js';

const CASES = 120;
const ONE_CASE = 'query OneCase($ref: CaseRef!) { case(ref: $ref) { status memberStateFile { person { familyName } medical { fitToTravel } asylumHistory { outcome } } } }';

describe.each(testStores)('audit through the gateway on $name', (store) => {
  let federation: TestFederation;
  const belgian = [...syntheticCases(CASES)].filter((c) => c.owningMemberState === 'BE' && c.medical);
  const recordsOf = async (requestId: string) =>
    federation.db.query<{ seq: number; kind: string; outcome: string; cases: string[]; content: AuditContent }>(
      'SELECT seq, kind, outcome, cases, body::jsonb AS content FROM audit.record WHERE request_id = $1',
      [requestId],
    );
  const send = async (persona: 'be-counsellor' | 'iq-partner', purpose: 'RETURN_COUNSELLING' | 'REINTEGRATION_ASSISTANCE', query: string, variables: Record<string, unknown>, requestId = randomUUID()) => {
    const response = await postGraphQL(federation.gateway.url, query, variables, { ...(await federation.as(persona, purpose)), 'x-request-id': requestId });
    return { requestId, response };
  };

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it('writes one record per request naming caller, purpose, case, categories, paths, rule and basis', async () => {
    const c = belgian[0]!;
    const { requestId, response } = await send('be-counsellor', 'RETURN_COUNSELLING', ONE_CASE, { ref: c.ref });
    const records = await recordsOf(requestId);

    expect(response.errors).toBeUndefined();
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record).toMatchObject({ kind: 'ACCESS', outcome: 'OK', cases: [c.ref] });
    expect(record!.content).toMatchObject({
      caller: { organisation: 'EU/GOV/BE-RETURN', country: 'BE', officialId: 'be-counsellor-001', roles: ['MS_COUNSELLOR'] },
      purpose: 'RETURN_COUNSELLING',
      operation: { type: 'query', name: 'OneCase' },
      subgraphs: ['be-cases', 'central'],
    });
    expect(caseAccessesOf(record!.content)).toEqual([
      {
        ref: c.ref,
        denied: [],
        released: expect.arrayContaining([
          { category: 'HEALTH', basis: 'SUBSTANTIAL_PUBLIC_INTEREST', rule: 'ms-officer.case-work', paths: ['case.memberStateFile.medical', 'case.memberStateFile.medical.fitToTravel'] },
          { category: 'IDENTITY', basis: 'LEGAL_OBLIGATION', rule: 'ms-officer.case-work', paths: ['case.memberStateFile.person', 'case.memberStateFile.person.familyName'] },
        ]),
      },
    ]);
  });

  it('seals the record with the hash of the body exactly as the caller received it', async () => {
    const c = belgian[1]!;
    const requestId = randomUUID();
    const response = await fetch(federation.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await federation.as('be-counsellor', 'RETURN_COUNSELLING')), 'x-request-id': requestId },
      body: JSON.stringify({ query: ONE_CASE, variables: { ref: c.ref } }),
    });
    const body = Buffer.from(await response.arrayBuffer());
    const [record] = await recordsOf(requestId);

    expect(response.status).toBe(200);
    expect(record!.content.responseHash).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('records denied fields with their code and rule, and never a personal value', async () => {
    const c = [...syntheticCases(CASES)].find((k) => k.assignedPartner === 'IQ/NGO/IQ-REINTEGRATION-PARTNER' && k.owningMemberState === 'BE')!;
    const { requestId, response } = await send('iq-partner', 'REINTEGRATION_ASSISTANCE', ONE_CASE, { ref: c.ref });
    const [record] = await recordsOf(requestId);

    expect(response.data?.case.memberStateFile.person.familyName).toBe(c.person.familyName);
    expect(record!.outcome).toBe('PARTIAL');
    expect(caseAccessesOf(record!.content)[0]!.denied).toEqual([
      { category: 'ASYLUM_HISTORY', code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', paths: ['case.memberStateFile.asylumHistory'] },
      { category: 'HEALTH', code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', paths: ['case.memberStateFile.medical'] },
    ]);
    expect(JSON.stringify(record!.content)).not.toContain(c.person.familyName);
  });

  it('stores the access a page of cases shares once, and gives every case its full list back', async () => {
    const page = 'query Page { cases(first: 30) { edges { node { ref status memberStateFile { person { familyName } medical { fitToTravel } } } } } }';
    const { requestId, response } = await send('be-counsellor', 'RETURN_COUNSELLING', page, {});
    const [record] = await recordsOf(requestId);
    const refs = (response.data?.cases.edges as { node: { ref: string } }[]).map((e) => e.node.ref);

    const content = record!.content;
    expect(content.v).toBe(2);
    expect(content.cases.map((c) => c.ref)).toEqual([...refs].sort());
    // Cases with and without a medical file differ; everything else is the same for every case.
    expect(content.accesses.length).toBeLessThan(content.cases.length);
    expect(content.accesses.length).toBeGreaterThan(0);
    for (const entry of caseAccessesOf(content)) {
      expect(entry.released.map((r) => r.category)).toEqual(expect.arrayContaining(['CASE_ADMIN', 'IDENTITY']));
      expect(entry.released.find((r) => r.category === 'IDENTITY')!.paths).toEqual(['cases.edges.node.memberStateFile.person', 'cases.edges.node.memberStateFile.person.familyName']);
    }
  });

  it('writes exactly N records for N concurrent requests, all in one verifiable chain', async () => {
    const requests = belgian.slice(0, 40).map((c) => send('be-counsellor', 'RETURN_COUNSELLING', ONE_CASE, { ref: c.ref }));
    const sent = await Promise.all(requests);
    const ids = sent.map((s) => s.requestId);
    const rows = await federation.db.query<{ request_id: string }>('SELECT request_id FROM audit.record WHERE request_id = ANY($1)', [ids]);

    expect(sent.every((s) => s.response.status === 200)).toBe(true);
    expect(rows.map((r) => r.request_id).sort()).toEqual([...ids].sort());
    await federation.audit.checkpointIfDue(true);
    expect(await verifyChain(federation.db, federation.auditKeys.publicKey)).toMatchObject({ ok: true, firstBadSeq: null });
  });

  it('records a refused token, with no caller and no case', async () => {
    const requestId = randomUUID();
    const response = await postGraphQL(federation.gateway.url, ONE_CASE, { ref: belgian[0]!.ref }, { authorization: 'Bearer not-a-token', 'x-purpose': 'RETURN_COUNSELLING', 'x-request-id': requestId });
    const [record] = await recordsOf(requestId);

    expect(response.status).toBe(401);
    expect(record).toMatchObject({ kind: 'ACCESS', outcome: 'REFUSED', cases: [], content: { caller: null, code: 'HUB_AUTH_MALFORMED_TOKEN' } });
  });

  it('records consent changes as consent changes', async () => {
    const c = belgian[1]!;
    const { requestId } = await send(
      'be-counsellor',
      'RETURN_COUNSELLING',
      'mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id caseRef } }',
      { input: { caseRef: c.ref, recipient: 'IQ/NGO/IQ-REINTEGRATION-PARTNER', categories: ['HEALTH'], purposes: ['CONTINUITY_OF_CARE'], validFrom: '2026-01-01T00:00:00.000Z', evidenceHash: 'a'.repeat(64) } },
    );
    const [record] = await recordsOf(requestId);
    expect(record).toMatchObject({ kind: 'CONSENT_CHANGE', cases: [c.ref], content: { operation: { type: 'mutation' } } });
  });

  it('hands the writer records whose every object below the top is in canonical key order, so serialising one copies nothing', async () => {
    // canonicalJson (audit/chain.ts) rebuilds only the objects out of RFC 8785 order; the top
    // level always is (the writer adds the id last), everything the gateway builds under it is not.
    const appended: unknown[] = [];
    const append = federation.audit.append.bind(federation.audit);
    const spy = vi.spyOn(federation.audit, 'append').mockImplementation((content) => {
      appended.push(content);
      return append(content);
    });
    try {
      const c = belgian[3]!;
      await send('be-counsellor', 'RETURN_COUNSELLING', ONE_CASE, { ref: c.ref });
      await send('iq-partner', 'REINTEGRATION_ASSISTANCE', ONE_CASE, { ref: c.ref });
      await send('be-counsellor', 'RETURN_COUNSELLING', 'query Page { cases(first: 10) { edges { node { ref status memberStateFile { person { familyName } } } } } }', {});
      await postGraphQL(federation.gateway.url, ONE_CASE, { ref: c.ref }, { authorization: 'Bearer not-a-token', 'x-purpose': 'RETURN_COUNSELLING' });
    } finally {
      spy.mockRestore();
    }

    expect(appended).toHaveLength(4);
    for (const record of appended) expect(outOfOrderObjects(record).filter((path) => path !== '')).toEqual([]);
  });

  it('refuses personal data with AUDIT_UNAVAILABLE while the log cannot be written, and serves again once it can', async () => {
    const c = belgian[2]!;
    await federation.db.query('ALTER TABLE audit.record RENAME TO record_unavailable');
    const during = await send('be-counsellor', 'RETURN_COUNSELLING', ONE_CASE, { ref: c.ref });
    await federation.db.query('ALTER TABLE audit.record_unavailable RENAME TO record');
    const after = await send('be-counsellor', 'RETURN_COUNSELLING', ONE_CASE, { ref: c.ref });

    expect(during.response.status).toBe(503);
    expect(during.response.data).toBeNull();
    expect(during.response.errors).toEqual([
      {
        message: 'The access log cannot be written right now, so no data is served. Try again shortly.',
        extensions: { code: 'AUDIT_UNAVAILABLE', hubCode: 'HUB_AUDIT_UNAVAILABLE', requestId: during.requestId },
      },
    ]);
    expect(after.response.status).toBe(200);
    expect(after.response.data?.case.memberStateFile.person.familyName).toBe(c.person.familyName);
    expect(await recordsOf(after.requestId)).toHaveLength(1);
  });
});
