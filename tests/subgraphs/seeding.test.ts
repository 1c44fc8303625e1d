/**
 * What start-up seeding writes, fingerprinted: a SHA-256 over every row of every table in each
 * static system's own schema, in a fixed order. The digests were taken from the seeding before it
 * was batched per system (see docs/BENCHMARKS.md § Start-up seeding); a change to how rows are
 * written must leave them — the synthetic data every test and demo relies on — exactly as they were.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSystems } from '../../gateway/embedded.js';
import type { Db } from '../../store/index.js';
import { STATIC_SYSTEMS } from '../../subgraphs/index.js';
import { testStores } from '../harness/stores.js';

/** The SQL schema each static system keeps its native tables in. */
const SCHEMAS: Record<string, string> = {
  central: 'central',
  'be-cases': 'be_dossiers',
  'de-cases': 'de_akten',
  'eu-programme': 'eurp_riat',
  'iq-partner': 'iq_partner',
};

/** Columns whose value depends on when the seed ran, not on the synthetic case: left out. */
const CLOCK_COLUMNS = new Set(['central.consent.recorded_at', 'central.consent.id', 'central.transfer_basis.id', 'central.transfer_basis.recorded_at']);
/**
 * Columns a later migration added (central 003, transfer-basis lifecycle: who recorded or revoked
 * a basis): the digests were taken before they existed, and the seed writes none of them.
 */
const LATER_COLUMNS = new Set(['central.transfer_basis.recorded_by', 'central.transfer_basis.revoked_at', 'central.transfer_basis.revoked_by']);

async function digest(db: Db, schema: string): Promise<Record<string, string>> {
  const tables = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
    [schema],
  );
  const out: Record<string, string> = {};
  for (const { table_name: table } of tables) {
    const columns = (
      await db.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position', [schema, table])
    )
      .map((c) => c.column_name)
      .filter((c) => !CLOCK_COLUMNS.has(`${schema}.${table}.${c}`) && !LATER_COLUMNS.has(`${schema}.${table}.${c}`));
    const list = columns.map((c) => `"${c}"::text`).join(', ');
    const rows = await db.query<{ row: string }>(`SELECT concat_ws(' | ', ${list}) AS row FROM ${schema}.${table} ORDER BY 1`);
    out[table] = `${rows.length} rows ${createHash('sha256').update(rows.map((r) => r.row).join('\n')).digest('hex').slice(0, 16)}`;
  }
  return out;
}

/** Taken from the seeding before it was batched per system: the same rows must come out. */
const EXPECTED: Record<string, Record<string, string>> = {
  central: {
    case_index: '2500 rows 5b481b078b5273c4',
    consent: '580 rows c4c360cbbf1cb013',
    organisation: '12 rows fb5fee8cc40894ca',
    // The instrument is a code since central 003 (ADEQUACY_DECISION, …), no longer the text naming the article.
    transfer_basis: '17 rows 643c65b8ea4020ef',
    // Since central 004: one version row, moved by every seeding statement on the three facts tables (facts/cache.ts).
    facts_version: '1 rows 5d52713ede059bf0',
  },
  'be-cases': {
    decision_retour: '937 rows 898f6e015960f435',
    document_identite: '1069 rows bf3c7781e6b4858a',
    dossier: '1234 rows cc18a747785f5fb6',
    entretien: '3140 rows 34d28625f8b8c0ac',
    evaluation_vulnerabilite: '742 rows 6baedac6242b9462',
    historique_asile: '945 rows da35794c534261ab',
    info_medicale: '885 rows 632e8f017e214aaf',
    personne: '1234 rows d3ac2c8cbd19be97',
    voyage: '921 rows 8ea9830809001a55',
  },
  'de-cases': {
    akte: '1266 rows a38dd5f0c9b09c8b',
    asylverfahren: '959 rows 407940bb94c1495f',
    ausweisdokument: '1077 rows 25a69db803167988',
    beratungsgespraech: '3092 rows 2e2d66511f16bb1b',
    gesundheit: '905 rows 339ebc6c00a55cf3',
    person: '1266 rows 7892cd7412d82772',
    reise: '954 rows 3b752e2cfc2a7df7',
    rueckkehrentscheidung: '933 rows 0154a7bd070b79d0',
    vulnerabilitaet: '751 rows 0f400af11e884bfd',
  },
  'eu-programme': {
    beneficiary: '1159 rows 077396a3505eca07',
    post_arrival_support: '1159 rows 618b13744fb8924e',
    reintegration_plan: '1159 rows 563fcb3d62e93eab',
  },
  'iq-partner': {
    khidma: '308 rows 4bf93341061bf486',
    mustafid: '145 rows d8f840490467e9e8',
    taqyim: '80 rows de19f633f62f298a',
    ziyara: '158 rows 4f8a39a21d7d2121',
  },
};

describe.each(testStores)('start-up seeding on $name', (store) => {
  let db: Db;
  let drop: () => Promise<void>;
  const digests: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    ({ db, drop } = await store.open());
    // 2,500 cases: more than one chunk of 1,000, and a last chunk that is not full.
    await prepareSystems(db, STATIC_SYSTEMS, 2_500);
    for (const system of STATIC_SYSTEMS) digests[system.name] = await digest(db, SCHEMAS[system.name]!);
  });

  afterAll(() => drop?.());

  it.each(STATIC_SYSTEMS.map((s) => s.name))('writes exactly the rows it always wrote for %s', (name) => {
    expect(digests[name]).toStrictEqual(EXPECTED[name]);
  });
});
