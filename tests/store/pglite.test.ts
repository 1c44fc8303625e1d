/**
 * The embedded store in its own thread (store/pglite.ts, store/pgliteWorker.js) answers as
 * PGlite in process did: the same values, the same transactions, the same errors, notifications
 * in the same order. When its thread ends, it says so instead of hanging, and it never holds
 * the process up once closed.
 */
import { PGlite } from '@electric-sql/pglite';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, StoreInUseError, StoreUnavailableError, type Db } from '../../store/index.js';

const ROOT = new URL('../..', import.meta.url).pathname;

describe('the embedded store in its own thread', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPglite();
    await db.exec(`
      CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL);
      CREATE TABLE kinds (d date, b bigint, ts timestamptz, n numeric, j jsonb, a text[], ds date[], bs bigint[], by bytea, f float8, ok boolean, nothing text);
    `);
  });
  afterAll(() => db.close());

  it('returns every kind of value exactly as PGlite in process does (DATE as text, BIGINT as number)', async () => {
    const insert = `INSERT INTO kinds VALUES ('2024-02-29', 9007199254740991, '2024-03-01T10:20:30.456Z', 12.50,
      '{"x": [1, {"y": null}], "s": "ü"}', ARRAY['a', NULL, 'c'], ARRAY['2024-01-01'::date], ARRAY[1, 2]::bigint[], '\\x00ff', 0.1, true, NULL)`;
    const select = 'SELECT *, $1::text AS param, $2::jsonb AS json_param FROM kinds';
    const params = ['zwölf', JSON.stringify({ k: [1, 2] })];
    const inProcess = new PGlite({ parsers: { 1082: (value: string) => value, 20: (value: string) => Number(value) } });
    try {
      await inProcess.exec(`CREATE TABLE kinds (d date, b bigint, ts timestamptz, n numeric, j jsonb, a text[], ds date[], bs bigint[], by bytea, f float8, ok boolean, nothing text); ${insert}`);
      await db.exec(insert);
      const expected = (await inProcess.query(select, params)).rows;
      const rows = await db.query(select, params);
      expect(rows).toEqual(expected);
      expect(rows[0]).toMatchObject({ d: '2024-02-29', b: 9007199254740991, ds: ['2024-01-01'], bs: [1, 2], by: new Uint8Array([0, 255]) });
      expect(rows[0]?.ts).toBeInstanceOf(Date);
    } finally {
      await inProcess.close();
    }
  });

  it('keeps a PostgreSQL error’s fields across the thread, so callers can read its code', async () => {
    await db.query('INSERT INTO item VALUES (1, $1)', ['first']);
    const error = await db.query('INSERT INTO item VALUES (1, $1)', ['again']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      message: 'duplicate key value violates unique constraint "item_pkey"',
      code: '23505',
      severity: 'ERROR',
      detail: 'Key (id)=(1) already exists.',
      table: 'item',
      constraint: 'item_pkey',
    });
  });

  it('commits a transaction’s statements together when its function resolves', async () => {
    const value = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO item VALUES (10, $1)', ['ten']);
      await tx.query('INSERT INTO item VALUES (11, $1)', ['eleven']);
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM item WHERE id IN (10, 11)'))[0]?.n;
    });
    expect(value).toBe(2);
    expect(await db.query('SELECT name FROM item WHERE id IN (10, 11) ORDER BY id')).toEqual([{ name: 'ten' }, { name: 'eleven' }]);
  });

  it('rolls a transaction back and rethrows the very error when its function throws', async () => {
    const thrown = new Error('changed my mind');
    const caught = await db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO item VALUES (20, $1)', ['twenty']);
        throw thrown;
      })
      .catch((e: unknown) => e);
    expect(caught).toBe(thrown);
    expect(await db.query('SELECT * FROM item WHERE id = 20')).toEqual([]);
  });

  it('rolls back on a failed statement inside a transaction and reports its code', async () => {
    const caught = await db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO item VALUES (30, $1)', ['thirty']);
        await tx.query('INSERT INTO item VALUES (1, $1)', ['duplicate']);
      })
      .catch((e: unknown) => e);
    expect(caught).toMatchObject({ code: '23505', constraint: 'item_pkey' });
    expect(await db.query('SELECT * FROM item WHERE id = 30')).toEqual([]);
  });

  it('holds a statement from outside until the open transaction commits, as PGlite in process does', async () => {
    const events: string[] = [];
    let outside: Promise<unknown[]> | undefined;
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO item VALUES (40, $1)', ['forty']);
      outside = db.query('SELECT name FROM item WHERE id = 40');
      void outside.then(() => events.push('outside answered'));
      // The outside statement has been sent; the thread has every chance to answer it early.
      await tx.query('SELECT pg_sleep(0.05)');
      events.push('last statement inside answered');
    });
    expect(await outside).toEqual([{ name: 'forty' }]);
    expect(events).toEqual(['last statement inside answered', 'outside answered']);
  });

  it('runs only its own statements inside a transaction: work queued outside does not enter it', async () => {
    let outside: Promise<unknown> | undefined;
    const caught = await db
      .transaction(async (tx) => {
        outside = db.query('INSERT INTO item VALUES (50, $1)', ['outside']);
        await tx.query('INSERT INTO item VALUES (51, $1)', ['inside']);
        throw new Error('roll back the inside only');
      })
      .catch((e: unknown) => (e as Error).message);
    expect(caught).toBe('roll back the inside only');
    await outside;
    expect(await db.query('SELECT id FROM item WHERE id IN (50, 51) ORDER BY id')).toEqual([{ id: 50 }]);
  });

  it('delivers a notification before the statement that raised it resolves, as PGlite in process does', async () => {
    const events: string[] = [];
    const unlisten = await db.listen('item_changed', (payload) => events.push(`notified ${payload}`));
    await db.query(`SELECT pg_notify('item_changed', 'a')`).then(() => events.push('statement a resolved'));
    await db.query(`SELECT pg_notify('item_changed', 'b')`).then(() => events.push('statement b resolved'));
    await unlisten();
    await db.query(`SELECT pg_notify('item_changed', 'after')`);
    expect(events).toEqual(['notified a', 'statement a resolved', 'notified b', 'statement b resolved']);
  });

  it('delivers a notification raised in a transaction at its commit, before the transaction resolves', async () => {
    const events: string[] = [];
    const unlisten = await db.listen('item_changed', (payload) => events.push(`notified ${payload}`));
    await db
      .transaction(async (tx) => {
        await tx.query(`SELECT pg_notify('item_changed', 'in transaction')`);
        events.push('statement resolved');
      })
      .then(() => events.push('transaction resolved'));
    await unlisten();
    expect(events).toEqual(['statement resolved', 'notified in transaction', 'transaction resolved']);
  });
});

