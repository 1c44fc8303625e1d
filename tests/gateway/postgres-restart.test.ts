/**
 * The central store restarting under load, without restarting the gateway: a PostgreSQL cluster
 * of this test's own (started like .ci/postgres.sh does, on another port and directory, and
 * stopped at the end) is stopped for two seconds and started again while clients keep asking.
 * Meanwhile requests fail closed — AUDIT_UNAVAILABLE or another clean, coded error, never a hang
 * and never data without its audit record — and afterwards they succeed again. Every 200 that
 * carried data has its record, and the chain verifies.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../audit/index.js';
import { openPostgres } from '../../store/index.js';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().map((v) => `/usr/lib/postgresql/${v}/bin`).at(-1) : undefined;
const CASES = 40;
const REFS = [...syntheticCases(CASES)].filter((c) => c.owningMemberState === 'BE').map((c) => c.ref);
const QUERY = 'query OneCase($ref: CaseRef!) { case(ref: $ref) { ref status memberStateFile { person { familyName } } } }';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe.skipIf(!BIN)('PostgreSQL restarted under load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-pg-restart-'));
  chmodSync(dir, 0o755); // the postgres user must reach its data directory inside
  let port: number;
  let federation: TestFederation | undefined;
  const asPostgres = (args: string[]) =>
    execFileSync(process.getuid?.() === 0 ? 'runuser' : args[0]!, process.getuid?.() === 0 ? ['-u', 'postgres', '--', ...args] : args.slice(1), { stdio: 'pipe', timeout: 60_000 });
  const pgCtl = (...args: string[]) => asPostgres([`${BIN}/pg_ctl`, '-D', join(dir, 'data'), ...args]);
  const startCluster = () => pgCtl('-l', join(dir, 'data', 'server.log'), '-w', '-o', `-p ${port} -k ${join(dir, 'data')} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start');

  beforeAll(async () => {
    port = await freePort();
    // Our own cluster, as .ci/postgres.sh makes one (never the shared CI server).
    execFileSync('bash', [join(ROOT, '.ci/postgres.sh'), 'start'], { env: { ...process.env, CONTINUUM_TEST_PG_PORT: String(port), CONTINUUM_TEST_PG_DIR: join(dir, 'data') }, stdio: 'pipe', timeout: 300_000 });
    const url = `postgres://continuum@127.0.0.1:${port}/postgres`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('CREATE DATABASE continuum_restart');
    await admin.end();
    const db = await openPostgres(`postgres://continuum@127.0.0.1:${port}/continuum_restart`);
    federation = await startTestFederation({ name: 'postgres', open: async () => ({ db, drop: () => db.close() }) }, { cases: CASES });
  }, 400_000);
  afterAll(async () => {
    await federation?.stop().catch(() => {});
    try {
      pgCtl('stop', '-m', 'immediate');
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails closed while it is down and recovers on its own; no 200 without its audit record', async () => {
    const fed = federation!;
    const headers = { ...(await fed.as('be-counsellor', 'RETURN_COUNSELLING')), 'content-type': 'application/json' };
    type Outcome = { requestId: string; status: number; ms: number; hasData: boolean; codes: string[]; at: number };
    const outcomes: Outcome[] = [];
    const ask = async (i: number): Promise<Outcome> => {
      const requestId = randomUUID();
      const started = performance.now();
      const response = await fetch(fed.gateway.url, {
        method: 'POST',
        headers: { ...headers, 'x-request-id': requestId },
        body: JSON.stringify({ query: QUERY, variables: { ref: REFS[i % REFS.length] } }),
        signal: AbortSignal.timeout(20_000), // a hang fails the test
      });
      const body = (await response.json()) as { data?: { case?: { memberStateFile?: unknown } | null } | null; errors?: { extensions?: { code?: string } }[] };
      return { requestId, status: response.status, ms: performance.now() - started, hasData: Boolean(body.data?.case), codes: (body.errors ?? []).map((e) => e.extensions?.code ?? '?'), at: started };
    };

    let stop = false;
    const clients = Array.from({ length: 4 }, async (_, n) => {
      for (let i = n; !stop; i += 4) outcomes.push(await ask(i));
    });
    const until = async (predicate: () => boolean, what: string, ms = 60_000) => {
      const deadline = Date.now() + ms;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    try {
      await until(() => outcomes.filter((o) => o.status === 200 && o.hasData).length >= 20, 'answers before the restart');
      const down = performance.now();
      pgCtl('stop', '-m', 'fast');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      startCluster();
      const up = performance.now();
      // Recovery without touching the gateway: twenty good answers in a row.
      await until(() => {
        const recent = outcomes.filter((o) => o.at > up).slice(-20);
        return recent.length === 20 && recent.every((o) => o.status === 200 && o.hasData && o.codes.length === 0);
      }, 'recovery after the restart');
      stop = true;
      await Promise.all(clients);

      const during = outcomes.filter((o) => o.at >= down && o.at < up);
      expect(during.length).toBeGreaterThan(0);
      // Failing closed: every request answered (none hung), errors coded, nothing served without data's record.
      expect(outcomes.every((o) => o.ms < 20_000)).toBe(true);
      const failed = during.filter((o) => o.status !== 200 || !o.hasData);
      expect(failed.length).toBeGreaterThan(0);
      for (const o of failed) expect(o.codes.length).toBeGreaterThan(0);
      expect(new Set(failed.flatMap((o) => o.codes))).toContain('AUDIT_UNAVAILABLE');

      const served = outcomes.filter((o) => o.status === 200 && o.hasData).map((o) => o.requestId);
      const rows = await fed.db.query<{ request_id: string }>('SELECT request_id FROM audit.record WHERE request_id = ANY($1)', [served]);
      const recorded = new Set(rows.map((r) => r.request_id));
      expect(served.filter((id) => !recorded.has(id))).toEqual([]);
      const report = await verifyChain(fed.db, fed.auditKeys.publicKey);
      expect(report.problems).toEqual([]);
    } finally {
      stop = true;
      await Promise.allSettled(clients);
    }
  }, 240_000);
});
