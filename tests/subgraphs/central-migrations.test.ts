/**
 * Migration 003 on a store whose transfer bases were written in SQL before the typed API, on
 * every store in `testStores`: each basis gets an identity and an instrument code from the
 * article its text names, and counts as before; a basis naming no article stops the migration
 * (nothing half-applied), to be classified by hand.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, type Db } from '../../store/index.js';
import { CENTRAL_MIGRATIONS, migrateCentral } from '../../subgraphs/central/backend.js';
import { testStores } from '../harness/stores.js';

const BEFORE_003 = CENTRAL_MIGRATIONS.filter((m) => m.id < '003');

async function storeWithSqlBases(db: Db, instruments: readonly string[]): Promise<void> {
  await migrate(db, 'central', BEFORE_003);
  await db.query(`INSERT INTO central.organisation (id, name, country, kind) VALUES ('IQ/GOV/IQ-MIGRATION-AUTHORITY', 'Iraqi migration authority (synthetic)', 'IQ', 'COUNTRY_OF_ORIGIN_AUTHORITY'), ('NG/NGO/NG-REINTEGRATION-PARTNER', 'Reintegration partner Nigeria (synthetic)', 'NG', 'REINTEGRATION_PARTNER'), ('PK/NGO/PK-REINTEGRATION-PARTNER', 'Reintegration partner Pakistan (synthetic)', 'PK', 'REINTEGRATION_PARTNER')`);
  const recipients = ['IQ/GOV/IQ-MIGRATION-AUTHORITY', 'NG/NGO/NG-REINTEGRATION-PARTNER', 'PK/NGO/PK-REINTEGRATION-PARTNER'];
  for (const [i, instrument] of instruments.entries()) {
    await db.query(`INSERT INTO central.transfer_basis (exporter_member_state, recipient, instrument, reference, valid_from) VALUES ('BE', $1, $2, $3, DATE '2024-01-01')`, [recipients[i], instrument, `SQL-BASIS-${i}`]);
  }
}

describe.each(testStores)('central migrations on $name', (store) => {
  let opened: { db: Db; drop(): Promise<void> } | undefined;
  afterEach(async () => {
    await opened?.drop();
    opened = undefined;
  });

  it('gives bases written in SQL an identity and the instrument code of the article they name', async () => {
    opened = await store.open();
    const { db } = opened;
    await storeWithSqlBases(db, ['GDPR Art. 46(2)(a) — administrative arrangement', 'Art. 45 adequacy decision', 'GDPR Art.49(1)(d)']);
    await migrateCentral(db);

    const rows = await db.query<{ id: string; recipient: string; instrument: string; revoked_at: unknown }>('SELECT id, recipient, instrument, revoked_at FROM central.transfer_basis ORDER BY reference');
    expect(rows).toEqual([
      { id: expect.stringMatching(/^[0-9a-f-]{36}$/), recipient: 'IQ/GOV/IQ-MIGRATION-AUTHORITY', instrument: 'APPROPRIATE_SAFEGUARDS', revoked_at: null },
      { id: expect.stringMatching(/^[0-9a-f-]{36}$/), recipient: 'NG/NGO/NG-REINTEGRATION-PARTNER', instrument: 'ADEQUACY_DECISION', revoked_at: null },
      { id: expect.stringMatching(/^[0-9a-f-]{36}$/), recipient: 'PK/NGO/PK-REINTEGRATION-PARTNER', instrument: 'DEROGATION', revoked_at: null },
    ]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
  });

  it('stops, changing nothing, at a basis whose text names no article', async () => {
    opened = await store.open();
    const { db } = opened;
    await storeWithSqlBases(db, ['GDPR Art. 46(2)(a) — administrative arrangement', 'memorandum of understanding']);

    await expect(migrateCentral(db)).rejects.toThrow(/transfer_basis_instrument/);
    expect(await db.query('SELECT instrument FROM central.transfer_basis ORDER BY reference')).toEqual([
      { instrument: 'GDPR Art. 46(2)(a) — administrative arrangement' },
      { instrument: 'memorandum of understanding' },
    ]);
    expect(await db.query("SELECT id FROM public.continuum_migrations WHERE component = 'central' ORDER BY id")).toEqual(BEFORE_003.map((m) => ({ id: m.id })));
  });
});
