/**
 * The gateway's walk of a result along the client's operation (gateway/access/walk.ts) and the
 * final enforcement built on it (finishResult.ts), in process over the committed supergraph:
 * - work proportional to the document, never to its expansion (a fragment bomb);
 * - fields collected as execution collects them (`@skip`/`@include`, root fields in fragments);
 * - cases attributed only by the gateway's own hidden selection, never by a key the client named;
 * - nothing in the response that the walk did not account for.
 */
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { getOperationAST, parse, type GraphQLCompositeType } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../auth/decide.js';
import { finishResult, rootArgumentRefs } from '../../gateway/access/finishResult.js';
import { AccessMetadata } from '../../gateway/access/metadata.js';
import { REF_KEY, TYPE_KEY, type StaticDenial } from '../../gateway/access/staticPlan.js';
import { fragmentsOf, walkObjects, walkPlanFor, walkSelectionSet, type WalkPlan } from '../../gateway/access/walk.js';

const SDL = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const API_SCHEMA = Supergraph.build(SDL).apiSchema().toGraphQLJSSchema();
const METADATA = AccessMetadata.build(API_SCHEMA, SDL);
const QUERY = API_SCHEMA.getQueryType() as GraphQLCompositeType;

const A = 'EU-2024-000001';
const B = 'EU-2024-000002';
const HEALTH_DENIED: ReadonlyMap<string, Decision> = new Map([['HEALTH', { released: false, code: 'CONSENT_REQUIRED', rule: 'partner.continuity-of-care' } as Decision]]);
const ALL_RELEASED: ReadonlyMap<string, Decision> = new Map(
  ['CASE_ADMIN', 'IDENTITY', 'HEALTH'].map((category) => [category, { released: true, rule: 'ms-officer.case-work', basis: 'LEGAL_OBLIGATION' } as Decision]),
);

