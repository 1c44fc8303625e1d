import type { Db } from './Db.js';

export interface Migration {
  /** Stable, ordered id such as `001_case_index`. Never edit a migration once released. */
  id: string;
  sql: string;
}

/**
 * Applies the migrations of one component that are not yet recorded, each in its own
 * transaction, in id order. Components keep their tables in their own SQL schema.
 */
export async function migrate(db: Db, component: string, migrations: readonly Migration[]): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS public.continuum_migrations (
    component text NOT NULL,
    id text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (component, id)
  )`);
  const done = new Set(
    (await db.query<{ id: string }>('SELECT id FROM public.continuum_migrations WHERE component = $1', [component])).map(
      (row) => row.id,
    ),
  );
  const applied: string[] = [];
  for (const migration of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
    if (done.has(migration.id)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO public.continuum_migrations (component, id) VALUES ($1, $2)', [component, migration.id]);
    });
    applied.push(migration.id);
  }
  return applied;
}
