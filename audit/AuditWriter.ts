/**
 * Durable audit with group commit. `append` resolves only when the record is committed to the
 * store, so the gateway can hold each response until its record is durable — and refuse to
 * serve it if the write fails. While one batch is being committed, new records queue up and go
 * together in the next transaction: under load, one commit carries many requests' records
 * instead of costing each request a round trip. Up to `pipeline` batches are in flight: the next
 * is serialised, chained and sent while the one ahead commits.
 *
 * The chain stays one sequence even with many gateway replicas writing to the same PostgreSQL:
 * a batch is one statement that moves the single chain-head row from the head this writer last
 * saw and inserts the records only if that move succeeded (compare-and-set). When another
 * replica moved the head meanwhile, nothing is written and the batch goes again in a
 * transaction that locks the head row first. A writer alone on its store (the usual case, and
 * every steady stretch between replicas' turns) pays one statement per batch instead of six.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/index.js';
import { canonicalJson, chainHash, sha256Hex } from './chain.js';
import { signCheckpoint } from './checkpoint.js';
import { recordColumnsOf } from './columns.js';
import type { AuditKeys } from './keys.js';
import type { AuditContent } from './record.js';
import { HOUR_OF_RECORD } from './schema.js';

export interface AuditWriterOptions {
  /** Seal the chain with a signed checkpoint at least every this many records. @default 1000 */
  checkpointEvery?: number;
  /** …and at least this often while records are being written. @default 10000 */
  checkpointIntervalMs?: number;
  /** Records per transaction at most. @default 500 */
  maxBatch?: number;
  /**
   * Batches sent before the one ahead has committed, at most: while one commits, the next is
   * serialised, chained from the head the first will leave and sent, so the hub's CPU and the
   * store's work on the two overlap. 1 is one batch at a time. @default 2
   */
  pipeline?: number;
}

interface Pending {
  id: string;
  content: AuditContent;
  resolve(value: { seq: number; hash: string }): void;
  reject(error: Error): void;
}

/** A pending record serialised for the store: its canonical JSON, produced once, and that text's hash. */
interface Serialised {
  pending: Pending;
  body: string;
  contentHash: string;
}

/**
 * Inserts the rows given as fifteen parallel lists ($1 … $15) and counts them into `audit.hourly`
 * in the same statement, so the rollup the timelines read can never disagree with the records
 * committed. `guard` is a condition the insert waits on (the compare-and-set of the chain head), or ''.
 *
 * The bodies ($12, the canonical JSON exactly as hashed) and the three hashes ($13 … $15, hex) go
 * as one text each, split by the server, not as text arrays: an array's every element is quoted
 * and escaped by the driver and unescaped again by the server, and a body is ~1.5 KB of JSON full
 * of quotes (docs/BENCHMARKS.md § Audit store, "Group commit"). Canonical JSON never holds a raw
 * newline (JSON escapes every control character; `serialise` checks anyway), hex never a comma.
 */
function insertBatch(guard: string): string {
  return `inserted AS (
    INSERT INTO audit.record (seq, id, recorded_at, kind, request_id, organisation, official_id, purpose, outcome, cases, statistics_question, body, content_hash, prev_hash, hash)
    SELECT t.seq, t.id::uuid, t.recorded_at::timestamptz, t.kind, t.request_id, t.organisation, t.official_id, t.purpose, t.outcome,
           COALESCE(string_to_array(NULLIF(t.cases, ''), ','), '{}'), t.statistics_question, t.body, t.content_hash, t.prev_hash, t.hash
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                $10::text[], $11::text[], string_to_array($12::text, E'\\n'),
                string_to_array($13::text, ','), string_to_array($14::text, ','), string_to_array($15::text, ','))
      AS t(seq, id, recorded_at, kind, request_id, organisation, official_id, purpose, outcome, cases, statistics_question, body, content_hash, prev_hash, hash)
    ${guard}
    RETURNING seq, recorded_at, organisation, purpose, outcome
  ),
  counted AS (
    INSERT INTO audit.hourly AS h (hour, organisation, purpose, outcome, n)
    SELECT ${HOUR_OF_RECORD}, COALESCE(organisation, ''), COALESCE(purpose, ''), outcome, count(*) FROM inserted GROUP BY 1, 2, 3, 4
    ON CONFLICT (hour, organisation, purpose, outcome) DO UPDATE SET n = h.n + EXCLUDED.n
  )
  SELECT seq FROM inserted`;
}

export class AuditUnavailableError extends Error {
  readonly code = 'HUB_AUDIT_UNAVAILABLE';
  constructor(cause: unknown) {
    super('The audit log cannot be written right now.', { cause });
  }
}

