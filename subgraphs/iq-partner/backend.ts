/**
 * The simulated case-management database of the Iraqi reintegration partner, SQL schema
 * `iq_partner`, with its own transliterated Arabic names: mustafid (beneficiary, keyed by
 * ramz_mustafid, carrying marja_urubi, the EU reference), khidma (services delivered), ziyara
 * (monitoring visits), taqyim (sustainability assessments). Only the REST service reads it.
 * SYNTHETIC DATA ONLY: every record comes from subgraphs/kit/synthetic.ts and describes no real person.
 */
import type { AssistanceKind, HealthAssistanceKind, SyntheticCase } from '../kit/synthetic.js';
import { migrate, type Db, type Migration } from '../../store/index.js';
import type { ApiBeneficiary, IndicatorsResponse, RecordPart } from './api.js';
import { SERVICE_TYPE_CODES, VISIT_CHANNEL_CODES } from './mapping.js';

const COMPONENT = 'iq-partner';

// Code columns are unconstrained, as in the partner's real system: its field teams' app owns the
// code lists. Scores are constrained because the partner's own reports rely on the 0-100 scale.
const MIGRATIONS: readonly Migration[] = [
  {
    id: '001_iq_partner_core',
    sql: `
      CREATE SCHEMA IF NOT EXISTS iq_partner;
      CREATE TABLE iq_partner.mustafid (
        ramz_mustafid text PRIMARY KEY,
        marja_urubi text NOT NULL UNIQUE,
        tarikh_tasjil date NOT NULL
      );
      CREATE TABLE iq_partner.khidma (
        ramz_mustafid text NOT NULL REFERENCES iq_partner.mustafid (ramz_mustafid),
        tasalsul smallint NOT NULL,
        naw_khidma text NOT NULL,
        tarikh date NOT NULL,
        mablagh_euro integer,
        jalasat smallint,
        PRIMARY KEY (ramz_mustafid, tasalsul)
      );
      CREATE TABLE iq_partner.ziyara (
        ramz_mustafid text NOT NULL REFERENCES iq_partner.mustafid (ramz_mustafid),
        tasalsul smallint NOT NULL,
        tarikh date NOT NULL,
        wasila text NOT NULL,
        fil_balad boolean NOT NULL,
        PRIMARY KEY (ramz_mustafid, tasalsul)
      );
      CREATE TABLE iq_partner.taqyim (
        ramz_mustafid text NOT NULL REFERENCES iq_partner.mustafid (ramz_mustafid),
        tarikh date NOT NULL,
        iqtisadi smallint NOT NULL CHECK (iqtisadi BETWEEN 0 AND 100),
        ijtimai smallint NOT NULL CHECK (ijtimai BETWEEN 0 AND 100),
        nafsi smallint NOT NULL CHECK (nafsi BETWEEN 0 AND 100),
        PRIMARY KEY (ramz_mustafid, tarikh)
      );
    `,
  },
];

export async function migrateIqPartner(db: Db): Promise<void> {
  await migrate(db, COMPONENT, MIGRATIONS);
}

export async function isSeeded(db: Db): Promise<boolean> {
  const rows = await db.query<{ seeded: boolean }>('SELECT EXISTS (SELECT 1 FROM iq_partner.mustafid) AS seeded');
  return rows[0]?.seeded === true;
}

const invert = <T extends string>(table: Readonly<Record<string, T>>): Map<T, string> =>
  new Map(Object.entries(table).map(([code, value]) => [value, code]));
const SERVICE_CODE = invert(SERVICE_TYPE_CODES);
const CHANNEL_CODE = invert(VISIT_CHANNEL_CODES);

function codeOf<T>(table: Map<T, string>, value: T): string {
  const code = table.get(value);
  if (code === undefined) throw new Error(`no partner code for ${String(value)}`);
  return code;
}

type ServiceKind = AssistanceKind | HealthAssistanceKind;

const CHUNK = 1_000;

