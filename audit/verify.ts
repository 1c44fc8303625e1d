/**
 * Verifies the audit chain with nothing but the hub's public key: every record's content against
 * its content hash, every column readers rely on against the content (audit/columns.ts), every
 * link against the previous record, every checkpoint's signature and its hash against the chain,
 * and the hourly rollup the timelines read against the records it counts. Names the first bad
 * record and what is wrong with it.
 *
 * Records written since migration 004 hold their canonical JSON as stored text (`body`): its bytes
 * are hashed as they are, never parsed and re-canonicalised; older records (jsonb `content_v1`)
 * are canonicalised as before. The derived columns are compared with what the body's text says
 * (audit/bodyColumns.ts) where a checkpoint vouches for its bytes, and with the parsed body after
 * the last checkpoint. The log is read page by page by seq, a few pages requested ahead while the
 * current one is checked (`recordPages`), so memory stays bounded whatever the log's size (the
 * rollup tally grows with hours × organisations × purposes × outcomes, not with records).
 */
import type { CryptoKey } from 'jose';
import type { Db } from '../store/index.js';
import { contentColumnsOf, scanBodyColumns, type ContentColumns } from './bodyColumns.js';
import { chainHash, sha256Hex, storedContent, type StoredForms } from './chain.js';
import { verifyCheckpoint } from './checkpoint.js';
import { VERIFIED_COLUMNS_SQL, verifiedColumnMismatches, type VerifiedColumns } from './columns.js';
import type { StoredAuditContent } from './record.js';
import { GENESIS_HASH } from './schema.js';

export type ProblemKind =
  | 'ALTERED'
  | 'COLUMN_MISMATCH'
  | 'BROKEN_LINK'
  | 'MISSING'
  | 'BAD_CHECKPOINT'
  | 'CHECKPOINT_MISMATCH'
  | 'TRUNCATED'
  | 'UNANCHORED';

export interface Problem {
  seq: number;
  kind: ProblemKind;
  message: string;
}

/**
 * A checkpoint the operator handed to a second party earlier (`continuum audit checkpoint
 * export`), given back to prove the log still holds what it sealed. The store's own checkpoints
 * cannot show a covered-up truncation: whoever deletes the newest records can delete their
 * checkpoints and move the chain head back too, and what remains verifies. A copy kept outside
 * the store can.
 */
export interface ExternalCheckpoint {
  /** Where it came from (a file name), to name it in problems. */
  source: string;
  jws: string;
}

/** What one external checkpoint proved. */
export interface ExternalCheckpointResult {
  source: string;
  /** The sealed record and the time it was signed; null when the JWS is not the hub's. */
  seq: number | null;
  time: string | null;
  ok: boolean;
}

export interface VerifyOptions {
  checkpoints?: readonly ExternalCheckpoint[];
}

export interface VerificationReport {
  ok: boolean;
  records: number;
  /** Records whose content was removed by retention (still chained). */
  purged: number;
  checkpoints: number;
  lastSeq: number;
  /** Highest seq covered by a valid checkpoint that matches the chain. */
  sealedUpTo: number;
  firstBadSeq: number | null;
  problems: Problem[];
  /** The external checkpoints given, in the order given. */
  external: ExternalCheckpointResult[];
}

interface Row extends VerifiedColumns, StoredForms {
  seq: number;
  prev_hash: string;
  hash: string;
}

/**
 * Whether a record's stored content still hashes to its content hash, and what it says about the
 * derived columns (null: no content, purged). A body is hashed as stored; the columns are then
 * scanned from its text where the chain vouches for its bytes (`vouched`: at or before a valid
 * checkpoint, see audit/bodyColumns.ts), else, and whenever the scan is unsure, parsed. jsonb
 * content from before the body column is canonicalised (`storedContent`).
 */
function checkedContent(row: Row, vouched: boolean): { intact: boolean; columns: ContentColumns | null } {
  if (row.body === null) {
    const { content, intact } = storedContent(row);
    return { intact, columns: intact && content !== null ? contentColumnsOf(content) : null };
  }
  if (row.content_v1 !== null || sha256Hex(row.body) !== row.content_hash) return { intact: false, columns: null };
  return { intact: true, columns: (vouched ? scanBodyColumns(row.body) : null) ?? contentColumnsOf(JSON.parse(row.body) as StoredAuditContent) };
}

