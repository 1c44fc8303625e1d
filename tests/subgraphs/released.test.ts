/**
 * The kit's promise: a denied value is not read from the backend, not read and dropped. The kit
 * tells each request's loaders what is released per case (subgraphs/kit/released.ts); the
 * Member State loaders (be-cases, de-cases) read a batch with one statement that reads each part
 * only for the cases it is released for; iq-partner asks its partner's REST API to leave out the
 * denied parts. Proved with a backend that records every statement it runs and what it returned,
 * and, for the one-statement reads, with the plan's own count of how often each part was read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDecisions, type SubgraphContext } from '../../auth/context-token.js';
import { DATA_CATEGORIES, type DataCategory } from '../../contract/index.js';
import { ALL_RELEASED, releasedCategories, syntheticCases, type RunningSubgraph } from '../../subgraphs/kit/index.js';
import { beCasesSystem } from '../../subgraphs/be-cases/index.js';
import { deCasesSystem } from '../../subgraphs/de-cases/index.js';
import { HEALTH_SERVICE_TYPES } from '../../subgraphs/iq-partner/backend.js';
import { iqPartnerSystem } from '../../subgraphs/iq-partner/index.js';
import type { OpenedSystem } from '../../subgraphs/system.js';
import { openPglite, type Db } from '../../store/index.js';
import { TEST_CALLER, signedFetch, startTestSubgraph } from '../harness/subgraph.js';

const vector = (denied: readonly DataCategory[]) => Object.fromEntries(DATA_CATEGORIES.map((c) => [c, denied.includes(c) ? 'FORBIDDEN_FIELD policy.test' : 'R']));
const caller = (perCase: Record<string, readonly DataCategory[]>): SubgraphContext => ({
  ...TEST_CALLER,
  decisions: encodeDecisions(new Map(Object.entries(perCase).map(([ref, denied]) => [ref, vector(denied)]))),
});

describe('released categories, from the signed decisions', () => {
  it('release for a case exactly the categories its signed vector releases', () => {
    const released = releasedCategories(caller({ 'EU-2026-000001': ['HEALTH', 'CONTACT'] }));
    expect([...released.for('EU-2026-000001')].sort()).toEqual(DATA_CATEGORIES.filter((c) => c !== 'HEALTH' && c !== 'CONTACT').sort());
  });

  it('release nothing for a case the gateway signed no decision for, unless the subgraph decides such cases itself', () => {
    expect([...releasedCategories(caller({})).for('EU-2026-000009')]).toEqual([]);
    expect([...releasedCategories(caller({}), { decidesUnsignedCases: true }).for('EU-2026-000009')].sort()).toEqual([...DATA_CATEGORIES].sort());
  });

  it('read a mixed batch group by group, each group with only what is released for all of its cases', async () => {
    const released = releasedCategories(caller({ 'EU-2026-000001': ['HEALTH'], 'EU-2026-000002': [], 'EU-2026-000003': ['HEALTH'] }));
    const reads: { refs: string[]; health: boolean }[] = [];
    const values = await released.byReleased(['EU-2026-000003', 'EU-2026-000002', 'EU-2026-000001', 'EU-2026-000004'], async (refs, categories) => {
      reads.push({ refs, health: categories.has('HEALTH') });
      return new Map(refs.map((ref) => [ref, `${ref}:${categories.has('HEALTH') ? 'with' : 'without'} health`]));
    });
    expect(reads).toEqual([
      { refs: ['EU-2026-000003', 'EU-2026-000001'], health: false },
      { refs: ['EU-2026-000002'], health: true },
      { refs: ['EU-2026-000004'], health: false },
    ]);
    expect(values).toEqual(['EU-2026-000003:without health', 'EU-2026-000002:with health', 'EU-2026-000001:without health', 'EU-2026-000004:without health']);
  });

  it('release everything to a subgraph started without enforcement (the benchmark baseline)', () => {
    expect([...ALL_RELEASED.for('EU-2026-000001')].sort()).toEqual([...DATA_CATEGORIES].sort());
  });
});

/**
 * How many times each subquery reading `table` (schema-qualified or not) ran when `statement` ran
 * again under EXPLAIN ANALYZE: the plan's own count of the rows a part was read for.
 */