/** Column arrays for one multi-row INSERT through `unnest`. */
function columns<R, T extends readonly unknown[]>(rows: readonly R[], pick: (row: R) => T): unknown[][] {
  const out: unknown[][] = [];
  for (const row of rows) pick(row).forEach((value, i) => (out[i] ??= []).push(value));
  return out;
}

/**
 * Seeds partner records for the cases whose file this partner holds: one multi-row INSERT per
 * table per 1,000 cases. Sequence numbers (tasalsul) keep the order services were recorded in;
 * `ON CONFLICT DO NOTHING` makes a repeated chunk harmless.
 */
export async function seed(db: Db, cases: readonly SyntheticCase[]): Promise<void> {
  for (let start = 0; start < cases.length; start += CHUNK) {
    const files = cases
      .slice(start, start + CHUNK)
      .flatMap((c) => (c.partnerFile && c.reintegration ? [{ ref: c.ref, registered: c.reintegration.partnerAssignedOn, file: c.partnerFile }] : []));
    if (files.length === 0) continue;
    const services = files.flatMap(({ file }) =>
      [
        ...file.assistance.map((a) => ({ kind: a.kind as ServiceKind, on: a.deliveredOn, amount: a.amountEuro as number | null, sessions: null as number | null })),
        ...file.healthAssistance.map((h) => ({ kind: h.kind as ServiceKind, on: h.deliveredOn, amount: null, sessions: h.sessions })),
      ].map((service, i) => ({ ...service, code: file.beneficiaryCode, seq: i + 1 })),
    );
    const visits = files.flatMap(({ file }) => file.visits.map((v, i) => ({ code: file.beneficiaryCode, seq: i + 1, ...v })));
    const assessments = files.flatMap(({ file }) => (file.sustainability ? [{ code: file.beneficiaryCode, ...file.sustainability }] : []));

    await db.query(
      `INSERT INTO iq_partner.mustafid (ramz_mustafid, marja_urubi, tarikh_tasjil)
       SELECT code, ref, registered::date FROM unnest($1::text[], $2::text[], $3::text[]) AS t(code, ref, registered)
       ON CONFLICT DO NOTHING`,
      columns(files, (f) => [f.file.beneficiaryCode, f.ref, f.registered] as const),
    );
    if (services.length > 0) {
      await db.query(
        `INSERT INTO iq_partner.khidma (ramz_mustafid, tasalsul, naw_khidma, tarikh, mablagh_euro, jalasat)
         SELECT code, seq, kind, delivered::date, amount, sessions
         FROM unnest($1::text[], $2::smallint[], $3::text[], $4::text[], $5::integer[], $6::smallint[]) AS t(code, seq, kind, delivered, amount, sessions)
         ON CONFLICT DO NOTHING`,
        columns(services, (s) => [s.code, s.seq, codeOf(SERVICE_CODE, s.kind), s.on, s.amount, s.sessions] as const),
      );
    }
    if (visits.length > 0) {
      await db.query(
        `INSERT INTO iq_partner.ziyara (ramz_mustafid, tasalsul, tarikh, wasila, fil_balad)
         SELECT code, seq, visited::date, channel, in_country
         FROM unnest($1::text[], $2::smallint[], $3::text[], $4::text[], $5::boolean[]) AS t(code, seq, visited, channel, in_country)
         ON CONFLICT DO NOTHING`,
        columns(visits, (v) => [v.code, v.seq, v.date, codeOf(CHANNEL_CODE, v.mode), v.stillInCountry] as const),
      );
    }
    if (assessments.length > 0) {
      await db.query(
        `INSERT INTO iq_partner.taqyim (ramz_mustafid, tarikh, iqtisadi, ijtimai, nafsi)
         SELECT code, assessed::date, economic, social, psycho
         FROM unnest($1::text[], $2::text[], $3::smallint[], $4::smallint[], $5::smallint[]) AS t(code, assessed, economic, social, psycho)
         ON CONFLICT DO NOTHING`,
        // Synthetic scores are hundredths (0.57); the partner records whole points (57).
        columns(assessments, (a) => [a.code, a.assessedOn, Math.round(a.economic * 100), Math.round(a.social * 100), Math.round(a.psychosocial * 100)] as const),
      );
    }
  }
}

