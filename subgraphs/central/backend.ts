/**
 * The central store's case index: EU case reference → owning Member State, country of origin,
 * status in the continuum, assigned partner, participating systems. SYNTHETIC seed data.
 * Consent records and the access log join this schema in later migrations.
 */
import { migrate, type Db, type Migration } from '../../store/index.js';
import { SYNTHETIC_ORGANISATIONS, syntheticConsents, syntheticTransferBases, type SyntheticCase } from '../kit/synthetic.js';
import { participatingSystemsOf } from './participants.js';

export const CENTRAL_SCHEMA = 'central';

/** Central's migrations, in order. Never edit one once released: add the next. */
export const CENTRAL_MIGRATIONS: readonly Migration[] = [
  {
    id: '001_case_index',
    sql: `
      CREATE SCHEMA IF NOT EXISTS central;
      CREATE TABLE central.organisation (
        id text PRIMARY KEY,
        name text NOT NULL,
        country text NOT NULL,
        kind text NOT NULL
      );
      CREATE TABLE central.case_index (
        ref text PRIMARY KEY,
        owning_member_state char(2) NOT NULL,
        country_of_origin char(2) NOT NULL,
        status text NOT NULL,
        return_type text NOT NULL,
        opened_on date NOT NULL,
        returned_on date,
        assigned_partner text REFERENCES central.organisation(id),
        participating_systems text[] NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX case_index_coo ON central.case_index (country_of_origin, ref);
      CREATE INDEX case_index_ms ON central.case_index (owning_member_state, ref);
      CREATE INDEX case_index_updated ON central.case_index (updated_at);
      COMMENT ON TABLE central.case_index IS 'Seeded with SYNTHETIC cases; no real person.';
    `,
  },
  {
    id: '002_consent_and_transfers',
    sql: `
      -- Consents of the data subject: scope = recipient organisation, categories, purposes,
      -- validity window; evidence is referenced by hash, never stored here.
      CREATE TABLE central.consent (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_ref text NOT NULL REFERENCES central.case_index(ref),
        recipient text NOT NULL REFERENCES central.organisation(id),
        categories text[] NOT NULL,
        purposes text[] NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz,
        evidence_hash text NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        withdrawn_at timestamptz,
        withdrawn_by text
      );
      CREATE INDEX consent_case ON central.consent (case_ref);
      -- GDPR Chapter V: the recorded basis for sending a Member State's case data to a
      -- recipient outside the EU/EEA.
      CREATE TABLE central.transfer_basis (
        exporter_member_state char(2) NOT NULL,
        recipient text NOT NULL REFERENCES central.organisation(id),
        instrument text NOT NULL,
        reference text NOT NULL,
        valid_from date NOT NULL,
        valid_until date,
        PRIMARY KEY (exporter_member_state, recipient)
      );
    `,
  },
  {
    id: '003_transfer_basis_lifecycle',
    sql: `
      -- Transfer bases are recorded and revoked through the typed API (docs/POLICY.md): each
      -- gets an identity and keeps who recorded and revoked it, and a revoked basis stays as
      -- history. A pair may hold a new basis next to an expired or revoked one.
      ALTER TABLE central.transfer_basis DROP CONSTRAINT transfer_basis_pkey;
      ALTER TABLE central.transfer_basis ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
      ALTER TABLE central.transfer_basis ADD PRIMARY KEY (id);
      ALTER TABLE central.transfer_basis
        ADD COLUMN recorded_by text,
        ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN revoked_at timestamptz,
        ADD COLUMN revoked_by text;
      -- Bases written in SQL named their instrument in words; the article decides its code. A
      -- basis naming none of Art. 45, 46 or 49 fails the check below: classify it by hand first.
      UPDATE central.transfer_basis SET instrument = CASE
        WHEN instrument ~ 'Art\\. ?45' THEN 'ADEQUACY_DECISION'
        WHEN instrument ~ 'Art\\. ?46' THEN 'APPROPRIATE_SAFEGUARDS'
        WHEN instrument ~ 'Art\\. ?49' THEN 'DEROGATION'
        ELSE instrument END;
      ALTER TABLE central.transfer_basis ADD CONSTRAINT transfer_basis_instrument
        CHECK (instrument IN ('ADEQUACY_DECISION', 'APPROPRIATE_SAFEGUARDS', 'DEROGATION'));
      ALTER TABLE central.transfer_basis ADD CONSTRAINT transfer_basis_window
        CHECK (valid_until IS NULL OR valid_until >= valid_from);
      CREATE INDEX transfer_basis_pair ON central.transfer_basis (exporter_member_state, recipient) WHERE revoked_at IS NULL;
    `,
  },
  {
    id: '004_facts_version',
    sql: `
      -- Gateways cache decision facts (facts/cache.ts). Every statement that changes a table they
      -- are read from bumps one version, in the writer's own transaction, and notifies the
      -- change on channel continuum_facts: whoever writes (resolvers, seeding, the registry, the
      -- admin CLI, an operator in psql) invalidates the caches. The single row serialises the
      -- versions in commit order, so notifications arrive in version order and a gap means one was lost.
      CREATE TABLE central.facts_version (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        version bigint NOT NULL
      );
      INSERT INTO central.facts_version (version) VALUES (0);
      -- Payload: "<version> c <refs>" (cases), "<version> t <recipients>" (transfer bases) or
      -- "<version> *" (everything: truncation, or more keys than a notification carries).
      CREATE FUNCTION central.facts_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        v bigint;
        keys text;
        n int;
        kind text := CASE WHEN TG_TABLE_NAME = 'transfer_basis' THEN 't' ELSE 'c' END;
      BEGIN
        UPDATE central.facts_version SET version = version + 1 RETURNING version INTO v;
        IF TG_OP = 'TRUNCATE' THEN
          keys := NULL;
        ELSIF TG_TABLE_NAME = 'case_index' THEN
          IF TG_OP = 'INSERT' THEN SELECT count(*), string_agg(DISTINCT ref, ',') INTO n, keys FROM (SELECT ref FROM new_rows LIMIT 201) r;
          ELSIF TG_OP = 'DELETE' THEN SELECT count(*), string_agg(DISTINCT ref, ',') INTO n, keys FROM (SELECT ref FROM old_rows LIMIT 201) r;
          ELSE SELECT count(*), string_agg(DISTINCT ref, ',') INTO n, keys FROM (SELECT ref FROM old_rows UNION SELECT ref FROM new_rows LIMIT 201) r;
          END IF;
        ELSIF TG_TABLE_NAME = 'consent' THEN
          IF TG_OP = 'INSERT' THEN SELECT count(*), string_agg(DISTINCT ref, ',') INTO n, keys FROM (SELECT DISTINCT case_ref AS ref FROM new_rows LIMIT 201) r;
          ELSIF TG_OP = 'DELETE' THEN SELECT count(*), string_agg(DISTINCT ref, ',') INTO n, keys FROM (SELECT DISTINCT case_ref AS ref FROM old_rows LIMIT 201) r;
          ELSE SELECT count(*), string_agg(DISTINCT ref, ',') INTO n, keys FROM (SELECT case_ref AS ref FROM old_rows UNION SELECT case_ref FROM new_rows LIMIT 201) r;
          END IF;
        ELSE
          IF TG_OP = 'INSERT' THEN SELECT count(*), string_agg(DISTINCT ref, ',') INTO n, keys FROM (SELECT DISTINCT recipient AS ref FROM new_rows LIMIT 201) r;
          ELSIF TG_OP = 'DELETE' THEN SELECT count(*), string_agg(DISTINCT ref, ',') INTO n, keys FROM (SELECT DISTINCT recipient AS ref FROM old_rows LIMIT 201) r;
          ELSE SELECT count(*), string_agg(DISTINCT ref, ',') INTO n, keys FROM (SELECT recipient AS ref FROM old_rows UNION SELECT recipient FROM new_rows LIMIT 201) r;
          END IF;
        END IF;
        IF keys IS NULL AND TG_OP <> 'TRUNCATE' AND n = 0 THEN
          keys := '';
        END IF;
        IF keys IS NULL OR n > 200 OR length(keys) > 7000 THEN
          PERFORM pg_notify('continuum_facts', v || ' *');
        ELSE
          PERFORM pg_notify('continuum_facts', v || ' ' || kind || ' ' || keys);
        END IF;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER case_index_facts_insert AFTER INSERT ON central.case_index REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION central.facts_changed();
      CREATE TRIGGER case_index_facts_update AFTER UPDATE ON central.case_index REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION central.facts_changed();
      CREATE TRIGGER case_index_facts_delete AFTER DELETE ON central.case_index REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION central.facts_changed();
      CREATE TRIGGER case_index_facts_truncate AFTER TRUNCATE ON central.case_index FOR EACH STATEMENT EXECUTE FUNCTION central.facts_changed();
      CREATE TRIGGER consent_facts_insert AFTER INSERT ON central.consent REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION central.facts_changed();
      CREATE TRIGGER consent_facts_update AFTER UPDATE ON central.consent REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION central.facts_changed();
      CREATE TRIGGER consent_facts_delete AFTER DELETE ON central.consent REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION central.facts_changed();
      CREATE TRIGGER consent_facts_truncate AFTER TRUNCATE ON central.consent FOR EACH STATEMENT EXECUTE FUNCTION central.facts_changed();
      CREATE TRIGGER transfer_basis_facts_insert AFTER INSERT ON central.transfer_basis REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION central.facts_changed();
      CREATE TRIGGER transfer_basis_facts_update AFTER UPDATE ON central.transfer_basis REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION central.facts_changed();
      CREATE TRIGGER transfer_basis_facts_delete AFTER DELETE ON central.transfer_basis REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION central.facts_changed();
      CREATE TRIGGER transfer_basis_facts_truncate AFTER TRUNCATE ON central.transfer_basis FOR EACH STATEMENT EXECUTE FUNCTION central.facts_changed();
    `,
  },
];

