/**
 * The audit chain: records written with group commit verify with the public key alone, and each
 * kind of tampering is detected and located — on PGlite and on PostgreSQL.
 */
import canonicalize from 'canonicalize';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  applyRetention,
  caseAccessesOf,
  groupCaseAccesses,
  AUDIT_ROW_COLUMNS,
  auditRecordView,
  contentOf,
  type ContentForms,
  auditWhere,
  SqlParams,
  AuditWriter,
  chainHash,
  contentHash,
  generateAuditKeys,
  HOUR_OF_RECORD,
  canonicalJson,
  sha256Hex,
  migrateAudit,
  signCheckpoint,
  verifyChain,
  type AuditContent,
  type AuditContentV1,
  type AuditRow,
  type AuditKeys,
} from '../../audit/index.js';
import type { Db } from '../../store/index.js';
import { testStores } from '../harness/stores.js';

function record(i: number, overrides: Partial<AuditContent> = {}): AuditContent {
  return {
    v: 2,
    kind: 'ACCESS',
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    requestId: `request-${String(i).padStart(6, '0')}`,
    caller: { issuer: 'https://idp.be-return.continuum.test', organisation: 'EU/GOV/BE-RETURN', country: 'BE', officialId: 'be-counsellor-001', roles: ['MS_COUNSELLOR'] },
    purpose: 'RETURN_COUNSELLING',
    operation: { type: 'query', name: 'OneCase', hash: 'a'.repeat(64) },
    outcome: 'OK',
    subgraphs: ['central'],
    ...groupCaseAccesses([{ ref: `EU-2024-${String(i).padStart(6, '0')}`, released: [{ category: 'CASE_ADMIN', basis: 'LEGAL_OBLIGATION', rule: 'ms-officer.case-work', paths: ['case.status'] }], denied: [] }]),
    incidents: [],
    requestHash: 'b'.repeat(64),
    responseHash: 'c'.repeat(64),
    ...overrides,
  };
}

