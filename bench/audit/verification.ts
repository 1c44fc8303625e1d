/**
 * Chain verification speed. The chain is bulk-generated without the writer (1M records through
 * group commit would take too long here) but exactly as the writer builds it: content hash
 * (audit/chain.ts contentHash, RFC 8785 JSON), chain hash over (prev, seq, content hash), the
 * writer's own INSERT … SELECT FROM unnest in batches, and a signed checkpoint every
 * `checkpointEvery` records (audit/checkpoint.ts signCheckpoint). Generation and verification are
 * timed separately; verification must pass (report.ok, every record counted, sealed to the end).
 *
 * Generation cycles through a pool of `distinctContents` generated records, each serialised to
 * its canonical JSON (the stored body) and hashed once, which keeps generating affordable. Every record still gets its own seq, id, time
 * (recorded_at) and chain hash, and verification hashes every record's content from the store.
 */
import { randomUUID } from 'node:crypto';
import { canonicalJson, chainHash, GENESIS_HASH, sha256Hex, signCheckpoint, verifyChain, type AuditContent, type AuditKeys, type VerificationReport } from '../../audit/index.js';
import type { Db } from '../../store/index.js';
import { rebuildHourly, unloggedForBulkLoad, withoutSecondaryIndexes } from './bulk.js';
import { recordGenerator, type Mix } from './content.js';

export interface ChainOptions {
  records: number;
  mix: Mix;
  /** Rows per INSERT. */
  batchRows: number;
  /** A signed checkpoint every this many records (the writer's default is 1000). */
  checkpointEvery: number;
  seed: number;
  /** Distinct contents generated and hashed; records cycle through them. */
  distinctContents: number;
}

export interface VerificationResult {
  records: number;
  mix: Mix;
  distinctContents: number;
  /** Mean length of a record's content as JSON. */
  meanContentBytes: number;
  checkpoints: number;
  generateMs: number;
  /** Part of generateMs: rebuilding the secondary indexes dropped for the load. */
  indexRebuildMs: number;
  verifyMs: number;
  recordsPerSec: number;
  /** Canonical JSON hashed per second during verification (MB = 10^6 bytes). */
  contentMbPerSec: number;
  report: Pick<VerificationReport, 'ok' | 'records' | 'checkpoints' | 'lastSeq' | 'sealedUpTo' | 'firstBadSeq'>;
}

interface Row {
  seq: number;
  id: string;
  content: AuditContent;
  recordedAt: string;
  json: string;
  contentHash: string;
  prev: string;
  hash: string;
}

const INSERT_RECORDS = `INSERT INTO audit.record (seq, id, recorded_at, kind, request_id, organisation, official_id, purpose, outcome, cases,
                                 body, content_hash, prev_hash, hash)
  SELECT t.seq, t.id::uuid, t.recorded_at::timestamptz, t.kind, t.request_id, t.organisation, t.official_id, t.purpose, t.outcome,
         COALESCE(string_to_array(NULLIF(t.cases, ''), ','), '{}'), t.content, t.content_hash, t.prev_hash, t.hash
  FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
              $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
    AS t(seq, id, recorded_at, kind, request_id, organisation, official_id, purpose, outcome, cases, content, content_hash, prev_hash, hash)`;

function insertRows(db: Db, rows: Row[]): Promise<unknown> {
  return db.query(INSERT_RECORDS, [
    rows.map((r) => r.seq),
    rows.map((r) => r.id),
    // Columns say what the content says, as the writer stores them (audit/columns.ts): verify checks them.
    rows.map((r) => r.content.time),
    rows.map((r) => r.content.kind),
    rows.map((r) => r.content.requestId),
    rows.map((r) => r.content.caller?.organisation ?? null),
    rows.map((r) => r.content.caller?.officialId ?? null),
    rows.map((r) => r.content.purpose),
    rows.map((r) => r.content.outcome),
    rows.map((r) => r.content.cases.map((c) => c.ref).join(',')),
    rows.map((r) => r.json),
    rows.map((r) => r.contentHash),
    rows.map((r) => r.prev),
    rows.map((r) => r.hash),
  ]);
}