const PAGE = 5000;
/** Range pages requested at once: PostgreSQL answers them on separate connections, in parallel. */
const AHEAD = 3;
const HOUR_MS = 3_600_000;

/** The rollup key of a record: hour × organisation × purpose × outcome, as `audit.hourly` keeps it. */
function hourlyKey(hourMs: number, organisation: string | null, purpose: string | null, outcome: string): string {
  return `${hourMs}\u0000${organisation ?? ''}\u0000${purpose ?? ''}\u0000${outcome}`;
}

const instant = (value: Date | string): number => (value instanceof Date ? value.getTime() : Date.parse(value));
const MAX_PROBLEMS = 100;

/**
 * The rollup must count exactly the live records of each hour (audit/AuditWriter.ts keeps it,
 * retention takes purged records out of it): a count changed by hand is reported like a column,
 * at the first record of its hour. Consumes `tally`.
 */
type HourlyRow = { hour: Date | string; organisation: string; purpose: string; outcome: string; n: number | string };

/**
 * The chain head and the rollup as of one moment, in one statement: the writer moves the head and
 * the rollup in the statement that inserts a batch, so the rollup read here counts exactly the
 * live records up to `head`, whatever is appended while the records are read.
 */
async function headAndRollup(db: Db): Promise<{ head: number; hourly: HourlyRow[] }> {
  const rows = await db.query<{ head: number | string } & { [K in keyof HourlyRow]: HourlyRow[K] | null }>(
    'SELECT h.seq AS head, r.hour, r.organisation, r.purpose, r.outcome, r.n FROM audit.chain_head h LEFT JOIN audit.hourly r ON true WHERE h.id',
  );
  return { head: Number(rows[0]?.head ?? 0), hourly: rows.filter((row): row is typeof row & HourlyRow => row.hour !== null) };
}

function checkHourly(rows: readonly HourlyRow[], tally: Map<string, { n: number; seq: number }>, report: (seq: number, kind: ProblemKind, message: string) => void): void {
  const label = (hour: number, organisation: string, purpose: string, outcome: string) =>
    `the hourly count of ${new Date(hour).toISOString()} (${organisation || 'no organisation'}, ${purpose || 'no purpose'}, ${outcome})`;
  for (const row of rows) {
    const key = hourlyKey(instant(row.hour), row.organisation || null, row.purpose || null, row.outcome);
    const counted = tally.get(key);
    tally.delete(key);
    if (Number(row.n) !== (counted?.n ?? 0)) report(counted?.seq ?? 0, 'COLUMN_MISMATCH', `${label(instant(row.hour), row.organisation, row.purpose, row.outcome)} says ${row.n}, the records say ${counted?.n ?? 0}`);
  }
  for (const [key, counted] of tally) {
    const [hour, organisation, purpose, outcome] = key.split('\u0000') as [string, string, string, string];
    report(counted.seq, 'COLUMN_MISMATCH', `${label(Number(hour), organisation, purpose, outcome)} is missing ${counted.n} record(s)`);
  }
}

const SELECT_RECORDS = `SELECT r.seq, r.body, r.content_v1, r.content_hash, r.prev_hash, r.hash, ${VERIFIED_COLUMNS_SQL} FROM audit.record r WHERE r.seq > $1`;

/**
 * Every record of the log in seq order, page by page; returns the chain head as it was when the
 * records ended. From the lowest to the highest seq present at the start, pages are ranges of
 * seq, AHEAD of them requested at once (on PostgreSQL each on its own pooled connection, so the
 * server reads and sends them in parallel while this process checks the one before); a range
 * with fewer rows than seqs (records missing) ends that, so a forged far-away seq cannot make it
 * walk an empty range page by page. The rest is read by keyset pages from there. The head is read
 * before those and they run until a short page: a batch committed before the head was read is
 * visible to them, so a live log is never mistaken for a truncated one, and records appended
 * later are read too.
 */
