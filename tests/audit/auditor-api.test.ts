/**
 * The auditor API (central subgraph) and the streamed export (gateway), through the gateway, on
 * PGlite and on PostgreSQL: who sees which records, filters and pagination, the Art. 15 access
 * report, chain verification, and that nobody reads personal data through any of it.
 */
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCheckpoint, type AuditContent } from '../../audit/index.js';
import { CSV_COLUMNS, csvCell, registerAuditExport } from '../../gateway/auditExport.js';
import { syntheticCases, type SyntheticCase } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';

const CASES = 120;
const ONE_CASE = 'query OneCase($ref: CaseRef!) { case(ref: $ref) { status memberStateFile { person { familyName givenNames } medical { fitToTravel } } } }';
const RECORD_FIELDS = `seq id time kind requestId organisation country officialId roles purpose operationName operationType outcome code subgraphs
  cases { caseRef released { category basis rule paths } denied { category code rule paths } }
  incidents { subgraph coordinate code rule } requestHash responseHash contentHash hash purged`;
const RECORDS = `query Records($filter: AuditFilter, $first: Int!, $after: String) {
  auditRecords(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${RECORD_FIELDS} } } }
}`;
const REPORT = `query Report($ref: CaseRef!) {
  accessReport(caseRef: $ref) { caseRef owningMemberState generatedAt accessCount recipientCount purgedCount notice
    accesses { time purpose categories bases recipient { id name country } } }
}`;
const CHAIN = 'query { auditChainStatus { ok records purged checkpoints lastSeq sealedUpTo firstBadSeq problems { seq kind message } checkedAt } }';

const all = [...syntheticCases(CASES)];
const belgian = all.filter((c) => c.owningMemberState === 'BE' && c.medical).slice(0, 3);
const german = all.filter((c) => c.owningMemberState === 'DE').slice(0, 2);
const partnerCase = all.find((c) => c.assignedPartner === 'IQ/NGO/IQ-REINTEGRATION-PARTNER' && c.owningMemberState === 'BE')!;
const UNKNOWN_CASE = 'EU-2099-999999';
const names = (cases: readonly SyntheticCase[]) => cases.flatMap((c) => [c.person.familyName, ...c.person.givenNames.split(' ')]);

