/**
 * The registry's tables (schema `registry`, in the central store): participants with their public
 * keys and remit, every subgraph version ever published, every supergraph version ever composed,
 * the one active supergraph, and held versions waiting for the hub operator. Activating a
 * version notifies every gateway replica.
 */
import { migrate, type Db } from '../../store/index.js';

export const SUPERGRAPH_CHANNEL = 'continuum_supergraph';

export async function migrateRegistry(db: Db): Promise<void> {
  await migrate(db, 'registry', [
    {
      id: '001_registry',
      sql: `
        CREATE SCHEMA IF NOT EXISTS registry;
        CREATE TABLE registry.participant (
          id text PRIMARY KEY,
          organisation text NOT NULL,
          name text NOT NULL,
          public_jwk jsonb,
          allowed_categories text[] NOT NULL,
          allowed_contributions text[] NOT NULL,
          state text NOT NULL CHECK (state IN ('PENDING', 'APPROVED', 'SUSPENDED', 'REVOKED')),
          hub_owned boolean NOT NULL DEFAULT false,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE registry.subgraph_version (
          id bigserial PRIMARY KEY,
          name text NOT NULL,
          participant text NOT NULL REFERENCES registry.participant(id),
          routing_url text NOT NULL,
          sdl text NOT NULL,
          sdl_hash text NOT NULL,
          published_at timestamptz NOT NULL DEFAULT now(),
          published_by text NOT NULL,
          reason text
        );
        CREATE INDEX subgraph_version_name ON registry.subgraph_version (name, id);
        CREATE TABLE registry.supergraph_version (
          version bigserial PRIMARY KEY,
          supergraph_sdl text NOT NULL,
          sdl_hash text NOT NULL,
          subgraphs jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          created_by text NOT NULL,
          reason text NOT NULL
        );
        CREATE TABLE registry.active (
          id boolean PRIMARY KEY DEFAULT true CHECK (id),
          version bigint NOT NULL REFERENCES registry.supergraph_version(version),
          activated_at timestamptz NOT NULL DEFAULT now()
        );
        -- Signed publish requests already seen: a captured request cannot be replayed.
        CREATE TABLE registry.seen_request (
          digest text PRIMARY KEY,
          seen_at timestamptz NOT NULL DEFAULT now()
        );
      `,
    },
    {
      // Held versions: a publish that breaks consumers or widens who may see a field waits for
      // the hub operator (docs/ARCHITECTURE.md, "Registry"). NULL: never held.
      id: '002_held_versions',
      sql: `
        ALTER TABLE registry.supergraph_version
          ADD COLUMN hold text CHECK (hold IN ('HELD', 'APPROVED', 'REJECTED')),
          ADD COLUMN based_on bigint,
          ADD COLUMN changes jsonb,
          ADD COLUMN decided_by text,
          ADD COLUMN decided_at timestamptz;
        ALTER TABLE registry.subgraph_version
          ADD COLUMN hold text CHECK (hold IN ('HELD', 'APPROVED', 'REJECTED')),
          ADD COLUMN replaces bigint;
      `,
    },
  ]);
}
