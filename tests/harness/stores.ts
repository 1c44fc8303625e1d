/**
 * The stores every integration suite runs against: embedded PGlite always, and a real PostgreSQL
 * server when CONTINUUM_TEST_DATABASE_URL names one (CI starts it with .ci/postgres.sh). Each
 * suite gets its own fresh database, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type Db } from '../../store/index.js';

export interface TestStore {
  name: 'pglite' | 'postgres';
  /** Opens a fresh, empty database. */
  open(): Promise<{ db: Db; url?: string; drop(): Promise<void> }>;
}

const adminUrl = process.env.CONTINUUM_TEST_DATABASE_URL;

if (process.env.CI === 'true' && !adminUrl) {
  throw new Error('CI must run the integration suites on PostgreSQL too: set CONTINUUM_TEST_DATABASE_URL (see .ci/run).');
}

const pglite: TestStore = {
  name: 'pglite',
  async open() {
    const db = await openPglite();
    return { db, drop: () => db.close() };
  },
};

const postgres: TestStore = {
  name: 'postgres',
  async open() {
    const name = `continuum_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl as string);
    url.pathname = `/${name}`;
    const db = await openPostgres(url.toString());
    return {
      db,
      url: url.toString(),
      async drop() {
        await db.close();
        const cleanup = new pg.Client({ connectionString: adminUrl });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await cleanup.end();
      },
    };
  },
};

export const testStores: readonly TestStore[] = adminUrl ? [pglite, postgres] : [pglite];