describe.each(testStores)('auditor API on $name', (store) => {
  let federation: TestFederation;
  const count = async (where = 'true', params: unknown[] = []) =>
    Number((await federation.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM audit.record r WHERE ${where}`, params))[0]!.n);
  const exportAs = async (persona: 'dpo' | 'auditor' | 'researcher', query: string, extra: Record<string, string> = {}) => {
    const purpose = persona === 'researcher' ? 'STATISTICS' : 'AUDIT';
    const base = federation.gateway.url.replace(/\/graphql$/, '');
    return fetch(`${base}/audit/export?${query}`, { headers: { ...(await federation.as(persona, purpose)), ...extra } });
  };

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
    // Traffic by officials of three organisations, a partner, a researcher, and a probe for a case that does not exist.
    for (const c of belgian) await federation.query('be-counsellor', 'RETURN_COUNSELLING', ONE_CASE, { ref: c.ref });
    for (const c of german) await federation.query('de-case-officer', 'RETURN_COUNSELLING', ONE_CASE, { ref: c.ref });
    await federation.query('iq-partner', 'REINTEGRATION_ASSISTANCE', ONE_CASE, { ref: partnerCase.ref });
    await federation.query('researcher', 'STATISTICS', ONE_CASE, { ref: belgian[0]!.ref });
    await federation.query('be-counsellor', 'RETURN_COUNSELLING', ONE_CASE, { ref: UNKNOWN_CASE });
    await federation.audit.flush();
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it('shows an auditor only its own organisation’s records, and the DPO every record', async () => {
    const own = await count('r.organisation = $1', ['EU/GOV/BE-RETURN']);
    const auditor = await federation.query('auditor', 'AUDIT', RECORDS, { first: 200 });
    const everything = await count();
    const dpo = await federation.query('dpo', 'AUDIT', RECORDS, { first: 200 });

    expect(auditor.errors).toBeUndefined();
    expect(auditor.data?.auditRecords.totalCount).toBe(own);
    const seen = auditor.data!.auditRecords.edges.map((e: { node: { organisation: string } }) => e.node.organisation);
    expect(new Set(seen)).toEqual(new Set(['EU/GOV/BE-RETURN']));
    expect(dpo.errors).toBeUndefined();
    expect(dpo.data?.auditRecords.totalCount).toBe(everything);
    const organisations = new Set(dpo.data!.auditRecords.edges.map((e: { node: { organisation: string | null } }) => e.node.organisation));
    // EU/GOV/CONTINUUM-HUB: the hub's own start-up registration, a registry record like any other.
    expect(organisations).toEqual(new Set(['EU/GOV/BE-RETURN', 'EU/GOV/DE-RETURN', 'IQ/NGO/IQ-REINTEGRATION-PARTNER', 'EU/EDU/EU-RETURN-RESEARCH', 'EU/GOV/CONTINUUM-HUB']));
  });

  it('gives auditors every AUDIT field of a record, per case too — even a case the index does not know', async () => {
    const response = await federation.query('auditor', 'AUDIT', RECORDS, { first: 200, filter: { organisation: 'EU/GOV/BE-RETURN', purpose: 'RETURN_COUNSELLING' } });
    const nodes = response.data!.auditRecords.edges.map((e: { node: Record<string, unknown> }) => e.node);
    const probe = nodes.find((n: { cases: { caseRef: string }[] }) => n.cases[0]?.caseRef === UNKNOWN_CASE);
    const first = nodes.find((n: { cases: { caseRef: string }[] }) => n.cases[0]?.caseRef === belgian[0]!.ref);

    expect(response.errors).toBeUndefined();
    // The caller was told what any non-party is told; the record keeps the true reason.
    expect(probe).toMatchObject({ outcome: 'DENIED', cases: [{ caseRef: UNKNOWN_CASE, released: [], denied: [{ category: 'CASE_ADMIN', code: 'NO_RELATIONSHIP', rule: 'case.unknown', paths: ['case'] }] }] });
    expect(first).toMatchObject({
      kind: 'ACCESS',
      organisation: 'EU/GOV/BE-RETURN',
      country: 'BE',
      officialId: 'be-counsellor-001',
      roles: ['MS_COUNSELLOR'],
      purpose: 'RETURN_COUNSELLING',
      operationName: 'OneCase',
      operationType: 'query',
      outcome: 'OK',
      subgraphs: ['be-cases', 'central'],
      purged: false,
      cases: [{ caseRef: belgian[0]!.ref, denied: [], released: expect.arrayContaining([{ category: 'HEALTH', basis: 'SUBSTANTIAL_PUBLIC_INTEREST', rule: 'ms-officer.case-work', paths: ['case.memberStateFile.medical', 'case.memberStateFile.medical.fitToTravel'] }]) }],
    });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('filters by case, organisation, official, purpose, outcome, kind and time, and pages with a cursor', async () => {
    // Read first: the DPO's query is itself recorded as a look at this case's records.
    const expected = await federation.db.query<{ seq: string }>('SELECT seq FROM audit.record WHERE cases @> ARRAY[$1]::text[] ORDER BY recorded_at DESC, seq DESC', [belgian[1]!.ref]);
    const byCase = await federation.query('dpo', 'AUDIT', RECORDS, { first: 50, filter: { caseRef: belgian[1]!.ref } });
    expect(byCase.data!.auditRecords.edges.map((e: { node: { seq: number } }) => e.node.seq)).toEqual(expected.map((r) => Number(r.seq)));

    const filters = [
      [{ organisation: 'EU/GOV/DE-RETURN' }, "r.organisation = 'EU/GOV/DE-RETURN'"],
      [{ officialId: 'iq-partner-001' }, "r.official_id = 'iq-partner-001'"],
      [{ purpose: 'STATISTICS' }, "r.purpose = 'STATISTICS'"],
      [{ outcome: 'PARTIAL' }, "r.outcome = 'PARTIAL'"],
      [{ kind: 'ACCESS', to: '2000-01-01T00:00:00Z' }, 'false'],
      [{ from: new Date(Date.now() - 3_600_000).toISOString(), organisation: 'EU/GOV/DE-RETURN' }, "r.organisation = 'EU/GOV/DE-RETURN'"],
    ] as const;
    for (const [filter, where] of filters) {
      const total = await count(where);
      const response = await federation.query('dpo', 'AUDIT', RECORDS, { first: 10, filter });
      expect(response.errors, JSON.stringify(filter)).toBeUndefined();
      expect(response.data!.auditRecords.totalCount, JSON.stringify(filter)).toBe(total);
    }
    expect(await count("r.official_id = 'iq-partner-001'")).toBeGreaterThan(0);

    // Pages of 2 over the DPO's view of one organisation: newest first, no gap, no overlap.
    const wanted = (await federation.db.query<{ seq: string }>("SELECT seq FROM audit.record WHERE organisation = 'EU/GOV/DE-RETURN' ORDER BY recorded_at DESC, seq DESC")).map((r) => Number(r.seq));
    const seqs: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const response = await federation.query('dpo', 'AUDIT', RECORDS, { first: 1, after, filter: { organisation: 'EU/GOV/DE-RETURN' } });
      const connection = response.data!.auditRecords;
      seqs.push(...connection.edges.map((e: { node: { seq: number } }) => e.node.seq));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seqs).toEqual(wanted);
    expect(wanted.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses out-of-range pages, forged cursors and malformed filters with BAD_USER_INPUT', async () => {
    for (const variables of [{ first: 0 }, { first: 201 }, { first: 5, after: 'bm90LWEtY3Vyc29y' }, { first: 5, filter: { organisation: 'be return' } }, { first: 5, filter: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } }]) {
      const response = await federation.query('dpo', 'AUDIT', RECORDS, variables);
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(response.errors)).not.toContain('be return');
    }
  });

  it('counts accesses per bucket, purpose and outcome for the chart', async () => {
    const response = await federation.query('dpo', 'AUDIT', 'query($f: AuditFilter) { auditTimeline(filter: $f, bucket: HOUR) { start purpose outcome count } }', { f: { organisation: 'EU/GOV/DE-RETURN' } });
    const points = response.data!.auditTimeline as { start: string; purpose: string; outcome: string; count: number }[];
    expect(response.errors).toBeUndefined();
    expect(points.reduce((n, p) => n + p.count, 0)).toBe(await count("r.organisation = 'EU/GOV/DE-RETURN'"));
    expect(points[0]).toMatchObject({ purpose: 'RETURN_COUNSELLING', outcome: 'OK' });
    expect(points[0]!.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/);
  });

  it('Auditors and researchers cannot read personal data through the auditor API', async () => {
    const touched = [...belgian, ...german, partnerCase];
    // Case fields are not theirs, whatever the purpose their token allows.
    const auditorCase = await federation.query('auditor', 'AUDIT', ONE_CASE, { ref: belgian[0]!.ref });
    const researcherCase = await federation.query('researcher', 'STATISTICS', ONE_CASE, { ref: belgian[0]!.ref });
    for (const response of [auditorCase, researcherCase]) {
      expect(response.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN_FIELD');
      expect(response.data?.case ?? null).toBeNull();
    }
    // The log itself is not the researcher's.
    const researcherLog = await federation.query('researcher', 'STATISTICS', RECORDS, { first: 5 });
    expect(researcherLog.data).toBeNull();
    expect(researcherLog.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN_FIELD', rule: 'audit.visibility' });
    const researcherReport = await federation.query('researcher', 'MONITORING_EVALUATION', REPORT, { ref: belgian[0]!.ref });
    expect(researcherReport.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN_FIELD' });
    expect((await exportAs('researcher', 'format=jsonl')).status).toBe(403);
    // What auditors do get — every record, every report, the export — holds no personal value.
    const seen = [
      JSON.stringify(await federation.query('dpo', 'AUDIT', RECORDS, { first: 200 })),
      JSON.stringify(await federation.query('auditor', 'AUDIT', RECORDS, { first: 200 })),
      ...(await Promise.all(touched.map(async (c) => JSON.stringify(await federation.query('dpo', 'AUDIT', REPORT, { ref: c.ref }))))),
      await (await exportAs('dpo', 'format=jsonl')).text(),
      await (await exportAs('dpo', 'format=csv')).text(),
    ].join('\n');
    const values = names(touched).filter((name) => name.length >= 4);
    expect(values.length).toBeGreaterThan(5);
    for (const value of values) expect(seen).not.toContain(value);
  });

  it('answers the Art. 15 access report: date, purpose, organisation and categories, never the official', async () => {
    const c = partnerCase;
    const response = await federation.query('dpo', 'AUDIT', REPORT, { ref: c.ref });
    const report = response.data!.accessReport;

    expect(response.errors).toBeUndefined();
    expect(report).toMatchObject({ caseRef: c.ref, owningMemberState: 'BE', recipientCount: 1, accessCount: 1, purgedCount: 0 });
    expect(report.accesses).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        purpose: 'REINTEGRATION_ASSISTANCE',
        recipient: { id: 'IQ/NGO/IQ-REINTEGRATION-PARTNER', name: 'Reintegration partner Iraq (synthetic)', country: 'IQ' },
        categories: expect.arrayContaining(['CASE_ADMIN', 'IDENTITY']),
        bases: ['CONTRACT'],
      },
    ]);
    expect(report.accesses[0].categories).not.toContain('HEALTH');
    expect(Date.now() - Date.parse(report.generatedAt)).toBeLessThan(60_000);
    expect(report.notice).toContain('C-579/21');
    const text = JSON.stringify(report);
    expect(text).not.toContain('iq-partner-001');
    expect(text).not.toContain('officialId');
    expect(text).not.toContain('REINTEGRATION_PARTNER"');

    // Refused requests release nothing; the researcher's try on a Belgian case is not listed, the counsellor's read is.
    const belgianReport = (await federation.query('auditor', 'AUDIT', REPORT, { ref: belgian[0]!.ref })).data!.accessReport;
    expect(belgianReport.accesses.map((a: { recipient: { id: string } }) => a.recipient.id)).toEqual(['EU/GOV/BE-RETURN']);
    expect(belgianReport.accesses[0].categories).toEqual(expect.arrayContaining(['HEALTH', 'IDENTITY']));
  });

  it('answers the access report the same from records stored before the body column (jsonb content_v1)', async () => {
    const before = (await federation.query('dpo', 'AUDIT', REPORT, { ref: partnerCase.ref })).data!.accessReport;
    const saved = await federation.db.query<{ seq: number; body: string }>('SELECT seq, body FROM audit.record WHERE cases @> ARRAY[$1]::text[]', [partnerCase.ref]);
    // What migration 004 left of a record written before it: the content as jsonb, no body.
    await federation.db.query('UPDATE audit.record SET content_v1 = body::jsonb, body = NULL WHERE cases @> ARRAY[$1]::text[]', [partnerCase.ref]);
    try {
      const after = (await federation.query('dpo', 'AUDIT', REPORT, { ref: partnerCase.ref })).data!.accessReport;
      expect(saved.length).toBeGreaterThan(0);
      expect(after.accesses).toEqual(before.accesses);
    } finally {
      for (const row of saved) await federation.db.query('UPDATE audit.record SET body = $2, content_v1 = NULL WHERE seq = $1', [row.seq, row.body]);
    }
  });

  it('refuses the access report to an auditor of another Member State', async () => {
    const response = await federation.query('auditor', 'AUDIT', REPORT, { ref: german[0]!.ref });
    expect(response.data?.accessReport ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN_FIELD', rule: 'audit.access-report' });
    const dpo = await federation.query('dpo', 'AUDIT', REPORT, { ref: german[0]!.ref });
    expect(dpo.data?.accessReport.accessCount).toBe(1);
    expect((await federation.query('dpo', 'AUDIT', REPORT, { ref: UNKNOWN_CASE })).data?.accessReport).toBeNull();
  });

  it('exports JSON Lines and CSV, in chain order, with the caller’s visibility', async () => {
    const everything = (await federation.db.query<{ seq: string }>('SELECT seq FROM audit.record ORDER BY seq')).map((r) => Number(r.seq));
    const jsonl = await exportAs('dpo', 'format=jsonl');
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-type')).toContain('application/jsonl');
    const lines = (await jsonl.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as { seq: number; organisation: string | null });
    expect(lines.map((l) => l.seq)).toEqual(everything);

    const own = (await federation.db.query<{ seq: string }>("SELECT seq FROM audit.record WHERE organisation = 'EU/GOV/BE-RETURN' ORDER BY seq")).map((r) => Number(r.seq));
    const csv = await exportAs('auditor', 'format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = (await csv.text()).trimEnd().split('\r\n');
    expect(rows[0]).toBe(CSV_COLUMNS.join(','));
    expect(rows.slice(1).map((row) => Number(row.split(',')[0]))).toEqual(own);
    expect(rows.slice(1).every((row) => row.split(',')[5] === 'EU/GOV/BE-RETURN')).toBe(true);

    const wanted = await federation.db.query<{ seq: string }>("SELECT seq FROM audit.record WHERE cases @> ARRAY[$1]::text[] AND outcome = 'PARTIAL' ORDER BY seq", [partnerCase.ref]);
    const byCase = await exportAs('dpo', `format=jsonl&caseRef=${partnerCase.ref}&outcome=PARTIAL`);
    const partial = (await byCase.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as { seq: number; cases: { caseRef: string }[]; outcome: string });
    expect(partial.map((r) => r.seq)).toEqual(wanted.map((r) => Number(r.seq)));
    expect(partial[0]).toMatchObject({ outcome: 'PARTIAL', purpose: 'REINTEGRATION_ASSISTANCE', cases: [{ caseRef: partnerCase.ref }] });
  });

  it('streams in keyset pages and escapes CSV cells', async () => {
    const app = Fastify({ logger: false });
    registerAuditExport(app, {
      store: federation.db,
      audit: federation.audit,
      pageSize: 3,
      log: () => {},
      authenticate: async (request) => {
        request.caller = { issuer: 'https://idp.test', officialId: 'dpo-1', organisation: 'EU/GOV/EU-DATA-PROTECTION-SUPERVISOR', country: 'EU', roles: ['DPO'], purposes: ['AUDIT'] };
        request.purpose = 'AUDIT';
      },
    });
    const expected = (await federation.db.query<{ seq: string }>('SELECT seq FROM audit.record ORDER BY seq')).map((r) => Number(r.seq));
    const response = await app.inject({ method: 'GET', url: '/audit/export?format=jsonl' });
    await app.close();
    expect(response.body.trimEnd().split('\n').map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual(expected);
    expect([csvCell('a,b'), csvCell('say "x"'), csvCell('two\nlines'), csvCell('=1+1'), csvCell(null), csvCell(12), csvCell(false)]).toEqual(['"a,b"', '"say ""x"""', '"two\nlines"', "'=1+1", '', '12', 'false']);
  });

  it('refuses bad export parameters with 400 and a stable code, and a non-auditor with 403', async () => {
    for (const query of ['format=xml', '', 'format=csv&from=yesterday', 'format=csv&caseRef=123', 'format=jsonl&secret=1', 'format=jsonl&purpose=AUDIT&purpose=OPERATIONS']) {
      const response = await exportAs('dpo', query);
      const body = (await response.json()) as { errors: { extensions: Record<string, unknown>; message: string }[] };
      expect(response.status, query).toBe(400);
      expect(body.errors[0]!.extensions).toMatchObject({ code: 'BAD_REQUEST', hubCode: 'HUB_AUDIT_EXPORT_INVALID' });
      expect(body.errors[0]!.message).not.toContain('yesterday');
    }
    const researcher = await exportAs('researcher', 'format=csv');
    expect(researcher.status).toBe(403);
    expect(((await researcher.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions).toMatchObject({ hubCode: 'HUB_AUDIT_EXPORT_FORBIDDEN' });
    const anonymous = await fetch(`${federation.gateway.url.replace(/\/graphql$/, '')}/audit/export?format=csv`, { headers: { 'x-purpose': 'AUDIT' } });
    expect(anonymous.status).toBe(401);
  });

  it('records every export before sending it, and sends nothing when it cannot', async () => {
    const requestId = randomUUID();
    const response = await exportAs('auditor', `format=csv&caseRef=${belgian[0]!.ref}`, { 'x-request-id': requestId });
    await response.text();
    const [record] = await federation.db.query<{ outcome: string; content: AuditContent }>('SELECT outcome, body::jsonb AS content FROM audit.record WHERE request_id = $1', [requestId]);
    expect(record).toMatchObject({
      outcome: 'OK',
      content: {
        kind: 'ACCESS',
        purpose: 'AUDIT',
        caller: { organisation: 'EU/GOV/BE-RETURN', officialId: 'auditor-001', roles: ['AUDITOR'] },
        operation: { type: 'export', name: 'audit.export', hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
        cases: [{ ref: belgian[0]!.ref, access: 0 }],
        accesses: [{ released: [{ category: 'AUDIT', rule: 'audit.accountability', paths: [0] }] }],
        paths: ['audit.export'],
      },
    });
    const refusedId = randomUUID();
    await (await exportAs('researcher', 'format=csv', { 'x-request-id': refusedId })).text();
    expect((await federation.db.query('SELECT outcome FROM audit.record WHERE request_id = $1', [refusedId]))[0]).toEqual({ outcome: 'DENIED' });

    await federation.db.query('ALTER TABLE audit.record RENAME TO record_unavailable');
    const during = await exportAs('dpo', 'format=jsonl').finally(() => federation.db.query('ALTER TABLE audit.record_unavailable RENAME TO record'));
    expect(during.status).toBe(503);
    expect(((await during.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions).toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
  });

  it('answers a refused export AUDIT_UNAVAILABLE when its refusal cannot be recorded, never unrecorded', async () => {
    await federation.db.query('ALTER TABLE audit.record RENAME TO record_unavailable');
    const refused = await exportAs('researcher', 'format=csv').finally(() => federation.db.query('ALTER TABLE audit.record_unavailable RENAME TO record'));
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions).toMatchObject({ hubCode: 'HUB_AUDIT_UNAVAILABLE' });
  });

  it('verifies the chain for the DPO and auditors, and names the record someone altered', async () => {
    await federation.audit.checkpointIfDue(true);
    const before = await federation.query('dpo', 'AUDIT', CHAIN);
    expect(before.errors).toBeUndefined();
    expect(before.data!.auditChainStatus).toMatchObject({ ok: true, firstBadSeq: null, problems: [] });
    expect(before.data!.auditChainStatus.records).toBeGreaterThan(10);
    expect((await federation.query('auditor', 'AUDIT', CHAIN)).data!.auditChainStatus.ok).toBe(true);
    expect((await federation.query('researcher', 'STATISTICS', CHAIN)).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN_FIELD', rule: 'audit.visibility' });

    const [victim] = await federation.db.query<{ seq: string }>("SELECT seq FROM audit.record WHERE organisation = 'EU/GOV/DE-RETURN' ORDER BY seq LIMIT 1");
    const seq = Number(victim!.seq);
    const [stored] = await federation.db.query<{ body: string }>('SELECT body FROM audit.record WHERE seq = $1', [seq]);
    await federation.db.query(`UPDATE audit.record SET body = regexp_replace(body, '"purpose":"[A-Z_]+"', '"purpose":"AUDIT"') WHERE seq = $1`, [seq]);
    const after = await federation.query('dpo', 'AUDIT', CHAIN);
    await federation.db.query('UPDATE audit.record SET body = $2 WHERE seq = $1', [seq, stored!.body]);

    expect(after.data!.auditChainStatus).toMatchObject({ ok: false, firstBadSeq: seq });
    expect(after.data!.auditChainStatus.problems[0]).toEqual({ seq, kind: 'ALTERED', message: `record ${seq}'s content was changed` });
    expect((await federation.query('dpo', 'AUDIT', CHAIN)).data!.auditChainStatus.ok).toBe(true);
  });

  it('hands auditors a signed checkpoint to keep outside the hub, which verifies with the public key alone', async () => {
    const CHECKPOINT = 'query($seq: Float) { auditCheckpoint(seq: $seq) { seq hash signedAt jws } }';
    await federation.audit.checkpointIfDue(true);
    const [newest] = await federation.db.query<{ seq: string; jws: string }>('SELECT seq, jws FROM audit.checkpoint ORDER BY seq DESC LIMIT 1');
    const [oldest] = await federation.db.query<{ seq: string }>('SELECT seq FROM audit.checkpoint ORDER BY seq LIMIT 1');
    const latest = await federation.query('auditor', 'AUDIT', CHECKPOINT);
    const chosen = await federation.query('dpo', 'AUDIT', CHECKPOINT, { seq: Number(oldest!.seq) });
    const none = await federation.query('dpo', 'AUDIT', CHECKPOINT, { seq: 1e12 });
    const refused = await federation.query('researcher', 'STATISTICS', CHECKPOINT);

    expect(latest.errors).toBeUndefined();
    const claims = await verifyCheckpoint(federation.auditKeys.publicKey, latest.data!.auditCheckpoint.jws);
    expect(latest.data!.auditCheckpoint).toEqual({ seq: Number(newest!.seq), hash: claims.hash, signedAt: claims.time, jws: newest!.jws });
    expect(chosen.data!.auditCheckpoint.seq).toBe(Number(oldest!.seq));
    expect(none.data!.auditCheckpoint).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN_FIELD', rule: 'audit.visibility' });
  });

  it('does not hand out a stored checkpoint that the hub key did not sign', async () => {
    const CHECKPOINT = 'query($seq: Float) { auditCheckpoint(seq: $seq) { seq jws } }';
    await federation.audit.checkpointIfDue(true);
    const [row] = await federation.db.query<{ seq: string; jws: string }>('SELECT seq, jws FROM audit.checkpoint ORDER BY seq LIMIT 1');
    const seq = Number(row!.seq);
    const [header, payload] = row!.jws.split('.');
    await federation.db.query('UPDATE audit.checkpoint SET jws = $1 WHERE seq = $2', [`${header}.${payload}.${'A'.repeat(86)}`, seq]);
    const answer = await federation.query('dpo', 'AUDIT', CHECKPOINT, { seq }).finally(() => federation.db.query('UPDATE audit.checkpoint SET jws = $1 WHERE seq = $2', [row!.jws, seq]));

    expect(answer.data?.auditCheckpoint).toBeNull();
    expect(answer.errors?.map((e) => ({ message: e.message, code: e.extensions?.code }))).toEqual([
      { message: `The stored checkpoint of record ${seq} is not signed by the hub's audit key; see auditChainStatus.`, code: 'AUDIT_CHECKPOINT_INVALID' },
    ]);
  });
});