/** `depth` fragments on Query, each spreading the one before twice: 2^depth leaves. */
function fragmentBomb(depth: number): string {
  const fragments = [`fragment F0 on Query { case(ref: "${A}") { status } }`];
  for (let i = 1; i <= depth; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
  return `query { ...F${depth} } ${fragments.join(' ')}`;
}

/** Counts the walk's callbacks over `data` for `query`. */
function countVisits(query: string, data: Record<string, unknown>): { fields: number; objects: number } {
  const document = parse(query);
  const operation = getOperationAST(document)!;
  const counted = { fields: 0, objects: 0 };
  walkSelectionSet(
    {
      metadata: METADATA,
      fragments: fragmentsOf(document),
      variables: {},
      onField: () => {
        counted.fields++;
        return false;
      },
      onObject: () => {
        counted.objects++;
      },
    },
    operation.selectionSet,
    QUERY,
    data,
    [],
    null,
  );
  return counted;
}

function finish(query: string, data: Record<string, unknown>, options: { variables?: Record<string, unknown>; removed?: ReadonlyMap<string, StaticDenial>; decisions?: Record<string, ReadonlyMap<string, Decision>> } = {}) {
  return finishResult(METADATA, parse(query), null, options.variables ?? {}, data, [], options.removed ?? new Map(), (ref) => options.decisions?.[ref]);
}

describe('the walk of a result', () => {
  it('visits a fragment spread twice at every level once per object, not once per expansion', () => {
    // 2^16 leaves in the expansion; the response is the root and one case, with one key each.
    expect(countVisits(fragmentBomb(16), { case: { [REF_KEY]: A, status: 'COUNSELLING' } })).toEqual({ fields: 2, objects: 2 });
  });

  it('walks a fragment bomb of 2^23 leaves nested under a case in as many steps as the response has keys', () => {
    const fragments = ['fragment C0 on Case { ref }'];
    for (let i = 1; i <= 23; i++) fragments.push(`fragment C${i} on Case { ...C${i - 1} ...C${i - 1} }`);
    const query = `query { case(ref: "${A}") { ...C23 } } ${fragments.join(' ')}`;
    expect(countVisits(query, { case: { ref: A, [REF_KEY]: A } })).toEqual({ fields: 2, objects: 2 });
  });

  it('merges fields of one response key from several fragments and walks their value once', () => {
    const query = `query { case(ref: "${A}") { memberStateFile { person { familyName } } ...More } } fragment More on Case { memberStateFile { person { givenNames } } }`;
    const data = { case: { [REF_KEY]: A, memberStateFile: { [TYPE_KEY]: 'BelgianCaseFile', person: { familyName: 'x', givenNames: ['y'] } } } };
    // case, memberStateFile, person, familyName, givenNames: each once.
    expect(countVisits(query, data)).toEqual({ fields: 5, objects: 4 });
  });
});

describe('what the final walk answers and records', () => {
  const MEDICAL = `query($skip: Boolean!) { case(ref: "${A}") { memberStateFile { medical @skip(if: $skip) { fitToTravel } } } }`;
  const removedMedical: ReadonlyMap<string, StaticDenial> = new Map([['MemberStateFile.medical', { code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', category: 'HEALTH' }]]);

  it('answers no denial for a removed field the client skipped with @skip', () => {
    const data = { case: { [REF_KEY]: A, memberStateFile: { [TYPE_KEY]: 'BelgianCaseFile' } } };
    const finished = finish(MEDICAL, data, { variables: { skip: true }, removed: removedMedical });
    expect(finished.errors).toEqual([]);
    expect(data).toEqual({ case: { memberStateFile: {} } });
  });

  it('answers the denial of a removed field the client did not skip, at its path', () => {
    const data = { case: { [REF_KEY]: A, memberStateFile: { [TYPE_KEY]: 'BelgianCaseFile' } } };
    const finished = finish(MEDICAL, data, { variables: { skip: false }, removed: removedMedical });
    expect(finished.errors.map((e) => ({ path: e.path, code: e.extensions.code }))).toEqual([{ path: ['case', 'memberStateFile', 'medical'], code: 'FORBIDDEN_FIELD' }]);
    expect(data).toEqual({ case: { memberStateFile: { medical: null } } });
  });

  it("decides a field by the gateway's own case reference, never by a `ref` key the client aliased", () => {
    // The client aliased a field `ref` inside case A's file; its value names case B, which the
    // caller may see in full. The field still belongs to case A, where HEALTH is denied.
    const query = `query { case(ref: "${A}") { memberStateFile { ref: localReference medical { fitToTravel } } } }`;
    const data = { case: { [REF_KEY]: A, memberStateFile: { [TYPE_KEY]: 'BelgianCaseFile', ref: B, medical: { fitToTravel: true } } } };
    const finished = finish(query, data, { decisions: { [A]: HEALTH_DENIED, [B]: ALL_RELEASED } });
    expect(data.case.memberStateFile.medical).toBeNull();
    expect(finished.errors.map((e) => e.extensions.code)).toEqual(['CONSENT_REQUIRED']);
    expect(finished.cases.cases.map((c) => c.ref)).toEqual([A]);
  });

  it('tells the caller what it may be told of a denial, and records the true reason', () => {
    const query = `query { case(ref: "${A}") { memberStateFile { medical { fitToTravel } } } }`;
    const data = { case: { [REF_KEY]: A, memberStateFile: { [TYPE_KEY]: 'BelgianCaseFile', medical: { fitToTravel: true } } } };
    const blocked = new Map([['HEALTH', { released: false, code: 'TRANSFER_BLOCKED', rule: 'transfer.no-recorded-basis', shown: { code: 'NO_RELATIONSHIP', rule: 'case.not-a-party' } } as Decision]]);
    const finished = finish(query, data, { decisions: { [A]: blocked } });
    expect(finished.errors.map((e) => e.extensions)).toEqual([{ code: 'NO_RELATIONSHIP', rule: 'case.not-a-party', category: 'HEALTH' }]);
    const denied = finished.cases.accesses[0]!.denied.map((d) => ({ category: d.category, code: d.code, rule: d.rule, paths: d.paths.map((i) => finished.cases.paths[i]) }));
    expect(denied).toEqual([{ category: 'HEALTH', code: 'TRANSFER_BLOCKED', rule: 'transfer.no-recorded-basis', paths: ['case.memberStateFile.medical'] }]);
  });

  it("records each case's own legal basis and denial reason, also when two cases touched exactly the same paths", () => {
    // One pattern may serve many cases only when what it says is true of each: the same paths
    // and the same reasons. Here both cases answer the same fields, by different bases, and are
    // denied the same field for different reasons.
    const query = `query { cases(first: 2) { edges { node { ref memberStateFile { localReference medical { fitToTravel } } } } } }`;
    const data = {
      cases: { edges: [A, B].map((ref) => ({ node: { [REF_KEY]: ref, ref, memberStateFile: { [TYPE_KEY]: 'BelgianCaseFile', [REF_KEY]: ref, localReference: 'x', medical: { fitToTravel: true } } } })) },
    };
    const byConsent = (rule: string) => ({ released: true, rule, basis: 'CONSENT' }) as Decision;
    const finished = finish(query, data, {
      decisions: {
        [A]: new Map([['CASE_ADMIN', ALL_RELEASED.get('CASE_ADMIN')!], ['HEALTH', { released: false, code: 'CONSENT_REQUIRED', rule: 'partner.continuity-of-care' } as Decision]]),
        [B]: new Map([['CASE_ADMIN', byConsent('partner.case-work')], ['HEALTH', { released: false, code: 'NO_RELATIONSHIP', rule: 'case.not-a-party' } as Decision]]),
      },
    });
    const recorded = Object.fromEntries(
      finished.cases.cases.map(({ ref, access }) => {
        const pattern = finished.cases.accesses[access]!;
        return [ref, { released: pattern.released.map((r) => `${r.category} ${r.basis} ${r.rule}`), denied: pattern.denied.map((d) => `${d.category} ${d.code} ${d.rule}`) }];
      }),
    );
    expect(recorded).toEqual({
      [A]: { released: ['CASE_ADMIN LEGAL_OBLIGATION ms-officer.case-work'], denied: ['HEALTH CONSENT_REQUIRED partner.continuity-of-care'] },
      [B]: { released: ['CASE_ADMIN CONSENT partner.case-work'], denied: ['HEALTH NO_RELATIONSHIP case.not-a-party'] },
    });
  });

  it('removes from an object every key the operation does not ask of it', () => {
    const query = `query { case(ref: "${A}") { status } }`;
    const data = { case: { [REF_KEY]: A, status: 'COUNSELLING', memberStateFile: { person: { familyName: 'x' } } } };
    finish(query, data, { decisions: { [A]: ALL_RELEASED } });
    expect(data).toEqual({ case: { status: 'COUNSELLING' } });
  });

  it('finds the case references of root fields spread from fragments', () => {
    const document = parse(`query { ...Q } fragment Q on Query { mine: case(ref: "${A}") { status } }`);
    expect(rootArgumentRefs({ metadata: METADATA, fragments: fragmentsOf(document), variables: {} }, getOperationAST(document)!)).toEqual(new Map([['mine', A]]));
  });
});

describe('walk plans: what a repeated operation reuses', () => {
  const PAGE = `query($withHealth: Boolean!) { cases(first: 2) { edges { node { ref memberStateFile { medical @include(if: $withHealth) { fitToTravel } } } } } }`;
  const page = () => ({
    cases: {
      edges: [A, B].map((ref) => ({ node: { [REF_KEY]: ref, ref, memberStateFile: { [TYPE_KEY]: 'BelgianCaseFile', [REF_KEY]: ref, medical: { fitToTravel: true } } } })),
    },
  });
  const visitsWith = (plan: WalkPlan, document: ReturnType<typeof parse>, data: Record<string, unknown>) => {
    const seen: string[] = [];
    walkSelectionSet(
      { metadata: METADATA, fragments: fragmentsOf(document), variables: plan.context.variables, onField: ({ path, key, ref }) => (seen.push(`${[...path, key].join('.')}@${ref}`), false) },
      getOperationAST(document)!.selectionSet,
      QUERY,
      data,
      [],
      null,
      plan,
    );
    return seen;
  };

  it('collects each selection once for the first answer and never again for the next ones', () => {
    const document = parse(PAGE);
    const owner = {};
    const plan = walkPlanFor(owner, METADATA, document, { withHealth: true });
    visitsWith(plan, document, page());
    const afterFirst = plan.collections;
    expect(afterFirst).toBeGreaterThan(0);
    visitsWith(walkPlanFor(owner, METADATA, document, { withHealth: true }), document, page());
    expect(walkPlanFor(owner, METADATA, document, { withHealth: true })).toBe(plan);
    expect(plan.collections).toBe(afterFirst);
  });

  it('visits with a reused plan exactly what a walk without one visits', () => {
    const document = parse(PAGE);
    const plan = walkPlanFor({}, METADATA, document, { withHealth: true });
    visitsWith(plan, document, page());
    const fresh: string[] = [];
    walkSelectionSet(
      { metadata: METADATA, fragments: fragmentsOf(document), variables: { withHealth: true }, onField: ({ path, key, ref }) => (fresh.push(`${[...path, key].join('.')}@${ref}`), false) },
      getOperationAST(document)!.selectionSet,
      QUERY,
      page(),
      [],
      null,
    );
    expect(visitsWith(plan, document, page())).toEqual(fresh);
    expect(fresh).toContain(`cases.edges.1.node.memberStateFile.medical@${B}`);
  });

  it('gives the values of @skip/@include variables their own plan, so a skipped field is never walked from another plan', () => {
    const document = parse(PAGE);
    const owner = {};
    const including = walkPlanFor(owner, METADATA, document, { withHealth: true });
    const excluding = walkPlanFor(owner, METADATA, document, { withHealth: false });
    expect(excluding).not.toBe(including);
    expect(visitsWith(excluding, document, page()).some((visit) => visit.includes('medical'))).toBe(false);
    expect(visitsWith(including, document, page()).some((visit) => visit.includes('medical'))).toBe(true);
  });

  it('finds with a walk of objects exactly the objects, in the same order, that a full walk visits', () => {
    const document = parse(PAGE);
    const plan = walkPlanFor({}, METADATA, document, { withHealth: true });
    const selectionSet = getOperationAST(document)!.selectionSet;
    const full: unknown[] = [];
    walkSelectionSet({ metadata: METADATA, fragments: fragmentsOf(document), variables: plan.context.variables, onField: () => false, onObject: (object) => full.push(object) }, selectionSet, QUERY, page(), [], null, plan);
    const data = page();
    const objects: unknown[] = [];
    walkObjects(plan, selectionSet, QUERY, data, (object) => objects.push(object));
    expect(objects).toEqual(full);
    expect(objects).toContain(data.cases.edges[1]!.node.memberStateFile);
  });

  it('shares one plan between requests whose other variables differ', () => {
    const document = parse(`query($ref: CaseRef!) { case(ref: $ref) { status } }`);
    const owner = {};
    expect(walkPlanFor(owner, METADATA, document, { ref: A })).toBe(walkPlanFor(owner, METADATA, document, { ref: B }));
  });

  it('makes a new plan when the supergraph version changes', () => {
    const document = parse(PAGE);
    const owner = {};
    const before = walkPlanFor(owner, METADATA, document, { withHealth: true });
    const next = AccessMetadata.build(API_SCHEMA, SDL);
    expect(walkPlanFor(owner, next, document, { withHealth: true })).not.toBe(before);
  });

  it('keeps the final walk of a repeated operation answering each response by its own decisions', () => {
    const document = parse(PAGE);
    const removed = new Map<string, StaticDenial>();
    const run = (decisions: Record<string, ReadonlyMap<string, Decision>>) => {
      const data = page();
      const finished = finishResult(METADATA, document, null, { withHealth: true }, data, [], removed, (ref) => decisions[ref]);
      return finished.errors.map((e) => e.path?.join('.'));
    };
    expect(run({ [A]: ALL_RELEASED, [B]: ALL_RELEASED })).toEqual([]);
    expect(run({ [A]: ALL_RELEASED, [B]: HEALTH_DENIED })).toEqual(['cases.edges.1.node.memberStateFile.medical']);
  });
});