export async function migrateCentral(db: Db): Promise<void> {
  await migrate(db, 'central', CENTRAL_MIGRATIONS);
}

/** The instrument code of a basis described in words, by the GDPR article it names. */
function instrumentOf(description: string): string {
  const article = /Art\. ?(45|46|49)/.exec(description)?.[1];
  if (article === '45') return 'ADEQUACY_DECISION';
  if (article === '46') return 'APPROPRIATE_SAFEGUARDS';
  if (article === '49') return 'DEROGATION';
  throw new Error(`synthetic transfer basis names no GDPR article 45, 46 or 49: ${description}`);
}

export async function isCentralSeeded(db: Db): Promise<boolean> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM central.case_index');
  return (rows[0]?.n ?? 0) > 0;
}

/** Multi-row insert: one statement per chunk, so 100,000 cases seed in seconds. */
export async function seedCentral(db: Db, cases: readonly SyntheticCase[]): Promise<void> {
  if (cases.length === 0) return;
  await db.query(
    `INSERT INTO central.organisation (id, name, country, kind)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT (id) DO NOTHING`,
    [
      SYNTHETIC_ORGANISATIONS.map((o) => o.id),
      SYNTHETIC_ORGANISATIONS.map((o) => o.name),
      SYNTHETIC_ORGANISATIONS.map((o) => o.country),
      SYNTHETIC_ORGANISATIONS.map((o) => o.kind),
    ],
  );
  await db.query(
    `INSERT INTO central.case_index
       (ref, owning_member_state, country_of_origin, status, return_type, opened_on, returned_on,
        assigned_partner, participating_systems, updated_at)
     SELECT ref, ms, coo, status, rt, opened::date, returned::date, partner,
            string_to_array(systems, ','), updated::timestamptz
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
       AS t(ref, ms, coo, status, rt, opened, returned, partner, systems, updated)`,
    [
      cases.map((c) => c.ref),
      cases.map((c) => c.owningMemberState),
      cases.map((c) => c.countryOfOrigin),
      cases.map((c) => c.status),
      cases.map((c) => c.returnType),
      cases.map((c) => c.openedOn),
      cases.map((c) => c.returnedOn),
      cases.map((c) => c.assignedPartner),
      cases.map((c) => participatingSystemsOf(c).join(',')),
      cases.map((c) => c.updatedAt),
    ],
  );
  const bases = syntheticTransferBases();
  // Seeding runs once per chunk of cases: the bases go in with the first chunk only.
  await db.query(
    `INSERT INTO central.transfer_basis (exporter_member_state, recipient, instrument, reference, valid_from, recorded_by)
     SELECT e, r, i, ref, DATE '2024-01-01', 'synthetic-seed' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(e, r, i, ref)
     WHERE NOT EXISTS (SELECT 1 FROM central.transfer_basis x WHERE x.exporter_member_state = t.e AND x.recipient = t.r)`,
    [bases.map((b) => b.exporter), bases.map((b) => b.recipient), bases.map((b) => instrumentOf(b.instrument)), bases.map((b) => b.reference)],
  );
  const consents = cases.flatMap((c) => syntheticConsents(c).map((consent) => ({ ref: c.ref, from: c.openedOn, ...consent })));
  if (consents.length === 0) return;
  await db.query(
    `INSERT INTO central.consent (case_ref, recipient, categories, purposes, valid_from, evidence_hash, recorded_by)
     SELECT ref, recipient, string_to_array(categories, ','), string_to_array(purposes, ','), valid_from::timestamptz,
            encode(sha256(convert_to('synthetic consent form ' || ref || ' ' || recipient, 'UTF8')), 'hex'), 'synthetic-seed'
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(ref, recipient, categories, purposes, valid_from)`,
    [
      consents.map((c) => c.ref),
      consents.map((c) => c.recipient),
      consents.map((c) => c.categories.join(',')),
      consents.map((c) => c.purposes.join(',')),
      consents.map((c) => c.from),
    ],
  );
}