async function loopsIn(db: Db, statement: { sql: string; params: readonly unknown[] }, table: string): Promise<number[]> {
  const relation = table.includes('.') ? table.split('.')[1]! : table;
  const [row] = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.sql}`, statement.params);
  const loops: number[] = [];
  const visit = (node: Record<string, unknown>) => {
    if (node['Subplan Name'] !== undefined && JSON.stringify(node).includes(`"Relation Name":"${relation}"`)) loops.push(Number(node['Actual Loops']));
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) visit(child);
  };
  visit((row!['QUERY PLAN'] as [{ Plan: Record<string, unknown> }])[0].Plan);
  return loops;
}

const MEMBER_STATE_SYSTEMS = [
  { system: beCasesSystem, memberState: 'BE', type: 'BelgianCaseFile', medicalTable: 'be_dossiers.info_medicale', travelTable: 'be_dossiers.voyage', phone: 'p.telephone', medical: 'medical', person: 'personne', contact: ['telephone', 'courriel', 'adresse_pays_origine'] },
  { system: deCasesSystem, memberState: 'DE', type: 'GermanCaseFile', medicalTable: 'de_akten.gesundheit', travelTable: 'de_akten.reise', phone: 'p.telefon', medical: 'gesundheit', person: 'person', contact: ['telefon', 'email', 'anschrift_herkunftsland'] },
] as const;

describe.each(MEMBER_STATE_SYSTEMS)('$system.name reads no denied part of a file', (ms) => {
  let db: Db;
  let server: RunningSubgraph;
  const statements: { sql: string; params: readonly unknown[]; refs: string[]; rows: Record<string, unknown>[] }[] = [];
  const files = [...syntheticCases(120)].filter((c) => c.owningMemberState === ms.memberState && c.medical !== null && c.person.contact !== null);


  /** The store, recording each statement, the case references it was given and the rows it returned. */
  function recording(inner: Db): Db {
    return {
      ...inner,
      async query<R>(sql: string, params?: readonly unknown[]) {
        const rows = await inner.query<R>(sql, params);
        if (!sql.startsWith('EXPLAIN')) statements.push({ sql, params: params ?? [], refs: (params?.[0] as string[] | undefined) ?? [], rows: rows as Record<string, unknown>[] });
        return rows;
      },
      scoped: () => recording(inner),
    };
  }

  beforeAll(async () => {
    db = await openPglite();
    await ms.system.migrate(db);
    await ms.system.seed(db, [...syntheticCases(120)]);
    server = await startTestSubgraph((await ms.system.open(recording(db))).module);
  });

  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('reads a batch whose cases differ in what is released with one statement', async () => {
    const [open, closed] = files as [(typeof files)[number], (typeof files)[number]];
    statements.length = 0;
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${ms.type} { caseRef person { familyName contact { phone } } medical { fitToTravel } } } }`;
    const response = await signedFetch(
      server.url,
      { body: JSON.stringify({ query, variables: { r: [open, closed].map((c) => ({ __typename: ms.type, caseRef: c.ref })) } }) },
      { decisions: caller({ [open.ref]: [], [closed.ref]: ['HEALTH', 'CONTACT'] }).decisions },
    );
    const body = (await response.json()) as { data: { _entities: unknown[] } };
    expect(body.data._entities).toEqual([
      { caseRef: open.ref, person: { familyName: open.person.familyName, contact: { phone: open.person.contact!.phone } }, medical: { fitToTravel: open.medical!.fitToTravel } },
      { caseRef: closed.ref, person: { familyName: closed.person.familyName, contact: null }, medical: null },
    ]);
    expect(statements.map((s) => s.refs)).toEqual([[open.ref, closed.ref]]);
  });

  it('runs the medical subquery only for the case it is released for, and returns no contact detail of the other', async () => {
    const [open, closed] = files as [(typeof files)[number], (typeof files)[number]];
    statements.length = 0;
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${ms.type} { caseRef person { familyName contact { phone } } medical { fitToTravel } } } }`;
    await signedFetch(
      server.url,
      { body: JSON.stringify({ query, variables: { r: [open, closed].map((c) => ({ __typename: ms.type, caseRef: c.ref })) } }) },
      { decisions: caller({ [open.ref]: [], [closed.ref]: ['HEALTH', 'CONTACT'] }).decisions },
    );
    const [statement] = statements as [(typeof statements)[number]];
    // The medical part ran once (for the open file), the travel part, released for both, twice.
    expect(await loopsIn(db, statement, ms.medicalTable)).toEqual([1]);
    expect(await loopsIn(db, statement, ms.travelTable)).toEqual([2]);
    const closedRow = statement.rows.find((row) => Object.values(row).includes(closed.ref)) as Record<string, unknown> & Record<typeof ms.person, Record<string, unknown>>;
    expect([closedRow[ms.medical], ...ms.contact.map((column) => closedRow[ms.person][column])]).toEqual([null, null, null, null]);
  });

  it('reads a batch whose contact details are released for some cases and their identity for none', async () => {
    const [first, second] = files as [(typeof files)[number], (typeof files)[number]];
    statements.length = 0;
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${ms.type} { caseRef person { familyName } medical { fitToTravel } } } }`;
    const response = await signedFetch(
      server.url,
      { body: JSON.stringify({ query, variables: { r: [first, second].map((c) => ({ __typename: ms.type, caseRef: c.ref })) } }) },
      { decisions: caller({ [first.ref]: ['IDENTITY'], [second.ref]: ['IDENTITY', 'CONTACT'] }).decisions },
    );
    const body = (await response.json()) as { data: { _entities: { caseRef: string; person: unknown; medical: unknown }[] }; errors?: { extensions?: { code?: string } }[] };
    expect(body.data._entities.map((e) => [e.caseRef, e.person, e.medical !== null])).toEqual([
      [first.ref, null, true],
      [second.ref, null, true],
    ]);
    expect((body.errors ?? []).map((e) => e.extensions?.code).filter((code) => code !== 'FORBIDDEN_FIELD')).toEqual([]);
    expect(statements.map((s) => ({ refs: s.refs, readsPhone: s.sql.includes(ms.phone) }))).toEqual([{ refs: [first.ref, second.ref], readsPhone: false }]);
  });

  it('reads no part at all that no case of the batch is released for', async () => {
    const [first, second] = files as [(typeof files)[number], (typeof files)[number]];
    statements.length = 0;
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${ms.type} { caseRef medical { fitToTravel } } } }`;
    await signedFetch(
      server.url,
      { body: JSON.stringify({ query, variables: { r: [first, second].map((c) => ({ __typename: ms.type, caseRef: c.ref })) } }) },
      { decisions: caller({ [first.ref]: ['HEALTH'], [second.ref]: ['HEALTH'] }).decisions },
    );
    expect(statements.map((s) => ({ refs: s.refs, readsMedical: s.sql.includes(ms.medicalTable), readsPhone: s.sql.includes(ms.phone) }))).toEqual([
      { refs: [first.ref, second.ref], readsMedical: false, readsPhone: true },
    ]);
  });
});

describe('iq-partner asks its partner for no denied part of a file', () => {
  let db: Db;
  let opened: OpenedSystem;
  let server: RunningSubgraph;
  const statements: { sql: string; params: readonly unknown[]; rows: { eu_reference: string; services: { service_type: string }[] }[] }[] = [];
  const files = [...syntheticCases(400)].filter((c) => (c.partnerFile?.healthAssistance.length ?? 0) > 0 && (c.partnerFile?.visits.length ?? 0) > 0);

  function recording(inner: Db): Db {
    return {
      ...inner,
      async query<R>(sql: string, params?: readonly unknown[]) {
        const rows = await inner.query<R>(sql, params);
        if (sql.includes('iq_partner.mustafid')) statements.push({ sql, params: params ?? [], rows: rows as never });
        return rows;
      },
      scoped: () => recording(inner),
    };
  }

  beforeAll(async () => {
    db = await openPglite();
    await iqPartnerSystem.migrate(db);
    await iqPartnerSystem.seed(db, [...syntheticCases(400)]);
    opened = await iqPartnerSystem.open(recording(db), { logLevel: 'silent' });
    server = await startTestSubgraph(opened.module);
  });

  afterAll(async () => {
    await server?.close();
    await opened?.close();
    await db?.close();
  });

  it('leaves health services, visits and assessments out of the lookup for the case they are denied for', async () => {
    const [open, closed] = files as [(typeof files)[number], (typeof files)[number]];
    statements.length = 0;
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Case { ref partnerFile { assistance { kind } healthAssistance { kind } monitoringVisits { date } } } } }`;
    const response = await signedFetch(
      server.url,
      { body: JSON.stringify({ query, variables: { r: [open, closed].map((c) => ({ __typename: 'Case', ref: c.ref })) } }) },
      { decisions: caller({ [open.ref]: [], [closed.ref]: ['HEALTH', 'MONITORING'] }).decisions, caller: { quietDenials: true } },
    );
    const body = (await response.json()) as { data: { _entities: unknown[] } };
    const kinds = (c: (typeof files)[number]) => ({ assistance: c.partnerFile!.assistance.map((a) => ({ kind: a.kind })) });
    expect(body.data._entities).toEqual([
      { ref: open.ref, partnerFile: { ...kinds(open), healthAssistance: open.partnerFile!.healthAssistance.map((h) => ({ kind: h.kind })), monitoringVisits: open.partnerFile!.visits.map((v) => ({ date: v.date })) } },
      { ref: closed.ref, partnerFile: { ...kinds(closed), healthAssistance: null, monitoringVisits: null } },
    ]);
    // One lookup for both; the partner's statement reads visits and the assessment once (for the
    // open file), and hands back no health service of the closed one.
    expect(statements.map((s) => s.params[0])).toEqual([[open.ref, closed.ref]]);
    const [statement] = statements as [(typeof statements)[number]];
    expect(await loopsIn(db, statement, 'ziyara')).toEqual([1]);
    expect(await loopsIn(db, statement, 'taqyim')).toEqual([1]);
    const services = (ref: string) => statement.rows.filter((row) => row.eu_reference === ref).flatMap((row) => row.services.map((s) => s.service_type));
    expect(services(open.ref).some((type) => HEALTH_SERVICE_TYPES.includes(type))).toBe(true);
    expect(services(closed.ref).filter((type) => HEALTH_SERVICE_TYPES.includes(type))).toEqual([]);
    expect(services(closed.ref).length).toBeGreaterThan(0);
  });

  it('answers a lookup whose assistance is denied for every case and health for some, with neither read where denied', async () => {
    const [first, second] = files as [(typeof files)[number], (typeof files)[number]];
    statements.length = 0;
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Case { ref partnerFile { healthAssistance { kind } } } } }`;
    const response = await signedFetch(
      server.url,
      { body: JSON.stringify({ query, variables: { r: [first, second].map((c) => ({ __typename: 'Case', ref: c.ref })) } }) },
      { decisions: caller({ [first.ref]: ['REINTEGRATION'], [second.ref]: ['REINTEGRATION', 'HEALTH'] }).decisions, caller: { quietDenials: true } },
    );
    const body = (await response.json()) as { data: { _entities: { ref: string; partnerFile: { healthAssistance: unknown } | null }[] } };
    expect(body.data._entities.map((e) => [e.ref, e.partnerFile?.healthAssistance === null])).toEqual([
      [first.ref, false],
      [second.ref, true],
    ]);
    const [statement] = statements as [(typeof statements)[number]];
    const services = (ref: string) => statement.rows.filter((row) => row.eu_reference === ref).flatMap((row) => row.services.map((s) => s.service_type));
    expect(services(first.ref).every((type) => HEALTH_SERVICE_TYPES.includes(type))).toBe(true);
    expect(services(second.ref)).toEqual([]);
  });

  it('leaves a part out of the statement altogether when it is denied for every case of the lookup', async () => {
    const [first, second] = files as [(typeof files)[number], (typeof files)[number]];
    statements.length = 0;
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Case { ref partnerFile { monitoringVisits { date } } } } }`;
    await signedFetch(
      server.url,
      { body: JSON.stringify({ query, variables: { r: [first, second].map((c) => ({ __typename: 'Case', ref: c.ref })) } }) },
      { decisions: caller({ [first.ref]: ['MONITORING'], [second.ref]: ['MONITORING', 'HEALTH'] }).decisions, caller: { quietDenials: true } },
    );
    expect(statements.map((s) => ({ refs: s.params[0], visits: s.sql.includes('iq_partner.ziyara'), assessments: s.sql.includes('iq_partner.taqyim') }))).toEqual([
      { refs: [first.ref, second.ref], visits: false, assessments: false },
    ]);
  });
});
