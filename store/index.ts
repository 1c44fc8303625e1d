/**
 * Storage: one SQL interface over embedded PGlite (default) and PostgreSQL (`DATABASE_URL`).
 * @module store
 */
export type { Db } from './Db.js';
export { migrate, type Migration } from './migrate.js';
export { openPglite, StoreUnavailableError, type PgliteOptions } from './pglite.js';
export { StoreInUseError } from './lock.js';
export { openPostgres } from './postgres.js';
import type { Db } from './Db.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export interface StoreLocation {
  /** `postgres://…` for a PostgreSQL server; absent for embedded PGlite. */
  url?: string | undefined;
  /** PGlite data folder; absent for an in-memory database. */
  dataDir?: string | undefined;
}

export function openDb(location: StoreLocation): Promise<Db> {
  if (location.url) return openPostgres(location.url);
  return openPglite(location.dataDir);
}
export { insertRows } from './insertRows.js';