/**
 * The partner's lookup, in ONE statement: each beneficiary with its services, visits and latest
 * assessment aggregated by correlated subqueries into the API's JSON shape (dates as YYYYMMDD).
 */
/** The partner's health service types (medical, psychological support): the rest is assistance. */
export const HEALTH_SERVICE_TYPES: readonly string[] = Object.entries(SERVICE_TYPE_CODES)
  .filter(([, kind]) => kind === 'MEDICAL' || kind === 'PSYCHOSOCIAL')
  .map(([code]) => code);

/**
 * The beneficiaries of many EU references in ONE statement, without reading the parts left out:
 * `leaveOut` for every reference, `leaveOutFor` for particular ones. A part left out for every
 * reference is not in the statement at all; one left out for some is guarded per row (`CASE WHEN
 * m.marja_urubi = ANY($n)`, which PostgreSQL evaluates only for the rows that take it), and the
 * services are filtered per row by kind (health or assistance) in the subquery itself.
 */
export async function lookupBeneficiaries(
  db: Db,
  euRefs: readonly string[],
  leaveOut: ReadonlySet<RecordPart> = new Set(),
  leaveOutFor: ReadonlyMap<string, ReadonlySet<RecordPart>> = new Map(),
): Promise<ApiBeneficiary[]> {
  const parameters: unknown[] = [euRefs];
  const parameter = (value: unknown) => `$${parameters.push(value)}`;
  /** TRUE/FALSE when the part is read for every reference or none, else the per-row condition. */
  const readFor = (part: RecordPart): string => {
    if (leaveOut.has(part)) return 'FALSE';
    const reading = euRefs.filter((ref) => !leaveOutFor.get(ref)?.has(part));
    if (reading.length === euRefs.length) return 'TRUE';
    if (reading.length === 0) return 'FALSE';
    return `m.marja_urubi = ANY(${parameter(reading)}::text[])`;
  };
  const guarded = (when: string, sql: string, empty: string) => (when === 'TRUE' ? sql : when === 'FALSE' ? empty : `CASE WHEN ${when} THEN ${sql} ELSE ${empty} END`);
  const assistance = readFor('assistance_services');
  const health = readFor('health_services');
  const anyServices = assistance === 'TRUE' || health === 'TRUE' ? 'TRUE' : assistance === 'FALSE' ? health : health === 'FALSE' ? assistance : `(${assistance} OR ${health})`;
  let kinds = '';
  // (A parameter the statement does not use would be refused: its type cannot be inferred.)
  if (anyServices !== 'FALSE' && !(assistance === 'TRUE' && health === 'TRUE')) {
    const types = parameter(HEALTH_SERVICE_TYPES);
    const healthKinds = health === 'TRUE' ? `k.naw_khidma = ANY(${types}::text[])` : health === 'FALSE' ? null : `(k.naw_khidma = ANY(${types}::text[]) AND ${health})`;
    const assistanceKinds = assistance === 'TRUE' ? `k.naw_khidma <> ALL(${types}::text[])` : assistance === 'FALSE' ? null : `(k.naw_khidma <> ALL(${types}::text[]) AND ${assistance})`;
    kinds = `AND (${[healthKinds, assistanceKinds].filter((term) => term !== null).join(' OR ') || 'FALSE'})`;
  }
  const services = guarded(
    anyServices,
    `COALESCE((SELECT json_agg(json_build_object(
                        'service_type', k.naw_khidma, 'date', to_char(k.tarikh, 'YYYYMMDD'),
                        'amount_eur', k.mablagh_euro, 'sessions', k.jalasat) ORDER BY k.tasalsul)
                      FROM iq_partner.khidma k WHERE k.ramz_mustafid = m.ramz_mustafid
                      ${kinds}), '[]'::json)`,
    `'[]'::json`,
  );
  const visits = guarded(
    readFor('visits'),
    `COALESCE((SELECT json_agg(json_build_object(
                        'visit_date', to_char(z.tarikh, 'YYYYMMDD'), 'channel', z.wasila, 'in_country', z.fil_balad)
                        ORDER BY z.tarikh, z.tasalsul)
                      FROM iq_partner.ziyara z WHERE z.ramz_mustafid = m.ramz_mustafid), '[]'::json)`,
    `'[]'::json`,
  );
  const assessment = guarded(
    readFor('assessments'),
    `(SELECT json_build_object('date', to_char(t.tarikh, 'YYYYMMDD'), 'economic', t.iqtisadi,
                                      'social', t.ijtimai, 'psychosocial', t.nafsi)
             FROM iq_partner.taqyim t WHERE t.ramz_mustafid = m.ramz_mustafid
             ORDER BY t.tarikh DESC LIMIT 1)`,
    'NULL::json',
  );
  return db.query<ApiBeneficiary>(
    `SELECT m.ramz_mustafid AS beneficiary_code,
            m.marja_urubi AS eu_reference,
            ${services} AS services,
            ${visits} AS visits,
            ${assessment} AS latest_assessment
     FROM iq_partner.mustafid m
     WHERE m.marja_urubi = ANY($1::text[])`,
    parameters,
  );
}