/** Writes a valid chain of `options.records` records into an empty audit store. */
export async function generateChain(db: Db, keys: AuditKeys, options: ChainOptions, log: (line: string) => void = () => {}): Promise<{ generateMs: number; indexRebuildMs: number; meanContentBytes: number; checkpoints: number }> {
  const started = performance.now();
  const next = recordGenerator(options.seed, options.mix);
  // One year back to now, in seq order, like a year of traffic.
  const yearMs = 365 * 86_400_000;
  const t0 = Date.now() - yearMs;
  const pool: { content: AuditContent; json: string; contentHash: string }[] = [];
  for (let i = 0; i < Math.min(options.distinctContents, options.records); i++) {
    const content = next(new Date(t0 + Math.floor((i * yearMs) / options.records)));
    // As the writer stores it: the canonical JSON, and the hash of exactly that text.
    const json = canonicalJson(content);
    pool.push({ content, json, contentHash: sha256Hex(json) });
  }
  let seq = 0;
  let prev = GENESIS_HASH;
  let bytes = 0;
  let checkpoints = 0;
  const build = async (count: number): Promise<{ rows: Row[]; signed: { seq: number; hash: string; time: string; jws: string }[] }> => {
    const rows: Row[] = [];
    const signed: { seq: number; hash: string; time: string; jws: string }[] = [];
    for (let i = 0; i < count; i++) {
      seq++;
      const { content, json, contentHash: ch } = pool[(seq - 1) % pool.length]!;
      const recordedAt = new Date(t0 + Math.floor((seq * yearMs) / options.records)).toISOString();
      bytes += json.length;
      const hash = chainHash(prev, seq, ch);
      rows.push({ seq, id: randomUUID(), content, recordedAt, json, contentHash: ch, prev, hash });
      prev = hash;
      if (seq % options.checkpointEvery === 0 || seq === options.records) {
        const time = recordedAt;
        signed.push({ seq, hash, time, jws: await signCheckpoint(keys.privateKey, { seq, hash, time }) });
      }
    }
    return { rows, signed };
  };
  const write = async (batch: { rows: Row[]; signed: { seq: number; hash: string; time: string; jws: string }[] }) => {
    await insertRows(db, batch.rows);
    if (batch.signed.length > 0) {
      await db.query(
        'INSERT INTO audit.checkpoint (seq, hash, signed_at, jws) SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[])',
        [batch.signed.map((c) => c.seq), batch.signed.map((c) => c.hash), batch.signed.map((c) => c.time), batch.signed.map((c) => c.jws)],
      );
      checkpoints += batch.signed.length;
    }
  };
  let lastLog = performance.now();
  await unloggedForBulkLoad(db);
  const { rebuildMs } = await withoutSecondaryIndexes(db, async () => {
    // Pipelined: the next batch is hashed while the server inserts the previous one.
    let inFlight: Promise<void> | null = null;
    while (seq < options.records) {
      const batch = await build(Math.min(options.batchRows, options.records - seq));
      if (inFlight) await inFlight;
      inFlight = write(batch);
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`  … ${seq.toLocaleString('en')} / ${options.records.toLocaleString('en')} records generated`);
      }
    }
    if (inFlight) await inFlight;
  });
  await db.query('UPDATE audit.chain_head SET seq = $1, hash = $2 WHERE id', [seq, prev]);
  await rebuildHourly(db);
  await db.exec('VACUUM ANALYZE audit.record');
  return { generateMs: performance.now() - started, indexRebuildMs: rebuildMs, meanContentBytes: bytes / Math.max(1, seq), checkpoints };
}

/** Generates, then verifies (timed separately). Throws if verification does not pass. */
export async function measureVerification(db: Db, keys: AuditKeys, options: ChainOptions, log: (line: string) => void = () => {}): Promise<VerificationResult> {
  const generated = await generateChain(db, keys, options, log);
  const started = performance.now();
  const report = await verifyChain(db, keys.publicKey);
  const verifyMs = performance.now() - started;
  if (!report.ok || report.records !== options.records || report.sealedUpTo !== options.records) {
    throw new Error(`the generated chain did not verify: ${JSON.stringify({ ...report, problems: report.problems.slice(0, 3) })}`);
  }
  return {
    records: options.records,
    mix: options.mix,
    distinctContents: Math.min(options.distinctContents, options.records),
    meanContentBytes: Math.round(generated.meanContentBytes),
    checkpoints: generated.checkpoints,
    generateMs: Math.round(generated.generateMs),
    indexRebuildMs: Math.round(generated.indexRebuildMs),
    verifyMs: Math.round(verifyMs),
    recordsPerSec: Math.round(options.records / (verifyMs / 1000)),
    contentMbPerSec: Math.round(((options.records * generated.meanContentBytes) / 1e6 / (verifyMs / 1000)) * 10) / 10,
    report: { ok: report.ok, records: report.records, checkpoints: report.checkpoints, lastSeq: report.lastSeq, sealedUpTo: report.sealedUpTo, firstBadSeq: report.firstBadSeq },
  };
}
