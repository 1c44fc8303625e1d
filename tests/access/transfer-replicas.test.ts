/**
 * A transfer basis counts on every replica from the next request: two gateway processes on one
 * PostgreSQL (the whole hub in one, a gateway-only replica in the other, CONTINUUM_ROLE=gateway).
 * The Member State records and revokes the basis through one; the country-of-origin authority
 * asks through the other, and its very next request is answered accordingly. The client-facing
 * code of the refusal is not asserted (non-parties must not tell denials apart).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDevIdentities, issueDevToken, type PersonaName } from '../../auth/dev-identities.js';
import type { Purpose } from '../../contract/index.js';
import { postGraphQL } from '../harness/graphql.js';
import { startHubProcess } from '../harness/processes.js';
import { testStores } from '../harness/stores.js';
import { CASES, consentTo, findCase, fromCountry, IQ_AUTHORITY, ownedBy, returned } from './harness.js';

const postgres = testStores.find((s) => s.name === 'postgres');
const DE_RETURNED = findCase('a returned DE-owned IQ case with a consent to the Iraqi authority', ownedBy('DE'), fromCountry('IQ'), returned, consentTo(IQ_AUTHORITY, 'IDENTITY'));

const start = startHubProcess;

describe.skipIf(!postgres)('transfer bases across two gateway processes on one PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-transfer-replicas-'));
  const children: ChildProcess[] = [];
  let drop = async () => {};
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a basis recorded through one replica releases the case through the other on the next request, and its revocation withholds it on the next', async () => {
    const opened = await postgres!.open();
    drop = opened.drop;
    const shared = {
      DATABASE_URL: opened.url as string,
      LOG_LEVEL: 'error',
      CONTINUUM_SEED_CASES: String(CASES),
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
    const identities = await ensureDevIdentities(shared.CONTINUUM_DEV_IDENTITIES_DIR);
    const send = async (url: string, persona: PersonaName, purpose: Purpose, query: string, variables: Record<string, unknown>) =>
      postGraphQL(url, query, variables, { authorization: `Bearer ${await issueDevToken(identities, persona)}`, 'x-purpose': purpose });
    const authorityReads = () => send(replica.url, 'iq-authority', 'REINTEGRATION_ASSISTANCE', 'query($ref: CaseRef!) { case(ref: $ref) { ref } }', { ref: DE_RETURNED.ref });

    const before = await authorityReads();
    expect(before.data).toEqual({ case: null });
    expect(before.errors).toHaveLength(1);

    const recorded = await send(hub.url, 'de-case-officer', 'RETURN_PREPARATION', 'mutation($input: RecordTransferBasisInput!) { recordTransferBasis(input: $input) { id } }', {
      input: { recipient: IQ_AUTHORITY, instrument: 'APPROPRIATE_SAFEGUARDS', reference: 'DE-IQ arrangement 2026/05', validFrom: new Date().toISOString().slice(0, 10) },
    });
    expect(recorded.errors).toBeUndefined();
    const released = await authorityReads();
    expect(released.errors).toBeUndefined();
    expect(released.data).toEqual({ case: { ref: DE_RETURNED.ref } });

    const revoked = await send(hub.url, 'de-case-officer', 'RETURN_PREPARATION', 'mutation($id: ID!) { revokeTransferBasis(id: $id) { inForce } }', { id: recorded.data?.recordTransferBasis.id });
    expect(revoked.data).toEqual({ revokeTransferBasis: { inForce: false } });
    const after = await authorityReads();
    expect(after.data).toEqual({ case: null });
    expect(after.errors).toHaveLength(1);
  });
});
