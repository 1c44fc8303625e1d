/**
 * `continuum audit verify` and `audit checkpoint export`: intact and tampered chains with only the
 * public key, a covered-up truncation proven against a checkpoint handed out before it, and the
 * embedded store refused, clearly, while a running hub has it.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubProcess } from '../harness/processes.js';
import { AuditWriter, ensureAuditKeys, migrateAudit, type AuditContent } from '../../audit/index.js';
import { ensureDevIdentities, issueDevToken } from '../../auth/dev-identities.js';
import { openPglite } from '../../store/index.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

function content(i: number): AuditContent {
  return { v: 2, kind: 'ACCESS', time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), requestId: `cli-${i}`, caller: null, purpose: null, operation: null, outcome: 'REFUSED', code: 'HUB_AUTH_MISSING_TOKEN', subgraphs: [], cases: [], accesses: [], paths: [], incidents: [], requestHash: 'a'.repeat(64), responseHash: 'b'.repeat(64) };
}

/** A folder with keys and an embedded store, and the CLI run against it. */
function workspace(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `continuum-audit-${name}-`));
  const env = { ...process.env, CONTINUUM_DATA_DIR: join(dir, 'pglite'), CONTINUUM_AUDIT_KEY_DIR: join(dir, 'keys'), DATABASE_URL: '' };
  const cli = (...args: string[]) => run(process.execPath, ['bin/continuum.mjs', 'audit', ...args], { cwd: ROOT, env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  /** Writes `n` records, sealed by a checkpoint every five. */
  const seed = async (n: number) => {
    const db = await openPglite(env.CONTINUUM_DATA_DIR);
    await migrateAudit(db);
    const writer = new AuditWriter(db, await ensureAuditKeys(env.CONTINUUM_AUDIT_KEY_DIR), { checkpointEvery: 5 });
    for (let i = 1; i <= n; i++) await writer.append(content(i));
    await writer.close();
    await db.close();
  };
  const sql = async (text: string, params: unknown[] = []) => {
    const db = await openPglite(env.CONTINUUM_DATA_DIR);
    try {
      return await db.query<Record<string, unknown>>(text, params);
    } finally {
      await db.close();
    }
  };
  return { dir, env, cli, seed, sql, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('continuum audit verify', () => {
  const { cli, seed, sql, remove } = workspace('cli');
  beforeAll(() => seed(12));
  afterAll(remove);

  it('says the chain is intact and exits 0', async () => {
    const result = await cli('verify');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Audit chain intact: 12 records \(0 purged by retention\), \d+ signed checkpoints, sealed up to record 12 of 12\.$/m);
  });

  it('names the first bad record and exits 1 when a record was altered', async () => {
    await sql(`UPDATE audit.record SET body = regexp_replace(body, '"outcome":"[A-Z]+"', '"outcome":"OK"') WHERE seq = 4`);
    const result = await cli('verify');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Audit chain TAMPERED: first bad record 4.');
    expect(result.stdout).toContain("record 4: ALTERED — record 4's content was changed");
  });

  it('names the record whose column no longer says what its content says', async () => {
    await sql("UPDATE audit.record SET outcome = 'OK' WHERE seq = 9");
    const result = await cli('verify');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("record 9: COLUMN_MISMATCH — record 9's outcome column does not say what its content says");
  });
});

describe('continuum audit checkpoint export, and verify --checkpoint', () => {
  const { dir, cli, seed, sql, remove } = workspace('checkpoint');
  const handedOut = join(dir, 'checkpoint-20.jws');
  beforeAll(() => seed(20));
  afterAll(remove);

  it('writes the newest signed checkpoint to a file for a second party, and never overwrites one', async () => {
    const written = await cli('checkpoint', 'export', '--out', handedOut);
    const again = await cli('checkpoint', 'export', '--out', handedOut);

    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/^Wrote the checkpoint of record 20 \(signed \d{4}-\d\d-\d\dT[\d:.]+Z\) to .+checkpoint-20\.jws\.$/m);
    expect(readFileSync(handedOut, 'utf8')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(again).toMatchObject({ code: 1, stderr: `continuum audit checkpoint export: ${handedOut} already exists; checkpoints handed out are kept, never overwritten — choose another file.\n` });
  });

  it('writes a chosen checkpoint to standard output, and says which exist when there is none at that record', async () => {
    const [sealed] = await sql('SELECT min(seq) AS seq FROM audit.checkpoint');
    const chosen = await cli('checkpoint', 'export', '--seq', String(sealed!.seq));
    const none = await cli('checkpoint', 'export', '--seq', '999');

    expect(chosen.code).toBe(0);
    expect(JSON.parse(Buffer.from(chosen.stdout.trim().split('.')[1]!, 'base64url').toString('utf8'))).toMatchObject({ seq: Number(sealed!.seq) });
    expect(none).toMatchObject({ code: 1, stderr: 'continuum audit checkpoint export: no signed checkpoint seals record 999 (the newest seals record 20).\n' });
  });

  it('passes a covered-up truncation without a checkpoint, and names it against the one handed out before', async () => {
    expect((await cli('verify', '--checkpoint', handedOut)).code).toBe(0);
    // The newest records go, with their checkpoints and their hourly counts, and the chain head is moved back.
    await sql('DELETE FROM audit.record WHERE seq > 12');
    await sql("UPDATE audit.hourly SET n = (SELECT count(*) FROM audit.record WHERE purged_at IS NULL)");
    await sql('DELETE FROM audit.checkpoint WHERE seq > 12');
    await sql('UPDATE audit.chain_head SET seq = 12, hash = (SELECT hash FROM audit.record WHERE seq = 12) WHERE id');

    const plain = await cli('verify');
    const checked = await cli('verify', '--checkpoint', handedOut);
    const time = JSON.parse(Buffer.from(readFileSync(handedOut, 'utf8').trim().split('.')[1]!, 'base64url').toString('utf8')).time;

    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('Without --checkpoint, newest records deleted together with their checkpoints cannot be told apart from a shorter log.');
    expect(checked.code).toBe(1);
    expect(checked.stdout).toBe(
      'Audit chain TAMPERED: first bad record 13.\n' +
        `  record 13: TRUNCATED — ${handedOut} sealed record 20 on ${time}, but the log ends at record 12: records 13..20 are gone\n`,
    );
  });

  it('refuses a checkpoint file that holds no checkpoint, naming the file', async () => {
    const result = await cli('verify', '--checkpoint', join(dir, 'absent.jws'));
    expect(result).toMatchObject({ code: 2, stderr: `continuum audit verify: --checkpoint ${join(dir, 'absent.jws')}: no such file.\n` });
  });
});

const startHub = startHubProcess;

describe('continuum audit verify while the hub runs on the embedded store', () => {
  const { dir, env, cli, remove } = workspace('running');
  let hub: ChildProcess | undefined;
  afterAll(() => {
    if (hub && hub.exitCode === null && hub.signalCode === null) hub.kill('SIGKILL');
    remove();
  });

  it('refuses with the store and what to do, leaves the hub serving, and verifies once the hub has stopped', async () => {
    const hubEnv = { ...env, PORT: '0', SUBGRAPH_PORT_BASE: '0', LOG_LEVEL: 'error', CONTINUUM_SEED_CASES: '20', CONTINUUM_DEV_IDENTITIES_DIR: join(dir, 'identities'), CONTINUUM_CONTEXT_KEY_DIR: join(dir, 'context-keys') };
    const started = await startHub(hubEnv);
    hub = started.child;
    const identities = await ensureDevIdentities(hubEnv.CONTINUUM_DEV_IDENTITIES_DIR);
    const status = async () => {
      const response = await fetch(started.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await issueDevToken(identities, 'dpo')}`, 'x-purpose': 'AUDIT' },
        body: JSON.stringify({ query: '{ auditChainStatus { ok } }' }),
      });
      return ((await response.json()) as { data?: { auditChainStatus?: { ok: boolean } } }).data?.auditChainStatus;
    };

    const refused = await cli('verify');
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `continuum audit verify: the embedded store ${env.CONTINUUM_DATA_DIR} is in use by process ${hub.pid} (since ${JSON.parse(readFileSync(`${env.CONTINUUM_DATA_DIR}.lock`, 'utf8')).since}) — ` +
        'most likely the running hub; an embedded store has one user at a time. Stop the hub and run this again, ' +
        'or ask the running hub: auditChainStatus through the auditor API checks the same chain.\n',
    );
    expect(await status()).toEqual({ ok: true });

    const exited = new Promise((resolve) => hub!.once('exit', resolve));
    hub.kill('SIGTERM');
    await exited;
    const after = await cli('verify');
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/^Audit chain intact: \d+ records/);
  }, 300_000);
});
