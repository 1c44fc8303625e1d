/**
 * Statistics through the gateway, over real HTTP, on every test store: the hub fetches each
 * system's contribution under a STATISTICS context, joins them and releases only the declared
 * table with disclosure control; anyone without STATISTICS is refused; the audit record names the
 * question and its suppressed cells and no case.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditContent } from '../../audit/index.js';
import { signContext, type SubgraphContext } from '../../auth/context-token.js';
import { auditLedger } from '../../gateway/statisticsStage.js';
import { referenceDate } from '../../statistics/index.js';
import { CASE_INDEPENDENT_KEY, CONTEXT_EXTENSION, syntheticCases } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { postGraphQL } from '../harness/graphql.js';
import { testStores } from '../harness/stores.js';

const CASES = 300;
const BY_COUNTRY = `query ByCountry($filters: [StatisticsFilterInput!]) {
  statistics(table: RETURNS, rows: COUNTRY_OF_ORIGIN, filters: $filters) {
    table rows columns asOf threshold roundingBase suppressedCells
    measures { name }
    cells { row column count status measures { measure value status } }
    budget { period spent limit }
  }
}`;

describe.each(testStores)('statistics through the gateway on $name', (store) => {
  let federation: TestFederation;
  const asOf = referenceDate(new Date());
  const cases = [...syntheticCases(CASES)];
  const send = async (persona: 'researcher' | 'be-counsellor' | 'eurp-programme-manager', purpose: 'STATISTICS' | 'RETURN_COUNSELLING' | 'MONITORING_EVALUATION', query: string, variables: Record<string, unknown> = {}) => {
    const requestId = randomUUID();
    const response = await postGraphQL(federation.gateway.url, query, variables, { ...(await federation.as(persona, purpose)), 'x-request-id': requestId });
    return { requestId, response };
  };
  const recordOf = async (requestId: string) =>
    (await federation.db.query<{ cases: string[]; content: AuditContent }>('SELECT cases, body::jsonb AS content FROM audit.record WHERE request_id = $1', [requestId]))[0]!;

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it('answers a researcher the declared table: every count within the rounding of the true one, small cells suppressed', async () => {
    const { response } = await send('researcher', 'STATISTICS', BY_COUNTRY);
    expect(response.errors).toBeUndefined();
    const table = response.data!.statistics;
    expect(table).toMatchObject({ table: 'RETURNS', rows: 'COUNTRY_OF_ORIGIN', columns: null, asOf, threshold: 10, roundingBase: 5 });
    expect(table.measures.map((m: { name: string }) => m.name)).toEqual(['STILL_IN_COUNTRY', 'MONITORING_VISITS']);
    for (const cell of table.cells as { row: string; count: number | null; status: string }[]) {
      const truth = cases.filter((c) => c.returnedOn !== null && c.returnedOn <= asOf && (cell.row === 'TOTAL' || c.countryOfOrigin === cell.row)).length;
      if (truth < 10) {
        expect(cell).toMatchObject({ count: null, status: 'SUPPRESSED_SMALL_CELL' });
      } else if (cell.status === 'RELEASED') {
        expect(cell.count! % 5).toBe(0);
        expect(Math.abs(cell.count! - truth)).toBeLessThan(5);
      }
    }
    // OTHER has no synthetic case: suppressed, so the one-dimensional table keeps two unknowns.
    expect(table.cells.find((c: { row: string }) => c.row === 'OTHER')).toMatchObject({ count: null, status: 'SUPPRESSED_SMALL_CELL' });
  });

  it('joins the partner system: the share still in the country is released for Iraq, where the partner follows enough persons', async () => {
    const { response } = await send('researcher', 'STATISTICS', BY_COUNTRY);
    const iraq = response.data!.statistics.cells.find((c: { row: string }) => c.row === 'IQ');
    const visited = cases.filter((c) => c.countryOfOrigin === 'IQ' && c.partnerFile && c.partnerFile.visits.length > 0).length;
    expect(visited).toBeGreaterThanOrEqual(10);
    expect(iraq.measures[0]).toMatchObject({ measure: 'STILL_IN_COUNTRY', status: 'RELEASED' });
    expect(iraq.measures[0].value).toBeGreaterThanOrEqual(0);
    expect(iraq.measures[0].value).toBeLessThanOrEqual(1);
  });

  it('answers the same question the same way twice, without charging the budget again', async () => {
    const first = await send('researcher', 'STATISTICS', BY_COUNTRY, { filters: [{ dimension: 'MEMBER_STATE', band: 'BE' }] });
    const second = await send('researcher', 'STATISTICS', BY_COUNTRY, { filters: [{ dimension: 'MEMBER_STATE', band: 'BE' }] });
    expect(second.response.data).toEqual(first.response.data);
  });

  it("answers the EU programme's monitoring team, whose policy grants STATISTICS for MONITORING_EVALUATION", async () => {
    const { response } = await send('eurp-programme-manager', 'MONITORING_EVALUATION', BY_COUNTRY);
    expect(response.errors).toBeUndefined();
    expect(response.data!.statistics.cells.length).toBe(8);
  });

  it('refuses a caller whose policy grants no STATISTICS, with FORBIDDEN_FIELD, and calls no contributor', async () => {
    const { requestId, response } = await send('be-counsellor', 'RETURN_COUNSELLING', BY_COUNTRY);
    expect(response.data?.statistics ?? null).toBeNull();
    expect(response.errors).toEqual([
      { message: 'Field "Query.statistics" (STATISTICS) is not released to you: FORBIDDEN_FIELD by rule policy.no-grant.', path: ['statistics'], locations: [{ line: 2, column: 3 }], extensions: { code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', category: 'STATISTICS' } },
    ]);
    const record = await recordOf(requestId);
    expect(record.content.subgraphs).toEqual([]);
    expect(record.content.statistics).toBeUndefined();
  });

  it('refuses a band the dimension does not declare, before any contribution is fetched', async () => {
    const { requestId, response } = await send('researcher', 'STATISTICS', BY_COUNTRY, { filters: [{ dimension: 'AGE_BAND', band: '33' }] });
    expect(response.errors).toEqual([
      {
        message: 'The statistics question cannot be asked: AGE_BAND has no band of that name; its bands are 0-17, 18-24, 25-34, 35-49, 50+, UNKNOWN.',
        path: ['statistics'],
        locations: [{ line: 2, column: 3 }],
        extensions: { code: 'BAD_USER_INPUT', hubCode: 'HUB_STATISTICS_QUESTION_INVALID' },
      },
    ]);
    expect((await recordOf(requestId)).content.subgraphs).toEqual([]);
  });

  it('refuses a statistics question asked together with other root fields', async () => {
    const { response } = await send('researcher', 'STATISTICS', '{ statistics(table: RETURNS, rows: RETURN_TYPE) { suppressedCells } cases { totalCount } }');
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.map((e) => e.extensions?.hubCode)).toEqual(['HUB_STATISTICS_QUESTION_INVALID']);
  });

  it('refuses two statistics questions in one request, so each record names its one question', async () => {
    const { requestId, response } = await send('researcher', 'STATISTICS', '{ a: statistics(table: RETURNS, rows: RETURN_TYPE) { suppressedCells } b: statistics(table: RETURNS, rows: AGE_BAND) { suppressedCells } }');
    expect(response.data ?? null).toBeNull();
    expect(response.errors).toEqual([
      { message: 'The statistics question cannot be asked: one statistics question per request, and this operation asks several.', extensions: { code: 'BAD_USER_INPUT', hubCode: 'HUB_STATISTICS_QUESTION_INVALID' } },
    ]);
    const record = await recordOf(requestId);
    expect(record.content).toMatchObject({ code: 'HUB_STATISTICS_QUESTION_INVALID', subgraphs: [] });
  });

  it('records the table, dimensions, filters, suppressed cells and budget — and no case', async () => {
    const { requestId, response } = await send('researcher', 'STATISTICS', BY_COUNTRY, { filters: [{ dimension: 'RETURN_TYPE', band: 'ENFORCED' }] });
    const table = response.data!.statistics;
    const record = await recordOf(requestId);
    expect(record.content.statistics).toEqual({
      table: 'RETURNS',
      rows: 'COUNTRY_OF_ORIGIN',
      columns: null,
      filters: [{ dimension: 'RETURN_TYPE', band: 'ENFORCED' }],
      question: expect.stringMatching(/^[0-9a-f]{64}$/),
      asOf,
      cells: table.cells.length,
      suppressedCells: table.suppressedCells,
      budget: { period: asOf.slice(0, 7), spent: table.budget.spent, limit: table.budget.limit, repeated: false },
    });
    expect(record.content.subgraphs.sort()).toEqual(['be-cases', 'central', 'de-cases', 'iq-partner']);
    expect(record.cases).toEqual([]);
    expect(record.content.cases).toEqual([]);
    expect(JSON.stringify(record.content)).not.toMatch(/EU-\d{4}-\d{6}/);
  });
});

describe.each(testStores)('the question budget on $name', (store) => {
  let federation: TestFederation;
  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: 60, statisticsQuestionBudget: 2 });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it('is counted from the audit log: the ledger holds each distinct question answered, repeats once', async () => {
    const ask = (rows: string) => federation.query('researcher', 'STATISTICS', `{ statistics(table: RETURNS, rows: ${rows}) { budget { period spent limit } } }`);
    await ask('RETURN_TYPE');
    await ask('AGE_BAND');
    const last = await ask('RETURN_TYPE');
    const { period, spent, limit } = last.data!.statistics.budget;
    expect({ spent, limit }).toEqual({ spent: 2, limit: 2 });
    const asked = await auditLedger(federation.db).asked('EU/EDU/EU-RETURN-RESEARCH', period);
    expect(asked.size).toBe(2);
    expect(await auditLedger(federation.db).asked('EU/GOV/EU-REINTEGRATION-PROGRAMME', period)).toEqual(new Set());
  });

  it('refuses a new question past the budget, recorded as REFUSED, and still answers the ones asked', async () => {
    const requestId = randomUUID();
    const refused = await postGraphQL(federation.gateway.url, '{ statistics(table: RETURNS, rows: VULNERABLE) { suppressedCells } }', {}, { ...(await federation.as('researcher', 'STATISTICS')), 'x-request-id': requestId });
    const period = referenceDate(new Date()).slice(0, 7);
    expect(refused.errors).toEqual([
      {
        message: `Your organisation has asked its 2 distinct statistics questions for ${period}; questions already asked still answer.`,
        path: ['statistics'],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: 'STATISTICS_BUDGET_EXHAUSTED', hubCode: 'HUB_STATISTICS_BUDGET_EXHAUSTED' },
      },
    ]);
    const [record] = await federation.db.query<{ outcome: string; content: AuditContent }>('SELECT outcome, body::jsonb AS content FROM audit.record WHERE request_id = $1', [requestId]);
    expect(record).toMatchObject({ outcome: 'REFUSED', content: { code: 'HUB_STATISTICS_BUDGET_EXHAUSTED', subgraphs: [] } });
    const again = await federation.query('researcher', 'STATISTICS', '{ statistics(table: RETURNS, rows: AGE_BAND) { budget { spent limit } } }');
    expect(again.data!.statistics.budget).toEqual({ spent: 2, limit: 2 });
  });
});

describe.each(testStores)('a contribution called directly on $name', (store) => {
  let federation: TestFederation;
  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: 60 });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  const RESEARCHER: SubgraphContext = { officialId: 'researcher-001', organisation: 'EU/EDU/EU-RETURN-RESEARCH', country: 'EU', roles: ['RESEARCHER'], purpose: 'STATISTICS', requestId: 'contribution-test-1' };
  const call = async (context: SubgraphContext) => {
    const system = federation.systems.get('be-cases')!;
    const before = system.opened.backendCalls();
    const response = await fetch(system.subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ belgianCaseStatistics { count rows } }', extensions: { [CONTEXT_EXTENSION]: await signContext(federation.contextKeys, 'be-cases', context) } }),
    });
    return { body: (await response.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] }, backendCalls: system.opened.backendCalls() - before };
  };

  it('gives its values only to a request the gateway signed STATISTICS for (control)', async () => {
    const { body } = await call({ ...RESEARCHER, decisions: { sets: [{ STATISTICS: 'R' }], cases: { [CASE_INDEPENDENT_KEY]: 0 } } });
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({ belgianCaseStatistics: { count: cases60().filter((c) => c.owningMemberState === 'BE').length } });
  });

  it('refuses every value, without reading its backend, when the gateway signed no STATISTICS decision', async () => {
    const { body, backendCalls } = await call(RESEARCHER);
    expect(body.data).toBeNull();
    expect(body.errors?.map((e) => [e.extensions?.code, e.extensions?.rule])).toEqual([['NO_RELATIONSHIP', 'decision.missing']]);
    expect(backendCalls).toBe(0);
  });

  it('refuses it to a case decision signed for a case, whatever the case', async () => {
    const ref = cases60()[0]!.ref;
    const { body } = await call({ ...RESEARCHER, decisions: { sets: [{ STATISTICS: 'R' }], cases: { [ref]: 0 } } });
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('NO_RELATIONSHIP');
  });
});

function cases60() {
  return [...syntheticCases(60)];
}

describe.each(testStores)('a contributor that cannot answer, on $name', (store) => {
  let federation: TestFederation;
  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: 60 });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it('fails the whole question with HUB_STATISTICS_UNAVAILABLE, naming the system: no table without its cases', async () => {
    await federation.systems.get('iq-partner')!.subgraph.close();
    const response = await federation.query('researcher', 'STATISTICS', '{ statistics(table: SUSTAINABILITY, rows: COUNTRY_OF_ORIGIN) { suppressedCells } }');
    expect(response.data ?? null).toBeNull();
    expect(response.errors).toEqual([
      {
        message: 'The statistics cannot be computed now: subgraph "iq-partner" could not be reached. No partial table is released.',
        path: ['statistics'],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: 'STATISTICS_UNAVAILABLE', hubCode: 'HUB_STATISTICS_UNAVAILABLE' },
      },
    ]);
  });
});