export class AuditWriter {
  private queue: Pending[] = [];
  /** Batches sent and not yet settled (each settles by resolving or rejecting its records, never by throwing). */
  private readonly inFlight = new Set<Promise<void>>();
  /** A send is due at the end of this turn of the event loop (`schedule`). */
  private gathering = false;
  private readonly timer: NodeJS.Timeout;
  private readonly checkpointEvery: number;
  private readonly checkpointIntervalMs: number;
  private readonly maxBatch: number;
  private readonly pipeline: number;
  private closed = false;
  /**
   * The head the chain will have once every batch sent has committed; null until known (or after
   * a failure). Only a guess to compare-and-set against: a wrong one costs a retry under the lock.
   */
  private tail: { seq: number; hash: string } | null = null;
  /**
   * The append statement sent last, settled or not. Over a pool of connections (PostgreSQL) a
   * batch goes to the store only once the one ahead of it has been answered: sent at once on
   * another connection, it could reach the head row first, miss its compare-and-set and be redone
   * under the lock (a quarter of the batches at 256 in flight, docs/BENCHMARKS.md § Audit store).
   * It is serialised and chained meanwhile, so the hub's work on it still overlaps the store's on
   * the batch ahead. Embedded PGlite is one session that runs statements in the order sent, so
   * there a batch is sent at once and queues behind the one ahead with no gap (`inOrder`).
   */
  private lastStatement: Promise<unknown> = Promise.resolve();
  private readonly inOrder: boolean;
  /** The checkpoint being signed after a batch (`sealInBackground`), if any. */
  private sealing: Promise<void> | null = null;
  /** The newest checkpoint this writer knows of; null until read. Another replica's may be newer. */
  private lastCheckpoint: { seq: number; signedAt: number } | null = null;
  readonly stats = { written: 0, batches: 0, failedBatches: 0, checkpoints: 0, lastBatchSize: 0, lastCommitMs: 0 };

  constructor(
    private readonly db: Db,
    private readonly keys: AuditKeys,
    options: AuditWriterOptions = {},
  ) {
    this.checkpointEvery = options.checkpointEvery ?? 1000;
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 10_000;
    this.maxBatch = options.maxBatch ?? 500;
    this.pipeline = Math.max(1, options.pipeline ?? 2);
    this.inOrder = db.kind === 'pglite';
    // Seals the tail of the chain even when traffic stops.
    this.timer = setInterval(() => void this.checkpointIfDue(true).catch(() => {}), this.checkpointIntervalMs);
    this.timer.unref();
  }

  get queueDepth(): number {
    return this.queue.length;
  }