/**
 * Every beneficiary's indicator values in ONE statement, for statistics: the service types
 * received, how many visits, whether the latest found the person in the country, the latest
 * assessment's scores (0-100). Aggregated into one text value (unit separator between fields,
 * record separator between beneficiaries, group separator between service types): PGlite hands
 * over one string far faster than a row per beneficiary.
 */
export async function beneficiaryIndicators(db: Db): Promise<IndicatorsResponse> {
  const [row] = await db.query<{ rows: string | null }>(
    `WITH s AS (SELECT ramz_mustafid, string_agg(DISTINCT naw_khidma, chr(29)) AS types FROM iq_partner.khidma GROUP BY ramz_mustafid),
          v AS (SELECT DISTINCT ON (ramz_mustafid) ramz_mustafid, fil_balad, count(*) OVER (PARTITION BY ramz_mustafid) AS n
                FROM iq_partner.ziyara ORDER BY ramz_mustafid, tarikh DESC, tasalsul DESC),
          t AS (SELECT DISTINCT ON (ramz_mustafid) ramz_mustafid, iqtisadi, ijtimai, nafsi FROM iq_partner.taqyim ORDER BY ramz_mustafid, tarikh DESC)
     SELECT string_agg(m.marja_urubi || chr(31) || coalesce(s.types, '') || chr(31) || coalesce(v.n, 0) || chr(31) || coalesce(v.fil_balad::text, '') || chr(31) ||
                       coalesce(t.iqtisadi::text, '') || chr(31) || coalesce(t.ijtimai::text, '') || chr(31) || coalesce(t.nafsi::text, ''), chr(30)) AS rows
     FROM iq_partner.mustafid m
     LEFT JOIN s USING (ramz_mustafid) LEFT JOIN v USING (ramz_mustafid) LEFT JOIN t USING (ramz_mustafid)`,
  );
  const out: IndicatorsResponse = { eu_references: [], service_types: [], visit_counts: [], last_in_country: [], economic: [], social: [], psychosocial: [] };
  const score = (text: string) => (text === '' ? null : Number(text));
  for (const line of row?.rows ? row.rows.split('\u001e') : []) {
    const [ref, types, visits, inCountry, economic, social, psychosocial] = line.split('\u001f') as [string, string, string, string, string, string, string];
    out.eu_references.push(ref);
    out.service_types.push(types === '' ? [] : types.split('\u001d'));
    out.visit_counts.push(Number(visits));
    out.last_in_country.push(inCountry === '' ? null : inCountry === 'true');
    out.economic.push(score(economic));
    out.social.push(score(social));
    out.psychosocial.push(score(psychosocial));
  }
  return out;
}
