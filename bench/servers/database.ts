/**
 * The split layout's store: a fresh database on the PostgreSQL server the run was given, created
 * for the run and dropped after it (also when the run is interrupted). In-memory PGlite cannot be
 * shared by processes, and the Continuum gateway process must read the store the systems process
 * seeded and registered its supergraph in.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ThrowawayDatabase {
  name: string;
  /** The server URL with this database as its path. */
  url: string;
  /** Drops it (WITH (FORCE): connections still open are ended); safe to call more than once. */
  drop(): Promise<void>;
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The PostgreSQL server for the split layout: DATABASE_URL, else CONTINUUM_TEST_DATABASE_URL, else none. */
export function splitServerUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.DATABASE_URL || env.CONTINUUM_TEST_DATABASE_URL || undefined;
}

export async function createThrowawayDatabase(serverUrl: string): Promise<ThrowawayDatabase> {
  const name = `continuum_bench_${randomBytes(5).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: url.toString(),
    drop: () => (dropped ??= onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}
