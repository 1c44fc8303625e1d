/** `continuum audit verify`: intact and tampered chains, with only the public key. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditWriter, ensureAuditKeys, migrateAudit, type AuditContent } from '../../audit/index.js';
import { openPglite } from '../../store/index.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

function content(i: number): AuditContent {
  return { v: 2, kind: 'ACCESS', time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), requestId: `cli-${i}`, caller: null, purpose: null, operation: null, outcome: 'REFUSED', code: 'HUB_AUTH_MISSING_TOKEN', subgraphs: [], cases: [], accesses: [], paths: [], incidents: [], requestHash: 'a'.repeat(64), responseHash: 'b'.repeat(64) };
}

describe('continuum audit verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-audit-cli-'));
  const env = { ...process.env, CONTINUUM_DATA_DIR: join(dir, 'pglite'), CONTINUUM_AUDIT_KEY_DIR: join(dir, 'keys'), DATABASE_URL: '' };
  const cli = (...args: string[]) => run(process.execPath, ['bin/continuum.mjs', 'audit', ...args], { cwd: ROOT, env }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );

  beforeAll(async () => {
    const db = await openPglite(env.CONTINUUM_DATA_DIR);
    await migrateAudit(db);
    const writer = new AuditWriter(db, await ensureAuditKeys(env.CONTINUUM_AUDIT_KEY_DIR), { checkpointEvery: 5 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => writer.append(content(i + 1))));
    await writer.close();
    await db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says the chain is intact and exits 0', async () => {
    const result = await cli('verify');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Audit chain intact: 12 records \(0 purged by retention\), \d+ signed checkpoints, sealed up to record 12 of 12\.$/m);
  });

  it('names the first bad record and exits 1 when a record was altered', async () => {
    const db = await openPglite(env.CONTINUUM_DATA_DIR);
    await db.query(`UPDATE audit.record SET content = jsonb_set(content, '{outcome}', '"OK"') WHERE seq = 4`);
    await db.close();
    const result = await cli('verify');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Audit chain TAMPERED: first bad record 4.');
    expect(result.stdout).toContain("record 4: ALTERED — record 4's content was changed");
  });
});
