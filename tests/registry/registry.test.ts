/**
 * Partner registration: a participant onboarded by the hub operator publishes its subgraph with a
 * signed request; the hub checks it, tells exactly what is wrong, and otherwise activates it on
 * the gateway within seconds, under the same access rules — on PGlite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import type { RunningSubgraph } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';
import {
  hubGet,
  hubPost,
  operatorToken,
  PARTNER,
  partnerKeys,
  sign,
  signedPayload,
  startPartnerSubgraph,
  submission,
  type PartnerKeys,
} from './harness.js';

const CASES = 80;
const belgianCase = [...syntheticCases(CASES)].find((c) => c.owningMemberState === 'BE')!;
const REFERRAL_QUERY = 'query($ref: CaseRef!) { case(ref: $ref) { ref referralCount } }';

describe.each(testStores)('registry on $name', (store) => {
  let federation: TestFederation;
  let keys: PartnerKeys;
  let partner: RunningSubgraph;
  let token: string;
  const publish = async (sub: Record<string, unknown>) => hubPost(federation, '/registry/subgraphs/publish', { jws: await signedPayload(keys, sub) });
  const check = async (sub: Record<string, unknown>) => hubPost(federation, '/registry/subgraphs/check', { jws: await signedPayload(keys, sub) });
  const activeVersion = async () => ((await hubGet(federation, '/registry/supergraph/versions', token)).body.versions as { active: boolean; version: number }[]).find((v) => v.active)?.version;

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
    keys = await partnerKeys();
    partner = await startPartnerSubgraph(federation);
    token = await operatorToken(federation);
  });
  afterAll(async () => {
    await partner?.close();
    await federation?.stop();
  });

  it('lets the hub operator onboard a participant, pending until approved', async () => {
    const added = await hubPost(
      federation,
      '/registry/participants',
      { id: PARTNER, name: 'Test referral mechanism (synthetic)', publicJwk: keys.publicJwk, allowedCategories: ['CASE_ADMIN', 'REFERRAL'], allowedContributions: ['Case.referralCount', 'Case.referralNote'] },
      token,
    );
    expect(added).toMatchObject({ status: 201, body: { ok: true, participant: { id: PARTNER, state: 'PENDING', organisation: 'NG/GOV/NG-TEST-MECHANISM' } } });
    expect(await publish(submission(partner))).toMatchObject({ status: 403, body: { errors: [{ extensions: { hubCode: 'HUB_REGISTRY_NOT_APPROVED' } }] } });
    expect(await hubPost(federation, `/registry/participants/${encodeURIComponent(PARTNER)}/state`, { state: 'APPROVED' }, token)).toMatchObject({ status: 200, body: { participant: { state: 'APPROVED' } } });
  });

  it('records a refused participant change with its code', async () => {
    const refused = await hubPost(federation, `/registry/participants/${encodeURIComponent(PARTNER)}/state`, { state: 'APPROVED' }, token);
    expect(refused).toMatchObject({ status: 409, body: { errors: [{ message: `participant ${PARTNER} cannot go from APPROVED to APPROVED`, extensions: { hubCode: 'HUB_REGISTRY_CONFLICT' } }] } });
    const [last] = (await federation.db.query<{ content: { outcome: string; code?: string; registry: Record<string, unknown> } }>("SELECT body::jsonb AS content FROM audit.record WHERE kind = 'REGISTRY' ORDER BY seq DESC LIMIT 1")).map((r) => r.content);
    expect(last).toMatchObject({ outcome: 'REFUSED', code: 'HUB_REGISTRY_CONFLICT', registry: { action: 'participant.approved', participant: PARTNER, refused: 'HUB_REGISTRY_CONFLICT' } });
  });

  it('refuses registry administration to anyone but the hub operator', async () => {
    const counsellor = ((await federation.as('be-counsellor', 'RETURN_COUNSELLING')).authorization ?? '').slice('Bearer '.length);
    const answer = await hubPost(federation, `/registry/participants/${encodeURIComponent(PARTNER)}/state`, { state: 'SUSPENDED' }, counsellor);
    expect(answer).toMatchObject({ status: 403, body: { errors: [{ extensions: { hubCode: 'HUB_REGISTRY_FORBIDDEN' } }] } });
  });

  // Refused at the registry's door, before the registry itself: each still leaves a record.
  const lastRegistryRecord = async () =>
    (await federation.db.query<{ content: { outcome: string; code?: string; caller: { officialId: string } | null; registry?: Record<string, unknown> } }>("SELECT body::jsonb AS content FROM audit.record WHERE kind = 'REGISTRY' ORDER BY seq DESC LIMIT 1"))[0]!.content;

  it("records a refused administration call with its code and the verified caller", async () => {
    const counsellor = ((await federation.as('be-counsellor', 'RETURN_COUNSELLING')).authorization ?? '').slice('Bearer '.length);
    await hubPost(federation, `/registry/participants/${encodeURIComponent(PARTNER)}/state`, { state: 'REVOKED' }, counsellor);
    expect(await lastRegistryRecord()).toMatchObject({ outcome: 'REFUSED', code: 'HUB_REGISTRY_FORBIDDEN', caller: { officialId: 'be-counsellor-001' }, registry: { action: 'refused', route: '/registry/participants/:id/state' } });
  });

  it('records a refused signed request with its code, naming no participant it could not verify', async () => {
    const intruder = await partnerKeys();
    const jws = await sign(intruder, { participant: PARTNER, iat: Math.floor(Date.now() / 1000), nonce: crypto.randomUUID(), submission: submission(partner) });
    await hubPost(federation, '/registry/subgraphs/publish', { jws });
    expect(await lastRegistryRecord()).toMatchObject({ outcome: 'REFUSED', code: 'HUB_REGISTRY_BAD_SIGNATURE', caller: null, registry: { action: 'refused', route: '/registry/subgraphs/publish' } });
  });

  it('refuses an unsigned publish', async () => {
    expect(await hubPost(federation, '/registry/subgraphs/publish', submission(partner))).toMatchObject({ status: 400, body: { errors: [{ extensions: { hubCode: 'HUB_REGISTRY_INVALID_REQUEST' } }] } });
  });

  it('refuses a publish signed with another key', async () => {
    const intruder = await partnerKeys();
    const jws = await sign(intruder, { participant: PARTNER, iat: Math.floor(Date.now() / 1000), nonce: crypto.randomUUID(), submission: submission(partner) });
    expect(await hubPost(federation, '/registry/subgraphs/publish', { jws })).toMatchObject({ status: 401, body: { errors: [{ extensions: { hubCode: 'HUB_REGISTRY_BAD_SIGNATURE' } }] } });
  });

  it('refuses a publish for a participant the registry does not know', async () => {
    const jws = await signedPayload(keys, submission(partner), { participant: 'NG/GOV/NOBODY/none' });
    expect(await hubPost(federation, '/registry/subgraphs/publish', { jws })).toMatchObject({ status: 401, body: { errors: [{ extensions: { hubCode: 'HUB_REGISTRY_UNKNOWN_PARTICIPANT' } }] } });
  });

  it('refuses a stale signed request', async () => {
    const jws = await signedPayload(keys, submission(partner), { iat: Math.floor(Date.now() / 1000) - 3600 });
    expect(await hubPost(federation, '/registry/subgraphs/publish', { jws })).toMatchObject({ status: 401, body: { errors: [{ extensions: { hubCode: 'HUB_REGISTRY_STALE_REQUEST' } }] } });
  });

  it('refuses a personal field without a category, and changes nothing', async () => {
    const before = await activeVersion();
    const answer = await publish(submission(partner, { sdl: partner.sdl.replace('referralCount: Int @personalData(category: REFERRAL)', 'referralCount: Int') }));
    expect(answer).toMatchObject({ status: 422, body: { errors: [{ extensions: { hubCode: 'HUB_REGISTRY_CHECK_FAILED' } }], report: { ok: false, errors: [{ code: 'LINT_PERSONAL_DATA_UNDECLARED' }] } } });
    expect(await activeVersion()).toBe(before);
  });

  it('refuses a category outside the participant’s remit', async () => {
    const answer = await check(submission(partner, { sdl: partner.sdl.replace('category: REFERRAL', 'category: HEALTH') }));
    expect(answer.body.report.errors).toEqual([
      { code: 'LINT_CATEGORY_NOT_ALLOWED', message: 'Field "Case.referralCount" declares category HEALTH, which subgraph "test-referrals" may not serve (allowed: CASE_ADMIN, REFERRAL).' },
    ]);
  });

  it('refuses an attempt to redefine a central field or type', async () => {
    const answer = await check(
      submission(partner, {
        sdl: `${partner.sdl}\nextend type Case { status: ContinuumStatus! @personalData(category: CASE_ADMIN) }\ntype Consent { id: ID! @personalData(category: CONSENT) }`,
      }),
    );
    expect(answer.body.report.errors.map((e: { code: string }) => e.code)).toEqual(expect.arrayContaining(['LINT_PROTECTED_COORDINATE']));
    expect(answer.body.report.errors.map((e: { message: string }) => e.message)).toEqual(
      expect.arrayContaining([
        'Field "Case.status" belongs to the hub\'s central subgraph; subgraph "test-referrals" may not define it.',
        'Type "Consent" belongs to the hub\'s central subgraph; subgraph "test-referrals" may not define it.',
      ]),
    );
  });

  it('reports a composition error with its message', async () => {
    const answer = await check(submission(partner, { sdl: partner.sdl.replace('ref: CaseRef!', 'ref: String!') }));
    expect(answer.status).toBe(422);
    expect(answer.body.report.errors[0].message).toMatch(/Case\.ref/);
  });

  it('refuses a routing URL that serves a different SDL, or none', async () => {
    const mismatch = await check(submission(partner, { sdl: partner.sdl.replace('referralCount: Int', 'referralCount: Int\n  referralNote: String @personalData(category: REFERRAL)\n  x: Int') }));
    expect(mismatch.body.report.errors.map((e: { code: string }) => e.code)).toContain('LINT_CONTRIBUTION_NOT_ALLOWED');
    const different = await check(submission(partner, { sdl: partner.sdl.replace('referralCount: Int @personalData(category: REFERRAL)', 'referralCount: Int @personalData(category: REFERRAL)\n  referralNote: String @personalData(category: REFERRAL)') }));
    expect(different.body.report.errors).toEqual([{ code: 'REGISTRY_SDL_MISMATCH', message: `${partner.url} serves a different SDL from the one submitted` }]);
    const unreachable = await check(submission(partner, { routingUrl: 'http://127.0.0.1:9/graphql' }));
    expect(unreachable.body.report.errors[0].code).toBe('REGISTRY_ROUTING_UNREACHABLE');
  });

  it('activates a passing publish on the gateway within seconds, under the same access rules', async () => {
    const answer = await publish(submission(partner, { reason: 'first version' }));
    expect(answer).toMatchObject({ status: 200, body: { ok: true, report: { ok: true, errors: [] } } });
    await federation.watching.until(answer.body.version, 5000);

    const officer = await federation.query('be-counsellor', 'RETURN_COUNSELLING', REFERRAL_QUERY, { ref: belgianCase.ref });
    const partnerView = await federation.query('iq-partner', 'REINTEGRATION_ASSISTANCE', REFERRAL_QUERY, { ref: belgianCase.ref });
    expect(officer.errors).toBeUndefined();
    expect(officer.data?.case).toEqual({ ref: belgianCase.ref, referralCount: Number(belgianCase.ref.slice(-1)) });
    // The partner is refused the case or the field, never given the referral count.
    expect(partnerView.data?.case?.referralCount ?? null).toBeNull();
  });

  it('refuses a replayed publish request', async () => {
    const jws = await signedPayload(keys, submission(partner));
    expect((await hubPost(federation, '/registry/subgraphs/publish', { jws })).status).toBe(200);
    expect(await hubPost(federation, '/registry/subgraphs/publish', { jws })).toMatchObject({ status: 409, body: { errors: [{ extensions: { hubCode: 'HUB_REGISTRY_REPLAYED' } }] } });
  });

  it('lists breaking changes, refuses them unless the partner says it is ready, and holds them for the hub operator', async () => {
    const v2 = await startPartnerSubgraph(federation, REFERRAL_QUERY_LESS_SDL);
    try {
      const refused = await publish(submission(v2));
      expect(refused.status).toBe(422);
      expect(refused.body.report.changes).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'FIELD_REMOVED', breaking: true })]));
      expect(refused.body.report.errors.map((e: { code: string }) => e.code)).toEqual(['REGISTRY_BREAKING_CHANGE']);
      const held = await publish(submission(v2, { allowBreaking: true, reason: 'referralCount retired' }));
      expect(held).toMatchObject({ status: 202, body: { errors: [{ extensions: { hubCode: 'HUB_REGISTRY_HELD' } }], report: { approvals: [{ code: 'REGISTRY_APPROVAL_BREAKING' }] } } });
      const accepted = await hubPost(federation, '/registry/supergraph/approve', { version: held.body.held.version }, token);
      expect(accepted.body).toMatchObject({ ok: true, version: held.body.held.version });
      await federation.watching.until(accepted.body.version, 5000);
      const gone = await federation.query('be-counsellor', 'RETURN_COUNSELLING', REFERRAL_QUERY, { ref: belgianCase.ref });
      expect(gone.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

      // Roll back to the version before: the field answers again.
      const versions = (await hubGet(federation, '/registry/supergraph/versions', token)).body.versions as { version: number; reason: string }[];
      const before = versions.find((v) => v.version < accepted.body.version && v.reason !== 'referralCount retired')?.version as number;
      const diff = await hubGet(federation, `/registry/supergraph/diff?from=${before}&to=${accepted.body.version}`, token);
      expect(diff.body.subgraphs).toEqual([expect.objectContaining({ subgraph: 'test-referrals', status: 'CHANGED' })]);
      const rolled = await hubPost(federation, '/registry/supergraph/rollback', { version: before }, token);
      expect(rolled.body.ok).toBe(true);
      await federation.watching.until(rolled.body.version, 5000);
      const back = await federation.query('be-counsellor', 'RETURN_COUNSELLING', REFERRAL_QUERY, { ref: belgianCase.ref });
      expect(back.data?.case.referralCount).toBe(Number(belgianCase.ref.slice(-1)));
    } finally {
      await v2.close();
    }
  });

  it('answers every request while subgraphs are published and rolled back under load', async () => {
    let stop = false;
    const outcomes: { status: number; errors: number }[] = [];
    const client = async () => {
      for (let i = 0; !stop && i < 5000; i++) {
        const r = await federation.query('be-counsellor', 'RETURN_COUNSELLING', 'query($ref: CaseRef!) { case(ref: $ref) { ref status } }', { ref: belgianCase.ref });
        outcomes.push({ status: r.status, errors: r.errors?.length ?? 0 });
      }
    };
    const clients = Array.from({ length: 6 }, client);
    try {
      const published = await publish(submission(partner, { reason: 'republish under load' }));
      expect(published.body.ok).toBe(true);
      await federation.watching.until(published.body.version, 5000);
      const rolled = await hubPost(federation, '/registry/supergraph/rollback', { version: published.body.version - 1 }, token);
      await federation.watching.until(rolled.body.version, 5000);
      // Keep the load on after the last switch until a fair number of requests have completed,
      // however busy the machine is.
      const target = outcomes.length + 30;
      while (outcomes.length < target) await new Promise((r) => setTimeout(r, 20));
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    expect(outcomes.filter((o) => o.status !== 200 || o.errors > 0)).toEqual([]);
  });

  it('keeps a suspended participant’s fields in the schema, answering null with a coded error, without calling it', async () => {
    const published = await publish(submission(partner, { reason: 'before suspension' }));
    await federation.watching.until(published.body.version, 5000);
    const calls = partner.stats.requests;
    const suspended = await hubPost(federation, `/registry/participants/${encodeURIComponent(PARTNER)}/state`, { state: 'SUSPENDED' }, token);
    expect(suspended.body).toMatchObject({ ok: true, participant: { state: 'SUSPENDED' } });
    await federation.watching.until(suspended.body.version, 5000);
    const answer = await federation.query('be-counsellor', 'RETURN_COUNSELLING', 'query($ref: CaseRef!) { case(ref: $ref) { ref status referralCount } }', { ref: belgianCase.ref });
    expect(answer.status).toBe(200);
    expect(answer.data?.case).toEqual({ ref: belgianCase.ref, status: belgianCase.status, referralCount: null });
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: 'Subgraph "test-referrals" is suspended by the hub operator and is not called; its fields are null in this response.',
        extensions: expect.objectContaining({ code: 'SUBGRAPH_SUSPENDED', hubCode: 'HUB_SUBGRAPH_SUSPENDED', serviceName: 'test-referrals' }),
      }),
    ]);
    expect(JSON.stringify(answer)).not.toContain(partner.url);
    expect(partner.stats.requests).toBe(calls);
    // Readiness does not wait for a subgraph that is deliberately not called.
    const ready = await fetch(new URL('/readyz', federation.gateway.url));
    expect(ready.status).toBe(200);
  });

  it('restores the suspended participant’s last active version when it is approved again', async () => {
    const approved = await hubPost(federation, `/registry/participants/${encodeURIComponent(PARTNER)}/state`, { state: 'APPROVED' }, token);
    expect(approved.body).toMatchObject({ ok: true, participant: { state: 'APPROVED' }, version: expect.any(Number) });
    await federation.watching.until(approved.body.version, 5000);
    const answer = await federation.query('be-counsellor', 'RETURN_COUNSELLING', REFERRAL_QUERY, { ref: belgianCase.ref });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.case).toEqual({ ref: belgianCase.ref, referralCount: Number(belgianCase.ref.slice(-1)) });
  });

  it('drops a revoked participant’s subgraphs from the schema for good', async () => {
    const revoked = await hubPost(federation, `/registry/participants/${encodeURIComponent(PARTNER)}/state`, { state: 'REVOKED' }, token);
    expect(revoked.body).toMatchObject({ ok: true, participant: { state: 'REVOKED' }, version: expect.any(Number) });
    await federation.watching.until(revoked.body.version, 5000);
    const answer = await federation.query('be-counsellor', 'RETURN_COUNSELLING', REFERRAL_QUERY, { ref: belgianCase.ref });
    expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await publish(submission(partner))).toMatchObject({ status: 403, body: { errors: [{ extensions: { hubCode: 'HUB_REGISTRY_NOT_APPROVED' } }] } });
  });

  it('records registry actions in the audit log', async () => {
    const rows = await federation.db.query<{ content: { registry: { action: string }; outcome: string } }>("SELECT body::jsonb AS content FROM audit.record WHERE kind = 'REGISTRY' ORDER BY seq");
    const actions = rows.map((r) => `${r.content.registry.action}:${r.content.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining(['hub.start-up:OK', 'participant.add:OK', 'participant.approved:OK', 'subgraph.publish:OK', 'subgraph.publish:REFUSED', 'subgraph.approve:OK', 'supergraph.rollback:OK', 'participant.suspended:OK', 'participant.revoked:OK']),
    );
    // The first record is the hub's own start-up registration, naming its systems and the version served.
    expect(rows[0]?.content.registry).toMatchObject({ action: 'hub.start-up', systems: expect.arrayContaining(['central']), newVersion: true, version: 1 });
    // A rollback lists what it changed, like a publish.
    const rollback = rows.map((r) => r.content.registry as { action: string; changes?: { subgraph: string; status: string }[] }).find((r) => r.action === 'supergraph.rollback');
    expect(rollback?.changes).toEqual([expect.objectContaining({ subgraph: 'test-referrals', status: 'CHANGED' })]);
  });
});

const REFERRAL_QUERY_LESS_SDL = `
type Case @key(fields: "ref") {
  ref: CaseRef! @personalData(category: CASE_ADMIN)
  referralNote: String @personalData(category: REFERRAL)
}`;