async function* recordPages(db: Db): AsyncGenerator<Row[], number> {
  const [span] = await db.query<{ first: number | string | null; last: number | string | null }>('SELECT min(seq) AS first, max(seq) AS last FROM audit.record');
  const end = Number(span?.last ?? 0);
  const inFlight: { rows: Promise<Row[]>; seqs: number }[] = [];
  let after = Math.max(0, Number(span?.first ?? 1) - 1);
  let dense = true;
  while (inFlight.length > 0 || (dense && after < end)) {
    while (dense && inFlight.length < AHEAD && after < end) {
      const upTo = Math.min(after + PAGE, end);
      const rows = db.query<Row>(`${SELECT_RECORDS} AND r.seq <= $2 ORDER BY r.seq`, [after, upTo]);
      // Awaited in turn; a failure surfaces there, not as an unhandled rejection meanwhile (nor
      // when verification stops early on a body that is not JSON).
      rows.catch(() => {});
      inFlight.push({ rows, seqs: upTo - after });
      after = upTo;
    }
    const { rows, seqs } = inFlight.shift()!;
    const page = await rows;
    if (page.length < seqs) dense = false;
    yield page;
  }
  const [head] = await db.query<{ seq: number | string }>('SELECT seq FROM audit.chain_head WHERE id');
  const keyset = (from: number) => {
    const rows = db.query<Row>(`${SELECT_RECORDS} ORDER BY r.seq LIMIT $2`, [from, PAGE]);
    rows.catch(() => {});
    return rows;
  };
  let next: Promise<Row[]> | null = keyset(after);
  while (next) {
    const page: Row[] = await next;
    // The next page is on its way while this one is checked.
    next = page.length === PAGE ? keyset(Number(page[PAGE - 1]!.seq)) : null;
    yield page;
  }
  return head ? Number(head.seq) : 0;
}