  /**
   * Resolves with the record's place in the chain once it is committed; rejects if it cannot be.
   * Costs the caller nothing but queueing: the record is serialised and hashed once, by the
   * writer, when its batch is built (`serialise`).
   */
  append(content: AuditContent): Promise<{ seq: number; hash: string }> {
    if (this.closed) return Promise.reject(new AuditUnavailableError(new Error('audit writer closed')));
    // The id is part of what is hashed, so the id auditors are shown is covered by the chain.
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      this.queue.push({ id, content: { ...content, id }, resolve, reject });
      this.schedule();
    });
  }

  /** Waits until everything appended so far is committed (or has failed), and any checkpoint under way. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0 || this.sealing) {
      if (this.inFlight.size > 0) await Promise.race(this.inFlight);
      else if (this.sealing) await this.sealing;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Signs a checkpoint if one is due, without holding up the batch that made it due: its records
   * are committed, and a checkpoint waits on the head row's lock behind the batch in flight (which
   * held up every record of the batch before it when this was awaited; docs/BENCHMARKS.md § Audit
   * store). One at a time: a batch committed meanwhile is covered by the next one it makes due.
   * A failure is retried after the next batch and by the timer.
   */
  private sealInBackground(): void {
    if (this.sealing) return;
    this.sealing = this.checkpointIfDue()
      .catch(() => {})
      .finally(() => {
        this.sealing = null;
      });
  }

  /** Drains the queue, seals the chain with a final checkpoint, stops the timer. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    clearInterval(this.timer);
    await this.checkpointIfDue(true).catch(() => {});
  }

  /**
   * Sends at the end of this turn of the event loop, so that every record appended in it — above
   * all by the requests whose records were just committed — joins the same batch.
   */
  private schedule(): void {
    if (this.gathering) return;
    this.gathering = true;
    setImmediate(() => {
      this.gathering = false;
      this.send();
    });
  }

  /**
   * Fills the free places of the pipeline, the queue shared evenly between them (each batch at
   * most `maxBatch`). A batch goes ahead of an uncommitted one only when the head that one leaves
   * is known: the first batch, and the first after a failure, extend the chain alone, under the lock.
   */
  private send(): void {
    while (this.queue.length > 0 && this.inFlight.size < this.pipeline && (this.inFlight.size === 0 || this.tail !== null)) {
      const free = this.tail === null ? 1 : this.pipeline - this.inFlight.size;
      const size = Math.min(this.maxBatch, Math.ceil(this.queue.length / free));
      const batch = this.serialise(this.queue.splice(0, size));
      if (batch.length === 0) continue;
      const settled: Promise<void> = this.commitBatch(batch).finally(() => {
        this.inFlight.delete(settled);
        if (this.queue.length > 0) this.schedule();
      });
      this.inFlight.add(settled);
    }
  }

  /** Commits one batch and settles its records: each resolves with its place, or all reject. */
  private async commitBatch(batch: Serialised[]): Promise<void> {
    const started = performance.now();
    try {
      const placed = await this.commit(batch);
      this.stats.written += batch.length;
      this.stats.batches++;
      this.stats.lastBatchSize = batch.length;
      this.stats.lastCommitMs = performance.now() - started;
      batch.forEach(({ pending }, i) => pending.resolve(placed[i]!));
    } catch (error) {
      this.stats.failedBatches++;
      const failure = new AuditUnavailableError(error);
      for (const { pending } of batch) pending.reject(failure);
    }
  }

  /**
   * Each record's canonical JSON, made once: hashed natively as it is and stored as it is (the
   * `body` the verifier hashes again). A record that is not JSON (NaN, a lone surrogate) is
   * refused alone; the rest of the batch goes on.
   */
  private serialise(pendings: Pending[]): Serialised[] {
    const batch: Serialised[] = [];
    for (const pending of pendings) {
      try {
        const body = canonicalJson(pending.content);
        // The batch's bodies travel newline-separated (insertBatch): a body holding one would split.
        if (body.includes('\n')) throw new TypeError('audit record body holds a raw newline');
        batch.push({ pending, body, contentHash: sha256Hex(body) });
      } catch (error) {
        pending.reject(error as Error);
      }
    }
    return batch;
  }

  /**
   * Chains the batch from the expected tail and moves the tail past it before anything is awaited,
   * so the next batch can be chained and sent while this one commits.
   */
  private async commit(batch: Serialised[]): Promise<{ seq: number; hash: string }[]> {
    const expected = this.tail;
    const rows = expected ? this.chained(expected, batch) : null;
    if (rows) this.tail = { seq: rows[rows.length - 1]!.seq, hash: rows[rows.length - 1]!.hash };
    try {
      const placed = expected && rows ? await this.commitAfter(expected, rows) : null;
      if (placed) {
        // The records are durable now; sealing them is not part of that, so they do not wait for it.
        this.sealInBackground();
        return placed;
      }
      // The head moved under this writer (another replica, or a batch ahead failed): no more
      // batches go ahead on the guess until the lock has told where the chain is.
      if (expected) this.tail = null;
      return await this.commitLocked(batch);
    } catch (error) {
      this.tail = null;
      this.lastCheckpoint = null;
      throw error;
    }
  }

  private chained(from: { seq: number; hash: string }, batch: Serialised[]) {
    let seq = from.seq;
    let prev = from.hash;
    return batch.map((record) => {
      seq += 1;
      const hash = chainHash(prev, seq, record.contentHash);
      const row = { seq, prev, hash, record };
      prev = hash;
      return row;
    });
  }

  /** The columns come from the content only (audit/columns.ts), so verification can prove them. */
  private insertParams(rows: ReturnType<AuditWriter['chained']>): unknown[] {
    const columns = rows.map((r) => recordColumnsOf(r.record.pending.content));
    return [
      rows.map((r) => r.seq),
      rows.map((r) => r.record.pending.id),
      columns.map((c) => c.recorded_at),
      columns.map((c) => c.kind),
      columns.map((c) => c.request_id),
      columns.map((c) => c.organisation),
      columns.map((c) => c.official_id),
      columns.map((c) => c.purpose),
      columns.map((c) => c.outcome),
      columns.map((c) => c.cases.join(',')),
      columns.map((c) => c.statistics_question),
      rows.map((r) => r.record.body).join('\n'),
      rows.map((r) => r.record.contentHash).join(','),
      rows.map((r) => r.prev).join(','),
      rows.map((r) => r.hash).join(','),
    ];
  }

  /**
   * One statement: move the head from `expected` and insert the batch, or do nothing if it moved.
   * Sent behind an uncommitted batch, it waits on PostgreSQL's lock of the head row until that one
   * commits (then sees the head it left) or rolls back (then sees the old head and does nothing).
   */
  private async commitAfter(expected: { seq: number; hash: string }, rows: ReturnType<AuditWriter['chained']>): Promise<{ seq: number; hash: string }[] | null> {
    const last = rows[rows.length - 1]!;
    let answered = () => {};
    if (!this.inOrder) {
      const ahead = this.lastStatement;
      this.lastStatement = new Promise<void>((resolve) => (answered = resolve));
      await ahead;
    }
    const statement = this.db.query<{ seq: number }>(
      `WITH moved AS (
         UPDATE audit.chain_head SET seq = $16, hash = $17 WHERE id AND seq = $18 AND hash = $19 RETURNING seq
       ),
       ${insertBatch('WHERE EXISTS (SELECT 1 FROM moved)')}`,
      [...this.insertParams(rows), last.seq, last.hash, expected.seq, expected.hash],
      // Parsed and planned once: through query() this statement costs embedded PGlite 2.0 ms of
      // its 2.5 ms for a batch of one (docs/BENCHMARKS.md).
      { prepare: 'continuum_audit_append' },
    );
    const inserted = await statement.finally(answered);
    if (inserted.length === 0) return null;
    if (inserted.length !== rows.length) throw new Error('audit batch partly inserted');
    return rows.map((r) => ({ seq: r.seq, hash: r.hash }));
  }

  /** Lock the head row, then extend the chain from wherever it is (first batch, or after another replica wrote). */
  private commitLocked(batch: Serialised[]): Promise<{ seq: number; hash: string }[]> {
    return this.db.transaction(async (tx) => {
      const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit.chain_head WHERE id FOR UPDATE');
      if (!head) throw new Error('audit chain head missing');
      const rows = this.chained({ seq: Number(head.seq), hash: head.hash }, batch);
      const last = rows[rows.length - 1]!;
      await tx.query(`WITH ${insertBatch('')}`, this.insertParams(rows));
      await tx.query('UPDATE audit.chain_head SET seq = $1, hash = $2 WHERE id', [last.seq, last.hash]);
      this.lastCheckpoint = null;
      await this.checkpointInside(tx, last.seq, last.hash, 'batch');
      this.tail = { seq: last.seq, hash: last.hash };
      return rows.map((r) => ({ seq: r.seq, hash: r.hash }));
    });
  }

  /**
   * Signs a checkpoint of the head: after a batch when enough records or time have passed since the
   * last one; on the timer when the interval has passed; always when forced (closing).
   */
  private async checkpointInside(tx: Db, seq: number, hash: string, mode: 'batch' | 'timer' | 'force'): Promise<void> {
    if (!this.lastCheckpoint) {
      const [last] = await tx.query<{ seq: number; signed_at: Date | string }>('SELECT seq, signed_at FROM audit.checkpoint ORDER BY seq DESC LIMIT 1');
      this.lastCheckpoint = last ? { seq: Number(last.seq), signedAt: new Date(last.signed_at).getTime() } : { seq: 0, signedAt: Number.NEGATIVE_INFINITY };
    }
    const { seq: lastSeq, signedAt } = this.lastCheckpoint;
    if (seq <= lastSeq) return;
    if (mode !== 'force' && seq - lastSeq < this.checkpointEvery && Date.now() - signedAt < this.checkpointIntervalMs) return;
    const time = new Date().toISOString();
    const jws = await signCheckpoint(this.keys.privateKey, { seq, hash, time });
    await tx.query('INSERT INTO audit.checkpoint (seq, hash, signed_at, jws) VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO NOTHING', [seq, hash, time, jws]);
    this.lastCheckpoint = { seq, signedAt: new Date(time).getTime() };
    this.stats.checkpoints++;
  }

  /** Checkpoints the current head if it is not sealed yet: when due, or always when `force` (closing, tests). */
  async checkpointIfDue(force = false): Promise<void> {
    // Nothing to seal by this writer's own knowledge: skip the transaction (the timer still
    // re-reads the store when forced or when the interval has passed).
    const known = this.lastCheckpoint;
    if (!force && known && this.tail && (this.tail.seq <= known.seq || (this.tail.seq - known.seq < this.checkpointEvery && Date.now() - known.signedAt < this.checkpointIntervalMs))) return;
    await this.db.transaction(async (tx) => {
      const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit.chain_head WHERE id FOR UPDATE');
      if (!head || Number(head.seq) === 0) return;
      await this.checkpointInside(tx, Number(head.seq), head.hash, force ? 'force' : 'timer');
    });
  }
}
