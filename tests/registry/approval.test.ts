/**
 * Held versions: a partner cannot declassify its own data. A publish that widens who may see a
 * field (a category change the policy releases more widely) or breaks consumers is stored as a
 * held version, never served, until the hub operator approves it; --allow-breaking acknowledges
 * breakage and approves nothing. Every publish, approval and rejection is audited with its changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCases, type RunningSubgraph } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';
import { hubGet, hubPost, operatorToken, PARTNER, partnerKeys, signedPayload, startPartnerSubgraph, submission, REFERRAL_COUNT_SDL, type PartnerKeys } from './harness.js';

const CASES = 80;
/** A case enrolled in the EU programme: the programme manager is a party to it, but has no REFERRAL grant. */
const enrolled = [...syntheticCases(CASES)].find((c) => c.reintegration)!;
const REFERRAL_QUERY = 'query($ref: CaseRef!) { case(ref: $ref) { ref referralCount } }';
const DECLASSIFIED_SDL = REFERRAL_COUNT_SDL.replace('referralCount: Int @personalData(category: REFERRAL)', 'referralCount: Int @personalData(category: NOT_PERSONAL)');
const CASE_ADMIN_SDL = REFERRAL_COUNT_SDL.replace('referralCount: Int @personalData(category: REFERRAL)', 'referralCount: Int @personalData(category: CASE_ADMIN)');

interface RegistryRecord {
  outcome: string;
  code?: string;
  caller: { officialId: string };
  registry: { action: string; held?: unknown; version?: number; changes?: unknown[] };
}

