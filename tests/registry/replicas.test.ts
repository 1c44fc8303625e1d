/**
 * Two gateway processes on one PostgreSQL: the whole hub in one, a gateway-only replica in the
 * other (CONTINUUM_ROLE=gateway), sharing the store, the context key and the audit key. A partner
 * publishes through one; both serve the new supergraph within 5 seconds.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureContextKeys } from '../../auth/context-token.js';
import { ensureDevIdentities, issueDevToken } from '../../auth/dev-identities.js';
import { startSubgraph, syntheticCases, type RunningSubgraph } from '../../subgraphs/kit/index.js';
import { postGraphQL } from '../harness/graphql.js';
import { startHubProcess } from '../harness/processes.js';
import { testStores } from '../harness/stores.js';
import { PARTNER, partnerKeys, REFERRAL_COUNT_SDL, signedPayload } from './harness.js';

const postgres = testStores.find((s) => s.name === 'postgres');

const start = startHubProcess;

describe.skipIf(!postgres)('two gateway processes on one PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-replicas-'));
  const children: ChildProcess[] = [];
  let partner: RunningSubgraph | undefined;
  let drop = async () => {};
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    await partner?.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('both switch to a newly published supergraph within 5 seconds', async () => {
    const opened = await postgres!.open();
    drop = opened.drop;
    const shared = {
      DATABASE_URL: opened.url as string,
      LOG_LEVEL: 'error',
      CONTINUUM_SEED_CASES: '40',
      CONTINUUM_DEV_IDENTITIES_DIR: join(dir, 'identities'),
      CONTINUUM_AUDIT_KEY_DIR: join(dir, 'audit-keys'),
      CONTINUUM_CONTEXT_KEY_DIR: join(dir, 'context-keys'),
      PORT: '0',
      SUBGRAPH_PORT_BASE: '0',
    };
    const hub = await start({ ...shared, CONTINUUM_ROLE: 'all' });
    children.push(hub.child);
    const replica = await start({ ...shared, CONTINUUM_ROLE: 'gateway' });
    children.push(replica.child);

    // The partner runs its own subgraph, verifying contexts with the hub's shared context key.
    const contextKeys = await ensureContextKeys(shared.CONTINUUM_CONTEXT_KEY_DIR);
    partner = await startSubgraph(
      {
        name: 'test-referrals',
        typeDefs: REFERRAL_COUNT_SDL,
        resolvers: { Case: { __resolveReference: (r: { ref: string }) => ({ ref: r.ref }), referralCount: (c: { ref: string }) => Number(c.ref.slice(-1)) } },
        createLoaders: () => ({}),
        checkHealth: async () => {},
      },
      { port: 0, logLevel: 'silent', contextKey: contextKeys.publicKey },
    );
    const identities = await ensureDevIdentities(shared.CONTINUUM_DEV_IDENTITIES_DIR);
    const operator = await issueDevToken(identities, 'hub-operator');
    const post = (url: string, path: string, body: unknown, token?: string) =>
      fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}`, 'x-purpose': 'OPERATIONS' } : {}) }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const keys = await partnerKeys();
    await post(hub.url, '/registry/participants', { id: PARTNER, name: 'Test referrals (synthetic)', publicJwk: keys.publicJwk, allowedCategories: ['CASE_ADMIN', 'REFERRAL'], allowedContributions: ['Case.referralCount'] }, operator);
    await post(hub.url, `/registry/participants/${encodeURIComponent(PARTNER)}/state`, { state: 'APPROVED' }, operator);

    const published = await post(hub.url, '/registry/subgraphs/publish', { jws: await signedPayload(keys, { name: partner.name, routingUrl: partner.url, sdl: partner.sdl }) });
    expect(published.ok).toBe(true);
    const started = Date.now();

    const ref = [...syntheticCases(40)].find((c) => c.owningMemberState === 'BE')!.ref;
    const headers = { authorization: `Bearer ${await issueDevToken(identities, 'be-counsellor')}`, 'x-purpose': 'RETURN_COUNSELLING' };
    const servesReferrals = async (url: string) => {
      for (;;) {
        const answer = await postGraphQL(url, 'query($ref: CaseRef!) { case(ref: $ref) { referralCount } }', { ref }, headers);
        if (answer.data?.case?.referralCount === Number(ref.slice(-1))) return Date.now() - started;
        if (Date.now() - started > 5000) throw new Error(`${url} did not switch within 5 s: ${JSON.stringify(answer.errors)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const [hubSwitch, replicaSwitch] = await Promise.all([servesReferrals(hub.url), servesReferrals(replica.url)]);
    expect(hubSwitch).toBeLessThanOrEqual(5000);
    expect(replicaSwitch).toBeLessThanOrEqual(5000);
  });
});
