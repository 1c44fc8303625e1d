/**
 * A named prepared statement (`db.query(sql, params, { prepare })`) answers exactly as the same
 * statement through a plain query, on both stores: the same rows and values, the same errors, the
 * same transactions. The audit writer's batch runs this way (audit/AuditWriter.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../store/index.js';
import { testStores } from '../harness/stores.js';

const SELECT_KINDS = `SELECT $1::bigint AS b, $2::date AS d, $3::text[] AS a, $4::jsonb AS j, $5::text AS nothing,
  string_to_array($6::text, ',') AS split, $7::timestamptz AS ts`;
const PARAMS = [9007199254740991, '2024-02-29', ['a', null, 'c'], { x: [1, { y: null }], s: 'ü' }, null, 'p,q', '2024-03-01T10:20:30.456Z'];

describe.each(testStores)('prepared statements on $name', (store) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await store.open());
    await db.exec('CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL)');
  });
  afterAll(() => drop());

  it('returns the same rows and values as the plain statement, first time and reused', async () => {
    const plain = await db.query(SELECT_KINDS, PARAMS);
    expect(await db.query(SELECT_KINDS, PARAMS, { prepare: 'test_kinds' })).toEqual(plain);
    expect(await db.query(SELECT_KINDS, PARAMS, { prepare: 'test_kinds' })).toEqual(plain);
    const other = [1, '1999-12-31', [], [], 'x', '', '2000-01-01T00:00:00.000Z'];
    expect(await db.query(SELECT_KINDS, other, { prepare: 'test_kinds' })).toEqual(await db.query(SELECT_KINDS, other));
  });

  it('writes, and returns what the statement returns', async () => {
    const rows = await db.query('INSERT INTO item (id, name) VALUES ($1, $2) RETURNING id, name', [1, 'one'], { prepare: 'test_insert' });
    expect(rows).toEqual([{ id: 1, name: 'one' }]);
    expect(await db.query('INSERT INTO item (id, name) VALUES ($1, $2) RETURNING id, name', [2, 'two'], { prepare: 'test_insert' })).toEqual([{ id: 2, name: 'two' }]);
    expect(await db.query('SELECT id FROM item ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('fails as the plain statement fails, with PostgreSQL’s code, and the statement stays usable', async () => {
    const insert = 'INSERT INTO item (id, name) VALUES ($1, $2) RETURNING id';
    await db.query(insert, [10, 'ten'], { prepare: 'test_insert_again' });
    await expect(db.query(insert, [10, 'again'], { prepare: 'test_insert_again' })).rejects.toMatchObject({ code: '23505' });
    await expect(db.query(insert, [11, null], { prepare: 'test_insert_again' })).rejects.toMatchObject({ code: '23502' });
    expect(await db.query(insert, [11, 'eleven'], { prepare: 'test_insert_again' })).toEqual([{ id: 11 }]);
  });

  it('refuses a statement text it cannot parse, and prepares it once it is valid', async () => {
    await expect(db.query('SELEC $1::int AS x', [1], { prepare: 'test_typo' })).rejects.toMatchObject({ code: '42601' });
    expect(await db.query('SELECT $1::int AS x', [1], { prepare: 'test_typo' })).toEqual([{ x: 1 }]);
  });

  it('runs inside a transaction and is rolled back with it', async () => {
    const insert = 'INSERT INTO item (id, name) VALUES ($1, $2)';
    await expect(
      db.transaction(async (tx) => {
        await tx.query(insert, [20, 'twenty'], { prepare: 'test_in_tx' });
        expect(await tx.query('SELECT name FROM item WHERE id = 20')).toEqual([{ name: 'twenty' }]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await db.query('SELECT name FROM item WHERE id = 20')).toEqual([]);
    await db.transaction((tx) => tx.query(insert, [21, 'twenty-one'], { prepare: 'test_in_tx' }));
    expect(await db.query('SELECT name FROM item WHERE id = 21')).toEqual([{ name: 'twenty-one' }]);
  });

  it('waits for a transaction in progress instead of running inside it', async () => {
    if (store.name !== 'pglite') return; // PostgreSQL's pool gives the prepared statement its own connection.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = db.transaction(async (t) => {
      await t.query('INSERT INTO item (id, name) VALUES (30, $1)', ['thirty']);
      await held;
      throw new Error('undo');
    });
    const outside = db.query('INSERT INTO item (id, name) VALUES ($1, $2) RETURNING id', [31, 'thirty-one'], { prepare: 'test_outside' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await expect(tx).rejects.toThrow('undo');
    expect(await outside).toEqual([{ id: 31 }]);
    expect(await db.query('SELECT id FROM item WHERE id IN (30, 31) ORDER BY id')).toEqual([{ id: 31 }]);
  });
});
