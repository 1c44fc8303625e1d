/**
 * Multi-row INSERT for seeding: one statement per table per chunk, split only when a chunk would
 * pass PostgreSQL's bind-parameter limit (65,535; we stay well below). Existing rows are kept, so
 * seeding a chunk twice is harmless.
 */
import type { Db } from './Db.js';

const MAX_PARAMS = 30_000;
const IDENTIFIER = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

export async function insertRows(db: Db, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
  // Table and column names come from code, never from input; checked anyway, as they are spliced.
  if (!IDENTIFIER.test(table) || !columns.every((c) => IDENTIFIER.test(c))) throw new TypeError(`invalid identifier in insert into ${table}`);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const slice = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = slice.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`);
    await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`, params);
  }
}