export async function verifyChain(db: Db, publicKey: CryptoKey, options: VerifyOptions = {}): Promise<VerificationReport> {
  const problems: Problem[] = [];
  const report = (seq: number, kind: ProblemKind, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ seq, kind, message });
  };

  // External checkpoints first: their signature decides whether they count at all.
  const external: (ExternalCheckpointResult & { hash: string | null })[] = [];
  for (const { source, jws } of options.checkpoints ?? []) {
    try {
      const claims = await verifyCheckpoint(publicKey, jws);
      external.push({ source, seq: claims.seq, time: claims.time, hash: claims.hash, ok: true });
    } catch {
      external.push({ source, seq: null, time: null, hash: null, ok: false });
      report(0, 'BAD_CHECKPOINT', `${source} is not a checkpoint signed by the hub's audit key`);
    }
  }
  /** Hashes of the records external checkpoints seal, as found in the chain. */
  const sealedExternally = new Map<number, string | undefined>(external.flatMap((e) => (e.seq === null ? [] : [[e.seq, undefined] as const])));

  // Read first: records appended from here on are verified too, but the rollup is compared with
  // the records up to this head only.
  const snapshot = await headAndRollup(db);
  const checkpoints = new Map<number, string>();
  for (const row of await db.query<{ seq: number; hash: string; jws: string }>('SELECT seq, hash, jws FROM audit.checkpoint ORDER BY seq')) {
    const seq = Number(row.seq);
    try {
      const claims = await verifyCheckpoint(publicKey, row.jws);
      if (claims.seq !== seq || claims.hash !== row.hash) report(seq, 'BAD_CHECKPOINT', `checkpoint ${seq} does not say what its row says`);
      else checkpoints.set(seq, claims.hash);
    } catch {
      report(seq, 'BAD_CHECKPOINT', `checkpoint ${seq} is not signed by the hub's audit key`);
    }
  }

  /** Records up to here are sealed by a valid checkpoint: their bodies are the writer's bytes unless a problem says otherwise. */
  let lastCheckpoint = 0;
  for (const seq of checkpoints.keys()) lastCheckpoint = Math.max(lastCheckpoint, seq);
  let records = 0;
  let purged = 0;
  let sealedUpTo = 0;
  let expectedSeq: number | null = null;
  let prev = GENESIS_HASH;
  /** Live records per rollup key, tallied from verified content, and the first seq of each key. */
  const tally = new Map<string, { n: number; seq: number }>();
  const pages = recordPages(db);
  let headAtEnd: number;
  for (;;) {
    const page = await pages.next();
    if (page.done) {
      headAtEnd = page.value;
      break;
    }
    const rows = page.value;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (expectedSeq === null) {
        // The first remaining record: the start of the chain, or anchored by a checkpoint after a purge.
        if (seq !== 1) {
          const anchor = checkpoints.get(seq - 1);
          if (anchor === undefined) report(seq, 'UNANCHORED', `records before ${seq} are gone and no checkpoint seals them`);
          else prev = anchor;
        }
      } else if (seq !== expectedSeq) {
        report(expectedSeq, 'MISSING', `records ${expectedSeq}..${seq - 1} are missing`);
      }
      if (row.prev_hash !== prev) report(seq, 'BROKEN_LINK', `record ${seq} does not follow the record before it (inserted, removed or moved)`);
      const { intact, columns } = checkedContent(row, seq <= lastCheckpoint);
      if (row.body === null && row.content_v1 === null) purged++;
      else if (!intact) report(seq, 'ALTERED', `record ${seq}'s content was changed`);
      if (chainHash(row.prev_hash, seq, row.content_hash) !== row.hash) report(seq, 'ALTERED', `record ${seq}'s hash does not match its content`);
      // Columns are only compared with content that is itself intact.
      if (intact) {
        const wrong = verifiedColumnMismatches(row, columns);
        for (const column of wrong) report(seq, 'COLUMN_MISMATCH', `record ${seq}'s ${column} column does not say what its content says`);
        if (columns !== null && seq <= snapshot.head) {
          const key = hourlyKey(Math.floor(Date.parse(columns.time) / HOUR_MS) * HOUR_MS, columns.organisation, columns.purpose, columns.outcome);
          const counted = tally.get(key);
          if (counted) counted.n++;
          else tally.set(key, { n: 1, seq });
        }
      }
      if (sealedExternally.has(seq)) sealedExternally.set(seq, row.hash);
      const sealed = checkpoints.get(seq);
      if (sealed !== undefined) {
        if (sealed !== row.hash) report(seq, 'CHECKPOINT_MISMATCH', `the chain at ${seq} differs from what was signed`);
        else if (problems.length === 0) sealedUpTo = seq;
      }
      prev = row.hash;
      expectedSeq = seq + 1;
      records++;
    }
  }

  const lastSeq = expectedSeq === null ? 0 : expectedSeq - 1;
  const beyond = [...checkpoints.keys()].filter((seq) => seq > lastSeq);
  if (beyond.length > 0) report(lastSeq + 1, 'TRUNCATED', `records up to ${Math.max(...beyond)} were signed but are gone`);
  if (headAtEnd > lastSeq && beyond.length === 0) report(lastSeq + 1, 'TRUNCATED', `the chain head is at ${headAtEnd} but records end at ${lastSeq}`);
  for (const checkpoint of external) {
    if (checkpoint.seq === null) continue;
    const { source, seq, time } = checkpoint;
    const found = sealedExternally.get(seq);
    if (seq > lastSeq) {
      report(lastSeq + 1, 'TRUNCATED', `${source} sealed record ${seq} on ${time}, but the log ends at record ${lastSeq}: records ${lastSeq + 1}..${seq} are gone`);
    } else if (found === undefined) {
      report(seq, 'MISSING', `${source} sealed record ${seq} on ${time}, but the log no longer holds it`);
    } else if (found !== checkpoint.hash) {
      report(seq, 'CHECKPOINT_MISMATCH', `the chain at ${seq} differs from what ${source} sealed on ${time}`);
    } else {
      continue;
    }
    checkpoint.ok = false;
  }

  // The rollup is checked once the records themselves verify: altered or missing records are
  // already named, and the rollup's disagreement would only repeat them.
  if (problems.length === 0) checkHourly(snapshot.hourly, tally, report);

  problems.sort((a, b) => a.seq - b.seq);
  return {
    ok: problems.length === 0,
    records,
    purged,
    checkpoints: checkpoints.size,
    lastSeq,
    sealedUpTo,
    firstBadSeq: problems[0]?.seq ?? null,
    problems,
    external: external.map(({ hash: _hash, ...result }) => result),
  };
}