describe('a file-backed embedded store', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'continuum-store-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has one user at a time, closes cleanly and keeps its data for the next open', async () => {
    const dataDir = join(dir, 'pglite');
    const first = await openPglite(dataDir);
    await first.exec('CREATE TABLE kept (v text); INSERT INTO kept VALUES (\'still here\')');
    await expect(openPglite(dataDir)).rejects.toBeInstanceOf(StoreInUseError);
    await first.close();
    const second = await openPglite(dataDir);
    try {
      expect(await second.query('SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    } finally {
      await second.close();
    }
  });
});

describe('when the store’s thread ends', () => {
  it('fails the pending statement and every later one with StoreUnavailableError instead of hanging', async () => {
    // A real crash: the thread's heap is bounded and one answer does not fit in it.
    const db = await openPglite(undefined, { resourceLimits: { maxOldGenerationSizeMb: 32 } });
    try {
      const tooBig = db.query(`SELECT repeat('x', 1) AS x FROM generate_series(1, 3000000)`);
      const queued = db.query('SELECT 1');
      await expect(tooBig).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(queued).rejects.toThrow(/^the embedded store is unavailable: its thread ended \(exit code 1: .*memory/);
      await expect(db.query('SELECT 2')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(db.transaction((tx) => tx.query('SELECT 3'))).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await db.close();
    }
  });

  it('refuses statements after close with StoreUnavailableError', async () => {
    const db = await openPglite();
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow('the embedded store is unavailable: it was closed');
  });
});

describe('the process around the store', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'continuum-store-process-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `body` as a module of its own Node process (through tsx) and returns what it printed; a process held up fails by the test's timeout. */
  function run(body: string): Promise<{ code: number | null; out: string }> {
    const file = join(dir, `script-${Math.random().toString(36).slice(2)}.mts`);
    writeFileSync(file, `import { openPglite } from ${JSON.stringify(join(ROOT, 'store/index.ts'))};\n${body}\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
  }

  it('ends by itself after close, and a pending statement holds it only until answered', async () => {
    const result = await run(`
      const db = await openPglite();
      console.log(JSON.stringify(await db.query('SELECT 41 + 1 AS answer')));
      await db.close();
    `);
    expect(result).toEqual({ code: 0, out: '[{"answer":42}]\n' });
  });

  it('is not held up by an idle open store, as it was not with PGlite in process', async () => {
    const result = await run(`
      const unused = await openPglite();
      const listening = await openPglite();
      await listening.listen('nobody', () => {});
      console.log('both open');
    `);
    expect(result).toEqual({ code: 0, out: 'both open\n' });
  });
});
