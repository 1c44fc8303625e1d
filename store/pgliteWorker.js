// The embedded store's thread: PGlite (PostgreSQL in WASM) runs here, so that parsing, planning,
// executing and index maintenance no longer run on the request's own event loop. store/pglite.ts
// is the other end, behind the `Db` interface; docs/ARCHITECTURE.md ("Storage") describes both.
//
// Plain JavaScript on purpose: a worker thread does not inherit the TypeScript loader (tsx,
// vitest) of the thread that starts it, and this file needs nothing but PGlite.
//
// Messages from the main thread, answered in order of completion with { id, ok, value | error }:
//   { id, op: 'query', sql, params, tx?, prepare? }
//                                           rows of one statement (in transaction `tx` when given);
//                                           with `prepare`, a named statement parsed once (`prepared`)
//   { id, op: 'exec', sql, tx? }            a script without parameters
//   { id, op: 'begin' }                     answers once PGlite's exclusive transaction is held
//   { id, op: 'commit' | 'rollback', tx }   ends transaction `tx`
//   { id, op: 'listen', channel, sub }      LISTEN; notifications come back as { notify: sub, payload }
//   { id, op: 'unlisten', sub }
//   { id, op: 'close' }                     closes PGlite, answers, and lets the thread end
// A notification is posted from inside PGlite's own callback, before the answer of the statement
// (or COMMIT) that raised it, so the main thread sees the two in the same order as in process.
import { PGlite, parse, protocol } from '@electric-sql/pglite';
import { Buffer } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';

// DATE as text and BIGINT as number, exactly as store/postgres.ts configures `pg`.
const parsers = { 1082: (value) => value, 20: (value) => Number(value) };

/** A PostgreSQL error's fields (code, detail, constraint…) as plain data: structured clone keeps only message and stack of an Error. */
function errorData(error) {
  if (!(error instanceof Error)) return { message: String(error), fields: {} };
  const fields = {};
  for (const [key, value] of Object.entries(error)) {
    // queryOptions holds the parsers (functions, which cannot cross); params are the caller's own.
    if (key === 'queryOptions' || key === 'params' || typeof value === 'function') continue;
    fields[key] = value;
  }
  return { message: error.message, stack: error.stack, fields };
}

const port = parentPort;
const { dataDir } = workerData;
const pg = dataDir ? new PGlite(dataDir, { parsers }) : new PGlite({ parsers });

/** Open transactions by id: { tx, end, finished } (PGlite's transaction object, the function ending it, its outcome). */
const transactions = new Map();
let nextTransaction = 1;
/** Unsubscribe functions of the live subscriptions, by the main thread's subscription id. */
const subscriptions = new Map();

function opened(tx) {
  const open = transactions.get(tx);
  if (!open?.tx) throw new Error(`transaction ${tx} is not open`);
  return open;
}

function target(tx) {
  return tx === undefined ? pg : opened(tx).tx;
}

/** Enters PGlite's exclusive transaction and holds it until the main thread sends commit or rollback. */
function begin() {
  const id = nextTransaction++;
  const open = { tx: undefined, end: undefined, finished: undefined };
  transactions.set(id, open);
  return new Promise((entered, refused) => {
    open.finished = pg
      .transaction(
        (tx) =>
          new Promise((commit, rollback) => {
            open.tx = tx;
            open.end = (ok) => (ok ? commit() : rollback(new Error('rolled back')));
            entered(id);
          }),
      )
      .finally(() => transactions.delete(id));
    // Before the transaction is entered, a failure (of BEGIN itself) refuses `begin`.
    open.finished.catch((error) => {
      if (!open.tx) refused(error);
    });
  });
}

/** Commits (ok) or rolls back transaction `tx`; COMMIT's own failure rejects. */
async function end(tx, ok) {
  const open = opened(tx);
  open.end(ok);
  if (ok) await open.finished;
  else await open.finished.catch(() => undefined);
}

/** Named statements parsed in this PGlite: name → { sql, types, fields } (parameter type oids, the row description's fields). */
const statements = new Map();
const local = { syncToFs: false };

/**
 * Runs `sql` as the named statement `name`: parsed, analysed and described once, then only bound
 * and executed (a batch of the audit chain costs PGlite 2.0 ms through query(), 0.5 ms so; see
 * docs/BENCHMARKS.md). Same guarantees as query(): outside a transaction it waits for PGlite's
 * exclusive transaction like any statement, and a file-backed store is synced before it answers.
 */
async function prepared(name, sql, params = [], tx) {
  const S = protocol.serialize;
  const once = async () => {
    let statement = statements.get(name);
    if (statement && statement.sql !== sql) throw new Error(`prepared statement ${name} was prepared with another text`);
    const messages = [];
    try {
      if (!statement) {
        const described = [
          ...(await pg.execProtocolStream(S.parse({ name, text: sql, types: [] }), local)),
          ...(await pg.execProtocolStream(S.describe({ type: 'S', name }), local)),
        ];
        const fields = described.find((m) => m.name === 'rowDescription')?.fields ?? [];
        statement = { sql, types: parse.parseDescribeStatementResults(described), fields };
        statements.set(name, statement);
      }
      const values = params.map((value, i) => {
        if (value === null || value === undefined) return null;
        const serialize = pg.serializers[statement.types[i]];
        return serialize ? serialize(value) : value.toString();
      });
      messages.push(...(await pg.execProtocolStream(Buffer.concat([S.bind({ statement: name, values }), S.execute({})]), local)));
    } finally {
      messages.push(...(await pg.execProtocolStream(S.sync(), local)));
    }
    const rowDescription = { name: 'rowDescription', fields: statement.fields };
    return parse.parseResults([rowDescription, ...messages.filter((m) => m.name !== 'rowDescription')], pg.parsers)[0].rows;
  };
  if (tx !== undefined) {
    opened(tx);
    return pg.runExclusive(once);
  }
  const rows = await pg._runExclusiveTransaction(() => pg.runExclusive(once));
  await pg.syncToFs();
  return rows;
}

async function run(message) {
  switch (message.op) {
    case 'query':
      if (message.prepare) return prepared(message.prepare, message.sql, message.params, message.tx);
      return (await target(message.tx).query(message.sql, message.params)).rows;
    case 'exec':
      await target(message.tx).exec(message.sql);
      return undefined;
    case 'begin':
      return begin();
    case 'commit':
      await end(message.tx, true);
      return undefined;
    case 'rollback':
      await end(message.tx, false);
      return undefined;
    case 'listen':
      subscriptions.set(
        message.sub,
        await pg.listen(message.channel, (payload) => port.postMessage({ notify: message.sub, payload })),
      );
      return undefined;
    case 'unlisten': {
      const unsubscribe = subscriptions.get(message.sub);
      subscriptions.delete(message.sub);
      if (unsubscribe) await unsubscribe();
      return undefined;
    }
    case 'close':
      await pg.close();
      port.close();
      return undefined;
    default:
      throw new Error(`unknown store operation ${message.op}`);
  }
}

port.on('message', (message) => {
  run(message).then(
    (value) => {
      if (message.op !== 'close') port.postMessage({ id: message.id, ok: true, value });
    },
    (error) => port.postMessage({ id: message.id, ok: false, error: errorData(error) }),
  );
});

pg.waitReady.then(
  () => port.postMessage({ ready: true }),
  (error) => port.postMessage({ ready: false, error: errorData(error) }),
);
