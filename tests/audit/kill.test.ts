/**
 * Nothing is lost: the hub runs as a real process (the same entry point as `npm start`), serves
 * concurrent requests, and is killed with SIGKILL mid-load. After the kill, every response a
 * client had received has its audit record, and the chain verifies with the public key alone.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureAuditKeys, verifyChain } from '../../audit/index.js';
import { ensureDevIdentities, issueDevToken } from '../../auth/dev-identities.js';
import { openDb, type Db } from '../../store/index.js';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import { startHubProcess } from '../harness/processes.js';
import { testStores } from '../harness/stores.js';


const startHub = startHubProcess;

describe.each(testStores)('SIGKILL under load on $name', (store) => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-kill-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves a record for every response a client received', async () => {
    // A fresh database for the child: PGlite in a folder, or a new PostgreSQL database.
    let url: string | undefined;
    let dropDatabase = async () => {};
    if (store.name === 'postgres') {
      const opened = await store.open();
      url = opened.url;
      dropDatabase = opened.drop; // closes our pool and drops the database (WITH FORCE) at the end
    }
    const env = {
      PORT: '0',
      SUBGRAPH_PORT_BASE: '0',
      LOG_LEVEL: 'error',
      CONTINUUM_SEED_CASES: '60',
      CONTINUUM_DATA_DIR: join(dir, 'pglite'),
      CONTINUUM_DEV_IDENTITIES_DIR: join(dir, 'identities'),
      CONTINUUM_AUDIT_KEY_DIR: join(dir, 'audit-keys'),
      ...(url ? { DATABASE_URL: url } : {}),
    };
    const hub = await startHub(env);
    child = hub.child;
    const identities = await ensureDevIdentities(env.CONTINUUM_DEV_IDENTITIES_DIR);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await issueDevToken(identities, 'be-counsellor')}`, 'x-purpose': 'RETURN_COUNSELLING' };
    const refs = [...syntheticCases(60)].filter((c) => c.owningMemberState === 'BE').map((c) => c.ref);

    // Eight clients in a loop; each keeps the request ids whose full response it received.
    const received: string[] = [];
    let stop = false;
    const client = async (n: number) => {
      for (let i = 0; !stop && i < 10_000; i++) {
        const requestId = randomUUID();
        try {
          const response = await fetch(hub.url, {
            method: 'POST',
            headers: { ...headers, 'x-request-id': requestId },
            body: JSON.stringify({ query: 'query($ref: CaseRef!) { case(ref: $ref) { status memberStateFile { person { familyName } } } }', variables: { ref: refs[(n + i) % refs.length] } }),
          });
          const body = (await response.json()) as { data?: { case?: unknown } };
          if (response.status === 200 && body.data?.case) received.push(requestId);
        } catch {
          return; // the hub is gone
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, n) => client(n));
    while (received.length < 150) await new Promise((r) => setTimeout(r, 20));
    hub.child.kill('SIGKILL');
    stop = true;
    await Promise.all(clients);
    await new Promise<void>((resolve) => (hub.child.exitCode !== null || hub.child.signalCode !== null ? resolve() : hub.child.once('exit', () => resolve())));

    let db: Db | undefined;
    try {
      db = await openDb({ url, dataDir: url ? undefined : env.CONTINUUM_DATA_DIR });
      const rows = await db.query<{ request_id: string }>('SELECT request_id FROM audit.record WHERE request_id = ANY($1)', [received]);
      const recorded = new Set(rows.map((r) => r.request_id));
      expect(received.filter((id) => !recorded.has(id))).toEqual([]);
      const report = await verifyChain(db, (await ensureAuditKeys(env.CONTINUUM_AUDIT_KEY_DIR)).publicKey);
      expect(report.problems).toEqual([]);
      expect(report.records).toBeGreaterThanOrEqual(received.length);
    } finally {
      await db?.close();
      await dropDatabase();
    }
  });
});