describe.each(testStores)('audit chain on $name', (store) => {
  let db: Db;
  let drop: () => Promise<void>;
  let keys: AuditKeys;
  let writer: AuditWriter;

  beforeEach(async () => {
    ({ db, drop } = await store.open());
    await migrateAudit(db);
    keys = await generateAuditKeys();
    writer = new AuditWriter(db, keys, { checkpointEvery: 10 });
  });
  afterEach(async () => {
    await writer.close();
    await drop();
  });

  const write = async (n: number) => {
    const placed = await Promise.all(Array.from({ length: n }, (_, i) => writer.append(record(i + 1))));
    await writer.checkpointIfDue(true);
    return placed;
  };

  it('gives N concurrent records N consecutive places in one chain, sealed by checkpoints', async () => {
    const placed = await write(25);
    expect(placed.map((p) => p.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, records: 25, lastSeq: 25, sealedUpTo: 25, firstBadSeq: null });
  });

  it('verifies a live log: records committed while it reads are neither a rollup mismatch nor a truncation', async () => {
    await write(30);
    // One writer keeps appending, one record at a time, for as long as verification runs.
    let verifying = true;
    const appending = (async () => {
      for (let i = 0; verifying || i < 5; i++) await writer.append(record(1000 + i));
    })();
    const reports = [];
    for (let round = 0; round < 5; round++) reports.push(await verifyChain(db, keys.publicKey));
    verifying = false;
    await appending;

    expect(reports.map((r) => r.problems)).toEqual(reports.map(() => []));
    expect(reports[4]!.records).toBeGreaterThan(30);
  });

  it('seals the whole chain with a checkpoint when the writer closes', async () => {
    await Promise.all(Array.from({ length: 3 }, (_, i) => writer.append(record(i + 1))));
    await writer.close();
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, lastSeq: 3, sealedUpTo: 3 });
  });

  it('commits concurrent appends together (group commit), not one transaction each', async () => {
    await write(200);
    expect(writer.stats.written).toBe(200);
    expect(writer.stats.batches).toBeLessThan(200);
  });

  it('commits a batch in one statement while it is the only writer', async () => {
    await writer.append(record(1));
    const before = db.stats.statements;
    await writer.append(record(2));
    expect(db.stats.statements - before).toBe(1);
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, records: 2 });
  });

  it('keeps one chain when two writers (two replicas) take turns on the same store', async () => {
    const other = new AuditWriter(db, keys, { checkpointEvery: 10 });
    try {
      for (let i = 1; i <= 12; i += 2) {
        // Each writer's idea of the head is stale after the other's batch: its next batch must notice.
        await Promise.all([writer.append(record(i)), other.append(record(i + 1))]);
      }
      await other.append(record(13));
      await writer.append(record(14));
    } finally {
      await other.close();
    }
    await writer.checkpointIfDue(true);
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, records: 14, lastSeq: 14, sealedUpTo: 14 });
  });

  it('detects altered content and names the record', async () => {
    await write(20);
    await db.query(`UPDATE audit.record SET body = replace(body, '"purpose":"RETURN_COUNSELLING"', '"purpose":"AUDIT"') WHERE seq = 7`);
    const report = await verifyChain(db, keys.publicKey);
    expect(report).toMatchObject({ ok: false, firstBadSeq: 7 });
    expect(report.problems[0]).toEqual({ seq: 7, kind: 'ALTERED', message: "record 7's content was changed" });
  });

  it('hashes the stored bytes: the same content written differently counts as altered', async () => {
    await write(3);
    const [row] = await db.query<{ content: AuditContent }>('SELECT body::jsonb AS content FROM audit.record WHERE seq = 2');
    await db.query('UPDATE audit.record SET body = $1 WHERE seq = 2', [JSON.stringify(row!.content, null, 1)]);
    expect((await verifyChain(db, keys.publicKey)).problems).toEqual([{ seq: 2, kind: 'ALTERED', message: "record 2's content was changed" }]);
  });

  it('stores each record as the canonical JSON it hashed, and no second copy of it', async () => {
    await write(2);
    const [row] = await db.query<{ body: string; content_hash: string }>('SELECT body, content_hash FROM audit.record WHERE seq = 1');
    expect(row!.body).toBe(canonicalize(JSON.parse(row!.body)));
    expect(sha256Hex(row!.body)).toBe(row!.content_hash);
    const columns = await db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_schema = 'audit' AND table_name = 'record' AND data_type = 'jsonb'");
    expect(columns.map((c) => c.column_name)).toEqual(['content_v1']);
  });

  it('names a record holding both a body and jsonb content as altered', async () => {
    await write(3);
    await db.query(`UPDATE audit.record SET content_v1 = body::jsonb WHERE seq = 2`);
    expect((await verifyChain(db, keys.publicKey)).problems).toEqual([{ seq: 2, kind: 'ALTERED', message: "record 2's content was changed" }]);
  });

  it('verifies records stored as jsonb before the body column, and detects them altered', async () => {
    await write(4);
    // What migration 004 left of a record written before it: the content as jsonb, no body.
    await db.query('UPDATE audit.record SET content_v1 = body::jsonb, body = NULL WHERE seq <= 2');
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, records: 4, problems: [] });
    const [old] = await db.query<ContentForms>('SELECT body, content_v1 FROM audit.record WHERE seq = 1');
    expect(contentOf(old!)).toMatchObject({ requestId: 'request-000001' });
    await db.query(`UPDATE audit.record SET content_v1 = jsonb_set(content_v1, '{purpose}', '"AUDIT"') WHERE seq = 2`);
    expect((await verifyChain(db, keys.publicKey)).problems).toEqual([{ seq: 2, kind: 'ALTERED', message: "record 2's content was changed" }]);
  });

  it('names an hourly count changed by hand, at the first record of its hour', async () => {
    await write(5);
    await db.query('UPDATE audit.hourly SET n = n + 3');
    expect((await verifyChain(db, keys.publicKey)).problems).toEqual([
      { seq: 1, kind: 'COLUMN_MISMATCH', message: 'the hourly count of 2026-01-01T00:00:00.000Z (EU/GOV/BE-RETURN, RETURN_COUNSELLING, OK) says 8, the records say 5' },
    ]);
  });

  it('counts every committed record into its hour, organisation, purpose and outcome', async () => {
    await Promise.all([writer.append(record(1)), writer.append(record(2, { outcome: 'DENIED', code: 'FORBIDDEN_FIELD' })), writer.append(record(3, { time: '2026-01-01T01:30:00.000Z', purpose: null, caller: null }))]);
    const rows = await db.query<{ hour: Date | string; organisation: string; purpose: string; outcome: string; n: number | string }>('SELECT hour, organisation, purpose, outcome, n FROM audit.hourly ORDER BY hour, outcome');
    expect(rows.map((r) => [new Date(r.hour).toISOString(), r.organisation, r.purpose, r.outcome, Number(r.n)])).toEqual([
      ['2026-01-01T00:00:00.000Z', 'EU/GOV/BE-RETURN', 'RETURN_COUNSELLING', 'DENIED', 1],
      ['2026-01-01T00:00:00.000Z', 'EU/GOV/BE-RETURN', 'RETURN_COUNSELLING', 'OK', 1],
      ['2026-01-01T01:00:00.000Z', '', '', 'OK', 1],
    ]);
  });

  it('detects a record rewritten with fresh hashes, at the next link', async () => {
    await write(20);
    const forged = record(7, { purpose: 'AUDIT' });
    const [row] = await db.query<{ prev_hash: string }>('SELECT prev_hash FROM audit.record WHERE seq = 7');
    const newContentHash = contentHash(forged);
    // A thorough forger keeps the columns in step with the forged content.
    await db.query("UPDATE audit.record SET body = $1, content_hash = $2, hash = $3, purpose = 'AUDIT' WHERE seq = 7", [canonicalJson(forged), newContentHash, chainHash(row!.prev_hash, 7, newContentHash)]);
    const report = await verifyChain(db, keys.publicKey);
    expect(report.problems[0]).toMatchObject({ seq: 8, kind: 'BROKEN_LINK' });
  });

  it('detects a whole chain rewritten after a record, against the signed checkpoint', async () => {
    await write(20);
    // The forger recomputes every hash from record 7 on, but cannot re-sign the checkpoints.
    const [sealed] = await db.query<{ seq: number }>('SELECT min(seq) AS seq FROM audit.checkpoint WHERE seq >= 7');
    const rows = await db.query<{ seq: number; content: AuditContent; prev_hash: string }>('SELECT seq, body::jsonb AS content, prev_hash FROM audit.record WHERE seq >= 7 ORDER BY seq');
    let prev = rows[0]!.prev_hash;
    for (const row of rows) {
      const content = Number(row.seq) === 7 ? { ...row.content, purpose: 'AUDIT' } : row.content;
      const ch = contentHash(content);
      const hash = chainHash(prev, Number(row.seq), ch);
      await db.query('UPDATE audit.record SET body = $1, content_hash = $2, prev_hash = $3, hash = $4, purpose = $5 WHERE seq = $6', [canonicalJson(content), ch, prev, hash, content.purpose, row.seq]);
      prev = hash;
    }
    const report = await verifyChain(db, keys.publicKey);
    const at = Number(sealed!.seq);
    expect(report.problems[0]).toEqual({ seq: at, kind: 'CHECKPOINT_MISMATCH', message: `the chain at ${at} differs from what was signed` });
  });

  it('detects a deleted record', async () => {
    await write(20);
    await db.query('DELETE FROM audit.record WHERE seq = 5');
    const report = await verifyChain(db, keys.publicKey);
    expect(report.problems[0]).toEqual({ seq: 5, kind: 'MISSING', message: 'records 5..5 are missing' });
  });

  it('detects an inserted record', async () => {
    await write(12);
    const intruder = record(99);
    const ch = contentHash(intruder);
    await db.query('UPDATE audit.record SET seq = seq + 1000 WHERE seq >= 5');
    await db.query('UPDATE audit.record SET seq = seq - 999 WHERE seq >= 1005');
    await db.query(
      `INSERT INTO audit.record (seq, id, recorded_at, kind, request_id, outcome, body, content_hash, prev_hash, hash)
       VALUES (5, gen_random_uuid(), now(), 'ACCESS', 'intruder', 'OK', $1, $2, $3, $4)`,
      [canonicalJson(intruder), ch, 'f'.repeat(64), chainHash('f'.repeat(64), 5, ch)],
    );
    const report = await verifyChain(db, keys.publicKey);
    expect(report.problems[0]).toMatchObject({ seq: 5, kind: 'BROKEN_LINK' });
  });

  it('reads on past a record forged at a far-away seq, instead of walking the empty seqs before it, and names it', async () => {
    await write(12);
    const intruder = record(99);
    const ch = contentHash(intruder);
    const far = 1_000_000_000_000;
    await db.query(
      `INSERT INTO audit.record (seq, id, recorded_at, kind, request_id, outcome, body, content_hash, prev_hash, hash)
       VALUES ($1, gen_random_uuid(), now(), 'ACCESS', 'intruder', 'OK', $2, $3, $4, $5)`,
      [far, canonicalJson(intruder), ch, 'f'.repeat(64), chainHash('f'.repeat(64), far, ch)],
    );
    const report = await verifyChain(db, keys.publicKey);
    expect(report.problems.slice(0, 2)).toEqual([
      { seq: 13, kind: 'MISSING', message: `records 13..${far - 1} are missing` },
      { seq: far, kind: 'BROKEN_LINK', message: `record ${far} does not follow the record before it (inserted, removed or moved)` },
    ]);
  });

  it('detects reordered records', async () => {
    await write(20);
    await db.query('UPDATE audit.record SET seq = 1005 WHERE seq = 5');
    await db.query('UPDATE audit.record SET seq = 5 WHERE seq = 6');
    await db.query('UPDATE audit.record SET seq = 6 WHERE seq = 1005');
    const report = await verifyChain(db, keys.publicKey);
    expect(report.problems[0]).toMatchObject({ seq: 5, kind: 'BROKEN_LINK' });
  });

  it('detects records removed from the end of a sealed chain', async () => {
    await write(20);
    await db.query('DELETE FROM audit.record WHERE seq > 15');
    const report = await verifyChain(db, keys.publicKey);
    expect(report.problems[0]).toMatchObject({ seq: 16, kind: 'TRUNCATED' });
  });

  /** Deletes the records after `keep`, their checkpoints and their hourly counts, and moves the chain head back: a truncation covered up. */
  const coverUpTruncation = async (keep: number) => {
    await db.query('DELETE FROM audit.record WHERE seq > $1', [keep]);
    await db.query('DELETE FROM audit.hourly');
    await db.query(`INSERT INTO audit.hourly SELECT ${HOUR_OF_RECORD}, COALESCE(organisation, ''), COALESCE(purpose, ''), outcome, count(*) FROM audit.record GROUP BY 1, 2, 3, 4`);
    await db.query('DELETE FROM audit.checkpoint WHERE seq > $1', [keep]);
    await db.query('UPDATE audit.chain_head SET seq = $1, hash = (SELECT hash FROM audit.record WHERE seq = $1) WHERE id', [keep]);
  };
  const handedOut = async () => {
    const [row] = await db.query<{ seq: number; jws: string }>('SELECT seq, jws FROM audit.checkpoint ORDER BY seq DESC LIMIT 1');
    return { seq: Number(row!.seq), jws: row!.jws };
  };

  it('cannot tell a covered-up truncation from a shorter log with the store alone', async () => {
    await write(20);
    await coverUpTruncation(12);
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, lastSeq: 12, problems: [] });
  });

  it('names a covered-up truncation against a checkpoint handed out before it', async () => {
    await write(20);
    const kept = await handedOut();
    await coverUpTruncation(12);
    const report = await verifyChain(db, keys.publicKey, { checkpoints: [{ source: 'checkpoint-20.jws', jws: kept.jws }] });
    const time = JSON.parse(Buffer.from(kept.jws.split('.')[1]!, 'base64url').toString('utf8')).time;
    expect(report).toMatchObject({ ok: false, firstBadSeq: 13, external: [{ source: 'checkpoint-20.jws', seq: kept.seq, time, ok: false }] });
    expect(report.problems).toEqual([
      { seq: 13, kind: 'TRUNCATED', message: `checkpoint-20.jws sealed record ${kept.seq} on ${time}, but the log ends at record 12: records 13..${kept.seq} are gone` },
    ]);
  });

  it('confirms a handed-out checkpoint the log still holds, and names a rewritten record it sealed', async () => {
    await write(20);
    const kept = await handedOut();
    expect(await verifyChain(db, keys.publicKey, { checkpoints: [{ source: 'kept.jws', jws: kept.jws }] })).toMatchObject({ ok: true, external: [{ source: 'kept.jws', seq: kept.seq, ok: true }] });

    await db.query("UPDATE audit.record SET hash = repeat('e', 64) WHERE seq = $1", [kept.seq]);
    const report = await verifyChain(db, keys.publicKey, { checkpoints: [{ source: 'kept.jws', jws: kept.jws }] });
    expect(report.problems).toContainEqual({ seq: kept.seq, kind: 'CHECKPOINT_MISMATCH', message: expect.stringMatching(new RegExp(`^the chain at ${kept.seq} differs from what kept\\.jws sealed on `)) });
  });

  it('refuses a handed-out checkpoint not signed with the hub key', async () => {
    await write(5);
    const impostor = await generateAuditKeys();
    const forged = await signCheckpoint(impostor.privateKey, { seq: 5, hash: 'f'.repeat(64), time: new Date().toISOString() });
    const report = await verifyChain(db, keys.publicKey, { checkpoints: [{ source: 'forged.jws', jws: forged }] });
    expect(report).toMatchObject({ ok: false, external: [{ source: 'forged.jws', seq: null, time: null, ok: false }] });
    expect(report.problems).toEqual([{ seq: 0, kind: 'BAD_CHECKPOINT', message: "forged.jws is not a checkpoint signed by the hub's audit key" }]);
  });

  it('refuses a checkpoint not signed with the hub key', async () => {
    await write(20);
    const impostor = await generateAuditKeys();
    const [checkpoint] = await db.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit.checkpoint ORDER BY seq DESC LIMIT 1');
    const seq = Number(checkpoint!.seq);
    await db.query('UPDATE audit.checkpoint SET jws = $1 WHERE seq = $2', [await signCheckpoint(impostor.privateKey, { seq, hash: checkpoint!.hash, time: new Date().toISOString() }), seq]);
    const report = await verifyChain(db, keys.publicKey);
    expect(report.problems[0]).toEqual({ seq, kind: 'BAD_CHECKPOINT', message: `checkpoint ${seq} is not signed by the hub's audit key` });
  });

  it('still verifies and reads records written as version 1 (one list per case)', async () => {
    const { accesses: _accesses, paths: _paths, cases: _cases, ...rest } = record(1);
    const v1: AuditContentV1 = { ...rest, v: 1, cases: caseAccessesOf(record(1)) };
    // The writer's type admits only version 2; this stands in for a record an earlier hub wrote.
    await writer.append(v1 as unknown as AuditContent);
    await writer.append(record(2));
    await writer.checkpointIfDue(true);

    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, records: 2 });
    const rows = await db.query<AuditRow>(`SELECT ${AUDIT_ROW_COLUMNS} FROM audit.record r ORDER BY r.seq`);
    const views = rows.map(auditRecordView);
    expect(views[0]!.cases).toEqual(views[1]!.cases!.map((c) => ({ ...c, caseRef: 'EU-2024-000001' })));
    expect(views[0]!.cases).toEqual([{ caseRef: 'EU-2024-000001', released: [{ category: 'CASE_ADMIN', basis: 'LEGAL_OBLIGATION', rule: 'ms-officer.case-work', paths: ['case.status'] }], denied: [] }]);
  });

  it('keeps the chain verifiable after retention purges old content', async () => {
    await write(20);
    const purged = await applyRetention(db, { ACCESS: 1 }, new Date(Date.UTC(2026, 0, 2, 0, 1, 0)));
    expect(purged).toEqual({ purged: { ACCESS: 20 }, withheld: [] });
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, records: 20, purged: 20 });
  });

  it('takes purged records out of the hourly counts, so timelines keep counting only what they can list', async () => {
    await write(4);
    await writer.append(record(5, { kind: 'CONSENT_CHANGE' }));
    await applyRetention(db, { ACCESS: 1 }, new Date(Date.UTC(2026, 0, 2, 0, 1, 0)));
    const [left] = await db.query<{ n: number | string }>('SELECT sum(n) AS n FROM audit.hourly');
    expect(Number(left!.n)).toBe(1);
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, records: 5, purged: 4 });
  });

  it('keeps a record whose date was moved back out of retention, so the tampering stays provable', async () => {
    const now = new Date();
    await Promise.all([writer.append(record(1, { time: now.toISOString() })), writer.append(record(2, { time: now.toISOString() }))]);
    await db.query("UPDATE audit.record SET recorded_at = recorded_at - interval '400 days' WHERE seq = 2");
    const result = await applyRetention(db, { ACCESS: 30 }, now);
    expect(result).toEqual({ purged: { ACCESS: 0 }, withheld: [2] });
    const report = await verifyChain(db, keys.publicKey);
    expect(report.problems).toEqual([{ seq: 2, kind: 'COLUMN_MISMATCH', message: "record 2's recorded_at column does not say what its content says" }]);
  });

  it('clears what linked a purged record to its caller and cases, and lists it no more', async () => {
    await write(3);
    await applyRetention(db, { ACCESS: 1 }, new Date(Date.UTC(2026, 0, 2, 0, 1, 0)));
    const [row] = await db.query<Record<string, unknown>>('SELECT organisation, official_id, purpose, cases, body::jsonb AS content FROM audit.record WHERE seq = 1');
    expect(row).toEqual({ organisation: null, official_id: null, purpose: null, cases: [], content: null });
    const params = new SqlParams();
    expect(await db.query(`SELECT seq FROM audit.record r WHERE ${auditWhere({ scope: 'ALL' }, {}, params)}`, params.values)).toEqual([]);
  });

  it('fails every pending append, and recovers, when the store refuses writes', async () => {
    await write(3);
    await db.query('ALTER TABLE audit.record RENAME TO record_away');
    await expect(writer.append(record(4))).rejects.toMatchObject({ code: 'HUB_AUDIT_UNAVAILABLE' });
    await db.query('ALTER TABLE audit.record_away RENAME TO record');
    await expect(writer.append(record(4))).resolves.toMatchObject({ seq: 4 });
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, records: 4 });
  });

  it('rejects only the failed batch when the batch behind it was already sent, and chains that one from the real head', async () => {
    await write(2);
    await db.exec(`
      CREATE FUNCTION audit.refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.request_id = 'refused' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_marked BEFORE INSERT ON audit.record FOR EACH ROW EXECUTE FUNCTION audit.refuse_marked();`);
    // Six records in one turn, two places in the pipeline: two batches of three, the second sent
    // (chained from the head the first would leave) before the first has committed.
    const settled = await Promise.allSettled([record(3, { requestId: 'refused' }), ...[4, 5, 6, 7, 8].map((i) => record(i))].map((r) => writer.append(r)));

    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect((settled[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'HUB_AUDIT_UNAVAILABLE' });
    expect(settled.slice(3).map((s) => (s as PromiseFulfilledResult<{ seq: number }>).value.seq)).toEqual([3, 4, 5]);
    const stored = await db.query<{ seq: number; request_id: string }>('SELECT seq, request_id FROM audit.record WHERE seq > 2 ORDER BY seq');
    expect(stored.map((r) => [Number(r.seq), r.request_id])).toEqual([[3, 'request-000006'], [4, 'request-000007'], [5, 'request-000008']]);
    await writer.checkpointIfDue(true);
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, records: 5, lastSeq: 5, sealedUpTo: 5 });
  });

  /** `db` with the writer's batch statements held back while `hold` says so, and its transactions counted. */
  const slowStore = (hold: (sql: string, options?: { prepare?: string }) => number) => {
    const seen = { transactions: 0 };
    const slow: Db = {
      ...db,
      query: async (sql, params, options) => {
        const ms = hold(sql, options);
        if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
        return db.query(sql, params, options);
      },
      transaction: (fn) => {
        seen.transactions++;
        return db.transaction(fn);
      },
    };
    return { slow, seen };
  };

  // Over a pool of connections only: embedded PGlite is one session that runs statements in the order sent.
  it.runIf(store.name === 'postgres')('sends a batch behind another only once that one is answered, so reaching the store first never costs it a redo under the lock', async () => {
    // The first pipelined batch's statement is slow to leave (a busy connection, a slow network):
    // sent at once on another connection, the batch behind it would find the head not yet moved
    // and be redone in a locked transaction.
    let batches = 0;
    const { slow, seen } = slowStore((_sql, options) => (options?.prepare === 'continuum_audit_append' && ++batches === 1 ? 50 : 0));
    const pipelined = new AuditWriter(slow, keys, { checkpointEvery: 1_000_000, checkpointIntervalMs: 3_600_000 });
    try {
      await pipelined.append(record(1));
      const before = seen.transactions;
      // Six records in one turn: two batches of three, the second chained from the head the first will leave.
      const placed = await Promise.all([2, 3, 4, 5, 6, 7].map((i) => pipelined.append(record(i))));

      expect(placed.map((p) => p.seq)).toEqual([2, 3, 4, 5, 6, 7]);
      expect(pipelined.stats.batches).toBe(3);
      expect(seen.transactions - before).toBe(0);
    } finally {
      await pipelined.close();
    }
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, records: 7, lastSeq: 7, sealedUpTo: 7 });
  });

  it('resolves a batch\'s records once they are committed, without waiting for the checkpoint they make due', async () => {
    // Signing a checkpoint waits on the head row's lock behind any batch in flight; a record is
    // durable without it, so a request waiting for its record must not wait for the seal too.
    let gate: Promise<void> | null = null;
    let open = () => {};
    let checkpoints = 0;
    const gated: Db = {
      ...db,
      transaction: (fn) =>
        db.transaction((tx) =>
          fn({
            ...tx,
            query: async (sql, params, options) => {
              if (sql.startsWith('INSERT INTO audit.checkpoint')) {
                checkpoints++;
                await gate;
              }
              return tx.query(sql, params, options);
            },
          }),
        ),
    };
    const sealing = new AuditWriter(gated, keys, { checkpointEvery: 3, checkpointIntervalMs: 3_600_000 });
    try {
      await sealing.append(record(1)); // the first batch extends the chain under the lock and seals it there
      gate = new Promise<void>((resolve) => (open = resolve));
      const appended = Promise.all([2, 3, 4].map((i) => sealing.append(record(i))));
      const first = await Promise.race([appended, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2_000))]);

      expect(first).toEqual([{ seq: 2, hash: expect.any(String) }, { seq: 3, hash: expect.any(String) }, { seq: 4, hash: expect.any(String) }]);
      // The checkpoint they made due is signed all the same, and is held at the gate until opened.
      await vi.waitFor(() => expect(checkpoints).toBe(2));
    } finally {
      open();
      await sealing.close();
    }
    expect(await verifyChain(db, keys.publicKey)).toMatchObject({ ok: true, records: 4, sealedUpTo: 4 });
  });
});
