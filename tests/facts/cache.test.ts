/**
 * The decision facts cache (facts/cache.ts) on every store in `testStores`, against the central
 * schema with its triggers: it answers what the store answers, reads nothing for a case it holds
 * (embedded) or one version row (PostgreSQL), and every change to a case, a consent or a transfer
 * basis — here written in plain SQL, as an operator would — counts on the next lookup. Validity
 * windows are evaluated at lookup time with the cache's clock.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCaseFactsLoader, FactsCache, type FactsCacheOptions } from '../../facts/index.js';
import { migrateCentral } from '../../subgraphs/central/backend.js';
import type { Db } from '../../store/index.js';
import { testStores } from '../harness/stores.js';

const PARTNER = 'IQ/NGO/IQ-REINTEGRATION-PARTNER';
const AUTHORITY = 'IQ/GOV/IQ-MIGRATION-AUTHORITY';
const REFS = ['EU-TEST-0001', 'EU-TEST-0002', 'EU-TEST-0003'];

/** Fresh synthetic rows for each test (the store itself is opened once per suite). */
async function seed(db: Db): Promise<void> {
  await db.exec('TRUNCATE central.consent, central.transfer_basis, central.case_index, central.organisation CASCADE');
  await db.query(`INSERT INTO central.organisation (id, name, country, kind) VALUES ($1, 'Synthetic partner', 'IQ', 'NGO'), ($2, 'Synthetic authority', 'IQ', 'GOV')`, [PARTNER, AUTHORITY]);
  await db.query(
    `INSERT INTO central.case_index (ref, owning_member_state, country_of_origin, status, return_type, opened_on, returned_on, assigned_partner, participating_systems, updated_at)
     SELECT ref, 'DE', 'IQ', 'RETURNED', 'VOLUNTARY', DATE '2026-01-01', DATE '2026-02-01', $2, ARRAY['DE/GOV/BAMF/case-system'], now() FROM unnest($1::text[]) AS ref`,
    [REFS, PARTNER],
  );
  await db.query(
    `INSERT INTO central.consent (case_ref, recipient, categories, purposes, valid_from, evidence_hash, recorded_by)
     SELECT ref, $2, ARRAY['HEALTH'], ARRAY['CONTINUITY_OF_CARE'], now() - interval '1 day', 'synthetic', 'test' FROM unnest($1::text[]) AS ref`,
    [REFS, PARTNER],
  );
}

