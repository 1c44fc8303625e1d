/**
 * The simulated backend of Nigeria's national referral mechanism (NRM): its native tables in SQL
 * schema `ng_nrm`, the seed that translates synthetic cases into NRM records, and the one batch
 * query the subgraph runs. SYNTHETIC DATA ONLY: every record is derived from
 * the kit's synthetic cases (see ./synthetic.ts) and describes no real person or provider.
 */
import type { SyntheticCase } from '@continuum/subgraph-kit';
import type { NrmDatabase as Db } from './database.js';
import { NRM_SERVICE_CODES, NRM_STATUS_CODES, type NrmReferralRow } from './mapping.js';
import { syntheticNrmFile, type SyntheticNrmFile } from './synthetic.js';

// The NRM keeps dates as the text its forms use and does not constrain its code columns (state
// offices add codes locally): the mapping validates every value instead of trusting the database.
// Idempotent, so every start can run it; the NRM's schema has one version.
const SCHEMA = `
      CREATE SCHEMA IF NOT EXISTS ng_nrm;
      CREATE TABLE IF NOT EXISTS ng_nrm.returnee_register (
        nrm_file_no text PRIMARY KEY,
        eu_case_no text NOT NULL UNIQUE,
        state_office text NOT NULL,
        registered_on text NOT NULL
      );
      CREATE TABLE IF NOT EXISTS ng_nrm.referral_slip (
        slip_no text PRIMARY KEY,
        eu_case_no text NOT NULL REFERENCES ng_nrm.returnee_register (eu_case_no),
        service_code text NOT NULL,
        referred_on text NOT NULL,
        provider_name text NOT NULL,
        status_code text NOT NULL,
        closed_on text
      );
      CREATE INDEX IF NOT EXISTS referral_slip_by_case ON ng_nrm.referral_slip (eu_case_no, referred_on, slip_no);
    `;

/** Creates the NRM's tables in schema `ng_nrm`; harmless when they exist. */
export async function migrateNgReferrals(db: Db): Promise<void> {
  await db.exec(SCHEMA);
}

export async function isSeeded(db: Db): Promise<boolean> {
  const rows = await db.query<{ seeded: boolean }>('SELECT EXISTS (SELECT 1 FROM ng_nrm.returnee_register) AS seeded');
  return rows[0]?.seeded === true;
}

const invert = <T extends string>(table: Readonly<Record<string, T>>): Map<T, string> =>
  new Map(Object.entries(table).map(([code, value]) => [value, code]));
const SERVICE_CODE = invert(NRM_SERVICE_CODES);
const STATUS_CODE = invert(NRM_STATUS_CODES);

function codeOf<T>(table: Map<T, string>, value: T): string {
  const code = table.get(value);
  if (code === undefined) throw new Error(`no NRM code for ${String(value)}`);
  return code;
}

/** ISO `YYYY-MM-DD` → the NRM closure register's `DD/MM/YYYY`. */
export const nrmDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

const CHUNK = 1_000;

/**
 * Seeds NRM records for the Nigerian returnees among `cases`: one multi-row INSERT per table per
 * 1,000 cases, each row set passed as column arrays through `unnest` so the parameter count stays
 * fixed. `ON CONFLICT DO NOTHING` makes a repeated chunk (or a repeated seed) harmless.
 */
export async function seed(db: Db, cases: readonly SyntheticCase[]): Promise<void> {
  for (let start = 0; start < cases.length; start += CHUNK) {
    const files: { ref: string; file: SyntheticNrmFile }[] = [];
    for (const c of cases.slice(start, start + CHUNK)) {
      const file = syntheticNrmFile(c);
      if (file) files.push({ ref: c.ref, file });
    }
    if (files.length === 0) continue;
    await db.query(
      `INSERT INTO ng_nrm.returnee_register (nrm_file_no, eu_case_no, state_office, registered_on)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT DO NOTHING`,
      [files.map((f) => f.file.fileNo), files.map((f) => f.ref), files.map((f) => f.file.office), files.map((f) => nrmDate(f.file.registeredOn))],
    );
    const slips = files.flatMap(({ ref, file }) => file.referrals.map((referral) => ({ ref, referral })));
    if (slips.length === 0) continue;
    await db.query(
      `INSERT INTO ng_nrm.referral_slip (slip_no, eu_case_no, service_code, referred_on, provider_name, status_code, closed_on)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
       ON CONFLICT DO NOTHING`,
      [
        slips.map((s) => s.referral.slipNo),
        slips.map((s) => s.ref),
        slips.map((s) => codeOf(SERVICE_CODE, s.referral.service)),
        slips.map((s) => `${s.referral.referredOn} ${s.referral.referredAt}`),
        slips.map((s) => s.referral.provider),
        slips.map((s) => codeOf(STATUS_CODE, s.referral.status)),
        slips.map((s) => (s.referral.outcomeOn === null ? null : nrmDate(s.referral.outcomeOn))),
      ],
    );
  }
}

/**
 * The slips of many cases in ONE statement, oldest first. A registered returnee without slips
 * yields one row with null slip columns; a case the NRM does not know yields no row.
 */
export async function selectReferrals(db: Db, refs: readonly string[]): Promise<NrmReferralRow[]> {
  return db.query<NrmReferralRow>(
    `SELECT r.eu_case_no, s.slip_no, s.service_code, s.referred_on, s.provider_name, s.status_code, s.closed_on
     FROM ng_nrm.returnee_register r
     LEFT JOIN ng_nrm.referral_slip s ON s.eu_case_no = r.eu_case_no
     WHERE r.eu_case_no = ANY($1::text[])
     ORDER BY r.eu_case_no, s.referred_on, s.slip_no`,
    [refs],
  );
}
