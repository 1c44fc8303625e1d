/**
 * What the facts cache relies on from central's triggers (migration 004) and the Db it listens
 * on, on every store in `testStores`: every statement that changes cases, consents or transfer
 * bases bumps one version and notifies its keys, in version order; a rolled-back write notifies
 * nothing; and embedded, the notification of a write is delivered before the write resolves —
 * which is why the embedded cache needs no check per request (facts/cache.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTS_CHANNEL } from '../../facts/index.js';
import { migrateCentral } from '../../subgraphs/central/backend.js';
import type { Db } from '../../store/index.js';
import { testStores } from '../harness/stores.js';

const PARTNER = 'IQ/NGO/IQ-REINTEGRATION-PARTNER';

describe.each(testStores)('facts notifications on $name', (store) => {
  let db: Db;
  let drop: () => Promise<void>;
  let unlisten: () => Promise<void>;
  const received: string[] = [];
  const version = async () => (await db.query<{ version: number }>('SELECT version FROM central.facts_version'))[0]!.version;
  const insertCase = (ref: string) =>
    db.query(
      `INSERT INTO central.case_index (ref, owning_member_state, country_of_origin, status, return_type, opened_on, participating_systems, updated_at) VALUES ($1, 'DE', 'IQ', 'OPEN', 'VOLUNTARY', DATE '2026-01-01', ARRAY[]::text[], now())`,
      [ref],
    );

  beforeAll(async () => {
    ({ db, drop } = await store.open());
    await migrateCentral(db);
    await db.query(`INSERT INTO central.organisation (id, name, country, kind) VALUES ($1, 'Synthetic partner', 'IQ', 'NGO')`, [PARTNER]);
    unlisten = await db.listen(FACTS_CHANNEL, (payload) => received.push(payload));
  });
  afterAll(async () => {
    await unlisten?.();
    await drop?.();
  });

  it('notifies the new version and the case of an inserted case', async () => {
    const before = await version();
    received.length = 0;
    await insertCase('EU-NOTIFY-1');
    await expect.poll(() => received).toEqual([`${before + 1} c EU-NOTIFY-1`]);
    expect(await version()).toBe(before + 1);
  });

  it('notifies the case of a consent written, and the recipient of a transfer basis', async () => {
    await insertCase('EU-NOTIFY-2');
    const before = await version();
    // On PostgreSQL the insert's own notification arrives on the listening connection when it
    // arrives: wait for it, so that only the two writes below are counted.
    await expect.poll(() => received).toContain(`${before} c EU-NOTIFY-2`);
    received.length = 0;
    await db.query(`INSERT INTO central.consent (case_ref, recipient, categories, purposes, valid_from, evidence_hash, recorded_by) VALUES ('EU-NOTIFY-2', $1, ARRAY['HEALTH'], ARRAY['CONTINUITY_OF_CARE'], now(), 'synthetic', 'test')`, [PARTNER]);
    await db.query(`INSERT INTO central.transfer_basis (exporter_member_state, recipient, instrument, reference, valid_from, recorded_by) VALUES ('DE', $1, 'DEROGATION', 'synthetic', DATE '2026-01-01', 'test')`, [PARTNER]);
    await expect.poll(() => received).toEqual([`${before + 1} c EU-NOTIFY-2`, `${before + 2} t ${PARTNER}`]);
  });

  it('notifies everything for a statement touching more keys than a notification names', async () => {
    const before = await version();
    received.length = 0;
    await db.query(
      `INSERT INTO central.case_index (ref, owning_member_state, country_of_origin, status, return_type, opened_on, participating_systems, updated_at)
       SELECT 'EU-BULK-' || i, 'BE', 'NG', 'OPEN', 'VOLUNTARY', DATE '2026-01-01', ARRAY[]::text[], now() FROM generate_series(1, 500) AS i`,
    );
    await expect.poll(() => received).toEqual([`${before + 1} *`]);
  });

  it('notifies nothing for a write rolled back', async () => {
    const before = await version();
    received.length = 0;
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`UPDATE central.case_index SET status = 'CLOSED' WHERE ref = 'EU-NOTIFY-1'`);
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    await insertCase('EU-NOTIFY-3');
    await expect.poll(() => received).toEqual([`${before + 1} c EU-NOTIFY-3`]);
  });

  it.runIf(store.name === 'pglite')('delivers the notification of a statement before the statement resolves', async () => {
    received.length = 0;
    await db.query(`UPDATE central.case_index SET status = 'CLOSED' WHERE ref = 'EU-NOTIFY-1'`);
    expect(received).toHaveLength(1);
  });

  it.runIf(store.name === 'pglite')('delivers the notifications of a transaction before its commit resolves', async () => {
    received.length = 0;
    await db.transaction(async (tx) => {
      await tx.query(`UPDATE central.case_index SET status = 'OPEN' WHERE ref = 'EU-NOTIFY-1'`);
      await tx.query(`UPDATE central.case_index SET status = 'CLOSED' WHERE ref = 'EU-NOTIFY-2'`);
    });
    expect(received).toHaveLength(2);
  });
});