describe.each(testStores)('held versions on $name', (store) => {
  let federation: TestFederation;
  let keys: PartnerKeys;
  let v1: RunningSubgraph;
  let token: string;
  const publish = async (sub: Record<string, unknown>) => hubPost(federation, '/registry/subgraphs/publish', { jws: await signedPayload(keys, sub) });
  const activeVersion = async () => ((await hubGet(federation, '/registry/supergraph/versions', token)).body.versions as { active: boolean; version: number }[]).find((v) => v.active)?.version;
  const programmeManagerSees = () => federation.query('eurp-programme-manager', 'REINTEGRATION_ASSISTANCE', REFERRAL_QUERY, { ref: enrolled.ref });
  const records = async (action: string) =>
    (await federation.db.query<{ content: RegistryRecord }>("SELECT body::jsonb AS content FROM audit.record WHERE kind = 'REGISTRY' ORDER BY seq")).map((r) => r.content).filter((c) => c.registry.action === action);

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
    keys = await partnerKeys();
    v1 = await startPartnerSubgraph(federation);
    token = await operatorToken(federation);
    await hubPost(
      federation,
      '/registry/participants',
      { id: PARTNER, name: 'Test referral mechanism (synthetic)', publicJwk: keys.publicJwk, allowedCategories: ['CASE_ADMIN', 'REFERRAL'], allowedContributions: ['Case.referralCount', 'Case.referralNote'] },
      token,
    );
    await hubPost(federation, `/registry/participants/${encodeURIComponent(PARTNER)}/state`, { state: 'APPROVED' }, token);
    const first = await publish(submission(v1, { reason: 'first version' }));
    expect(first.body).toMatchObject({ ok: true });
    await federation.watching.until(first.body.version, 5000);
  });
  afterAll(async () => {
    await v1?.close();
    await federation?.stop();
  });

  it('keeps referrals from the programme manager to begin with', async () => {
    const answer = await programmeManagerSees();
    expect(answer.data?.case).toEqual({ ref: enrolled.ref, referralCount: null });
    expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN_FIELD']);
  });

  it('holds a widening category change without breaking changes, and a rejection serves nothing from it', async () => {
    const v2 = await startPartnerSubgraph(federation, CASE_ADMIN_SDL);
    try {
      const before = await activeVersion();
      const held = await publish(submission(v2, { reason: 'referral count is case administration' }));
      expect(held.status).toBe(202);
      expect(held.body.errors).toEqual([
        {
          message: 'The subgraph passed its checks, but it breaks consumers or widens who may see a field: it is held until the hub operator approves it.',
          extensions: { code: 'HELD', hubCode: 'HUB_REGISTRY_HELD', requestId: expect.any(String) },
        },
      ]);
      expect(held.body.report.changes).toEqual([expect.objectContaining({ type: 'CATEGORY_CHANGED', breaking: false, widens: true })]);
      expect(held.body.report.approvals.map((a: { code: string }) => a.code)).toEqual(['REGISTRY_APPROVAL_WIDENING']);
      expect(await activeVersion()).toBe(before);

      const rejected = await hubPost(federation, '/registry/supergraph/reject', { version: held.body.held.version, reason: 'not case administration' }, token);
      expect(rejected.body).toMatchObject({ ok: true, held: held.body.held.version, version: null, subgraph: 'test-referrals', changes: held.body.report.changes });
      expect(await hubPost(federation, '/registry/supergraph/rollback', { version: held.body.held.version }, token)).toMatchObject({
        status: 409,
        body: { errors: [{ message: `version ${held.body.held.version} is rejected: it was never approved`, extensions: { hubCode: 'HUB_REGISTRY_CONFLICT' } }] },
      });
      expect(await activeVersion()).toBe(before);
      const [rejection] = await records('subgraph.reject');
      expect(rejection).toMatchObject({ outcome: 'OK', registry: { held: held.body.held.version, changes: held.body.report.changes } });
    } finally {
      await v2.close();
    }
  });

  it('holds the declassification REFERRAL → NOT_PERSONAL even with --allow-breaking, until the hub operator approves it', async () => {
    const v3 = await startPartnerSubgraph(federation, DECLASSIFIED_SDL);
    try {
      const before = await activeVersion();
      const held = await publish(submission(v3, { allowBreaking: true, reason: 'referral counts are not personal' }));
      expect(held).toMatchObject({ status: 202, body: { ok: false, errors: [{ extensions: { hubCode: 'HUB_REGISTRY_HELD' } }] } });
      expect(held.body.report.changes).toEqual([
        { type: 'CATEGORY_CHANGED', breaking: false, widens: true, description: 'Case.referralCount changed category from REFERRAL to NOT_PERSONAL. Newly released to anyone.' },
      ]);
      const heldVersion = held.body.held.version as number;
      const listed = ((await hubGet(federation, '/registry/supergraph/versions', token)).body.versions as { version: number; active: boolean; hold: string | null }[]).find((v) => v.version === heldVersion);
      expect(listed).toMatchObject({ active: false, hold: 'HELD' });
      expect(await activeVersion()).toBe(before);

      // The attack fails: nothing the partner did releases referrals to the programme manager.
      const denied = await programmeManagerSees();
      expect(denied.data?.case).toEqual({ ref: enrolled.ref, referralCount: null });
      expect(denied.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN_FIELD']);

      // The publish is on record with its changes and the held version.
      const publishes = await records('subgraph.publish');
      expect(publishes.at(-1)).toMatchObject({ outcome: 'OK', code: 'HUB_REGISTRY_HELD', caller: { officialId: PARTNER }, registry: { held: true, version: heldVersion, changes: held.body.report.changes } });

      // Only the hub operator approves, and a held version cannot be rolled back to instead.
      const counsellor = ((await federation.as('be-counsellor', 'RETURN_COUNSELLING')).authorization ?? '').slice('Bearer '.length);
      expect(await hubPost(federation, '/registry/supergraph/approve', { version: heldVersion }, counsellor)).toMatchObject({ status: 403, body: { errors: [{ extensions: { hubCode: 'HUB_REGISTRY_FORBIDDEN' } }] } });
      expect(await hubPost(federation, '/registry/supergraph/rollback', { version: heldVersion }, token)).toMatchObject({
        status: 409,
        body: { errors: [{ message: `version ${heldVersion} is held: approve it with subgraph approve`, extensions: { hubCode: 'HUB_REGISTRY_CONFLICT' } }] },
      });

      const approved = await hubPost(federation, '/registry/supergraph/approve', { version: heldVersion, reason: 'DPO agreed: counts only' }, token);
      expect(approved.body).toEqual({ ok: true, held: heldVersion, version: heldVersion, participant: PARTNER, subgraph: 'test-referrals', changes: held.body.report.changes });
      await federation.watching.until(heldVersion, 5000);
      expect(await activeVersion()).toBe(heldVersion);
      const released = await programmeManagerSees();
      expect(released.errors).toBeUndefined();
      expect(released.data?.case).toEqual({ ref: enrolled.ref, referralCount: Number(enrolled.ref.slice(-1)) });

      const [approval] = await records('subgraph.approve');
      expect(approval).toMatchObject({ outcome: 'OK', caller: { officialId: expect.any(String) }, registry: { held: heldVersion, version: heldVersion, changes: held.body.report.changes, reason: 'DPO agreed: counts only' } });
      expect(await hubPost(federation, '/registry/supergraph/approve', { version: heldVersion }, token)).toMatchObject({
        status: 409,
        body: { errors: [{ message: `supergraph version ${heldVersion} is not held (it was approved)`, extensions: { hubCode: 'HUB_REGISTRY_CONFLICT' } }] },
      });
    } finally {
      await v3.close();
    }
  });

  it('refuses a breaking change the partner did not acknowledge, naming the real flag', async () => {
    const v4 = await startPartnerSubgraph(federation, DECLASSIFIED_SDL.replace('referralCount: Int', 'referralCount: String'));
    try {
      const refused = await publish(submission(v4));
      expect(refused.status).toBe(422);
      expect(refused.body.report.errors).toEqual([
        {
          code: 'REGISTRY_BREAKING_CHANGE',
          message: '1 breaking change(s); once consumers are ready, publish again with --allow-breaking (the hub operator then approves it): Case.referralCount changed type from Int to String.',
        },
      ]);
      const [last] = (await records('subgraph.publish')).slice(-1);
      expect(last).toMatchObject({ outcome: 'REFUSED', code: 'HUB_REGISTRY_CHECK_FAILED', registry: { changes: refused.body.report.changes } });
    } finally {
      await v4.close();
    }
  });
});