describe.each(testStores)('facts cache on $name', (store) => {
  let db: Db;
  let drop: () => Promise<void>;
  let cache: FactsCache;
  const counts = { hit: 0, miss: 0, entry: 0, flush: 0, resubscribed: 0 };
  const open = async (options: FactsCacheOptions = {}) => {
    cache = await FactsCache.open(db, {
      observer: {
        lookups: (result, n) => (counts[result] += n),
        invalidated: (scope) => counts[scope]++,
        resubscribed: () => counts.resubscribed++,
      },
      ...options,
    });
    return cache;
  };
  const lookup = (caller = PARTNER, ref = REFS[0]!) => cache.loader(caller).load(ref);
  /** Statements one lookup costs. */
  const statementsOf = async (caller = PARTNER, ref = REFS[0]!) => {
    const before = db.stats.statements;
    await lookup(caller, ref);
    return db.stats.statements - before;
  };
  /** What a check per request costs: nothing embedded, the version row on PostgreSQL. */
  const CHECK = store.name === 'pglite' ? 0 : 1;

  beforeAll(async () => {
    ({ db, drop } = await store.open());
    await migrateCentral(db);
  });
  afterAll(async () => {
    await drop?.();
  });
  beforeEach(async () => {
    await seed(db);
    Object.assign(counts, { hit: 0, miss: 0, entry: 0, flush: 0, resubscribed: 0 });
  });
  afterEach(async () => {
    await cache?.close();
  });

  it('answers exactly what the uncached loader reads from the store', async () => {
    await open();
    const direct = await createCaseFactsLoader(db, PARTNER).loadMany([...REFS, 'EU-TEST-MISSING']);
    expect(await cache.loader(PARTNER).loadMany([...REFS, 'EU-TEST-MISSING'])).toEqual(direct);
    expect(await cache.loader(PARTNER).loadMany([...REFS, 'EU-TEST-MISSING'])).toEqual(direct);
  });

  it('reads nothing but the version check for a case and caller it already holds', async () => {
    await open();
    await lookup();
    expect(await statementsOf()).toBe(CHECK);
    expect(counts).toMatchObject({ hit: 1, miss: 1 });
  });

  it('shares a case between callers and reads only the new caller’s transfer bases', async () => {
    await open();
    await lookup(PARTNER);
    expect(await statementsOf(AUTHORITY)).toBe(CHECK + 1);
  });

  it('denies a consent on the next lookup after it is withdrawn in SQL', async () => {
    await open();
    expect((await lookup())?.consents).toHaveLength(1);
    await db.query(`UPDATE central.consent SET withdrawn_at = now(), withdrawn_by = 'operator' WHERE case_ref = $1`, [REFS[0]]);
    expect((await lookup())?.consents).toEqual([]);
    expect((await lookup(PARTNER, REFS[1]))?.consents).toHaveLength(1);
  });

  it('drops only the changed case when the notification arrived in time', async () => {
    await open();
    await cache.loader(PARTNER).loadMany(REFS);
    await db.query(`UPDATE central.consent SET withdrawn_at = now() WHERE case_ref = $1`, [REFS[0]]);
    // Embedded, the notification is in before the write resolves; on PostgreSQL wait for it.
    await expect.poll(() => counts.entry + counts.flush).toBeGreaterThan(0);
    if (counts.entry > 0) expect(cache.size.cases).toBe(REFS.length - 1);
  });

  it('releases on the next lookup after a consent is recorded in SQL', async () => {
    await open();
    expect((await lookup(AUTHORITY))?.consents).toHaveLength(1);
    await db.query(
      `INSERT INTO central.consent (case_ref, recipient, categories, purposes, valid_from, evidence_hash, recorded_by) VALUES ($1, $2, ARRAY['IDENTITY'], ARRAY['REINTEGRATION_ASSISTANCE'], now() - interval '1 minute', 'synthetic', 'operator')`,
      [REFS[0], AUTHORITY],
    );
    expect((await lookup(AUTHORITY))?.consents.map((k) => k.recipient).sort()).toEqual([AUTHORITY, PARTNER].sort());
  });

  it('sees a change to the case itself on the next lookup', async () => {
    await open();
    expect((await lookup())?.facts.enrolledInEuProgramme).toBe(false);
    await db.query(`UPDATE central.case_index SET participating_systems = participating_systems || 'EU/GOV/EU-REINTEGRATION-PROGRAMME/riat'::text WHERE ref = $1`, [REFS[0]]);
    expect((await lookup())?.facts.enrolledInEuProgramme).toBe(true);
  });

  it('knows a case inserted after a lookup found none', async () => {
    await open();
    expect(await lookup(PARTNER, 'EU-TEST-LATE')).toBeNull();
    await db.query(
      `INSERT INTO central.case_index (ref, owning_member_state, country_of_origin, status, return_type, opened_on, participating_systems, updated_at) VALUES ('EU-TEST-LATE', 'BE', 'NG', 'OPEN', 'VOLUNTARY', DATE '2026-03-01', ARRAY[]::text[], now())`,
    );
    expect((await lookup(PARTNER, 'EU-TEST-LATE'))?.facts.owningMemberState).toBe('BE');
  });

  it('counts a transfer basis for its recipient only, from the next lookup, and its revocation too', async () => {
    await open();
    expect((await lookup(AUTHORITY))?.transferToCaller).toBe(false);
    await db.query(`INSERT INTO central.transfer_basis (exporter_member_state, recipient, instrument, reference, valid_from, recorded_by) VALUES ('DE', $1, 'APPROPRIATE_SAFEGUARDS', 'synthetic', DATE '2024-01-01', 'operator')`, [AUTHORITY]);
    expect((await lookup(AUTHORITY))?.transferToCaller).toBe(true);
    expect((await lookup(PARTNER))?.transferToCaller).toBe(false);
    await db.query(`UPDATE central.transfer_basis SET revoked_at = now() WHERE recipient = $1`, [AUTHORITY]);
    expect((await lookup(AUTHORITY))?.transferToCaller).toBe(false);
  });

  it('evaluates a consent’s window at lookup time, not when the entry was filled', async () => {
    let now = Date.now();
    await open({ now: () => now });
    await db.query(`UPDATE central.consent SET valid_until = now() + interval '1 hour' WHERE case_ref = $1`, [REFS[0]]);
    expect((await lookup())?.consents).toHaveLength(1);
    now += 2 * 3600_000;
    expect(await statementsOf()).toBe(CHECK);
    expect((await lookup())?.consents).toEqual([]);
  });

  it('evaluates a transfer basis’s window in UTC days at lookup time', async () => {
    let now = Date.parse('2026-06-30T23:59:00Z');
    await open({ now: () => now });
    await db.query(`INSERT INTO central.transfer_basis (exporter_member_state, recipient, instrument, reference, valid_from, valid_until, recorded_by) VALUES ('DE', $1, 'DEROGATION', 'synthetic', DATE '2026-06-01', DATE '2026-06-30', 'operator')`, [AUTHORITY]);
    expect((await lookup(AUTHORITY))?.transferToCaller).toBe(true);
    now = Date.parse('2026-07-01T00:00:00Z');
    expect((await lookup(AUTHORITY))?.transferToCaller).toBe(false);
  });

  it('keeps at most maxCases cases, dropping the least recently used', async () => {
    await open({ maxCases: 2 });
    await lookup(PARTNER, REFS[0]);
    await lookup(PARTNER, REFS[1]);
    await lookup(PARTNER, REFS[0]);
    await lookup(PARTNER, REFS[2]);
    expect(cache.size.cases).toBe(2);
    expect(await statementsOf(PARTNER, REFS[0])).toBe(CHECK);
    expect(await statementsOf(PARTNER, REFS[1])).toBe(CHECK + 1);
  });

  it('never keeps a fill that raced a withdrawal', async () => {
    await open();
    const racing = lookup();
    const withdrawal = db.query(`UPDATE central.consent SET withdrawn_at = now() WHERE case_ref = $1`, [REFS[0]]);
    await Promise.all([racing, withdrawal]);
    expect((await lookup())?.consents).toEqual([]);
  });

  it.runIf(store.name === 'postgres')('stays exact when the LISTEN connection is killed, and listens again', async () => {
    await open({ probeIntervalMs: 100, probeTimeoutMs: 200 });
    expect((await lookup())?.consents).toHaveLength(1);
    const killed = await db.query<{ ok: boolean }>(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN continuum_facts'`);
    expect(killed).toEqual([{ ok: true }]);
    await db.query(`UPDATE central.consent SET withdrawn_at = now() WHERE case_ref = $1`, [REFS[0]]);
    // No notification reaches the cache: the version check alone makes this lookup exact.
    expect((await lookup())?.consents).toEqual([]);
    await expect.poll(() => counts.resubscribed, { timeout: 5000 }).toBeGreaterThan(0);
    await lookup(PARTNER, REFS[1]);
    await db.query(`UPDATE central.consent SET withdrawn_at = now() WHERE case_ref = $1`, [REFS[1]]);
    await expect.poll(() => counts.entry, { timeout: 5000 }).toBeGreaterThan(0);
    expect((await lookup(PARTNER, REFS[1]))?.consents).toEqual([]);
  });
});
