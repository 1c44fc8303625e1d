/**
 * The registry: X-Road-style participants onboarded by the hub operator with their public keys and
 * remit; subgraphs published by participants, checked (lint within the remit, composition with
 * the live supergraph, breaking changes, the routing URL answering with the same SDL) and, when
 * every check passes, stored as a new supergraph version and activated — every gateway replica
 * switches (see watcher.ts). A failed check changes nothing and says exactly why. Every action is
 * audited.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphqlSync, parse, print, Kind, type DocumentNode } from 'graphql';
import type { JWK } from 'jose';
import { z } from 'zod';
import { sha256Hex, type AuditWriter } from '../../audit/index.js';
import { composeSupergraph, type CompositionProblem } from '../../schema/compose.js';
import { diffSubgraphSdl, type SchemaChange } from '../../schema/changes.js';
import { lintSubgraph } from '../../schema/lint/index.js';
import { VOCABULARY_TYPES } from '../../schema/lint/LintContext.js';
import { DATA_CATEGORIES } from '../../schema/vocabulary.js';
import type { Db } from '../../store/index.js';
import { SUPERGRAPH_CHANNEL, migrateRegistry } from './store.js';

export type ParticipantState = 'PENDING' | 'APPROVED' | 'SUSPENDED' | 'REVOKED';

export interface Participant {
  id: string;
  organisation: string;
  name: string;
  publicJwk: JWK | null;
  allowedCategories: string[];
  allowedContributions: string[];
  state: ParticipantState;
  hubOwned: boolean;
}

/** Who acts: the hub operator (verified token), a participant (verified signature), or the hub itself. */
export interface Actor {
  issuer: string;
  organisation: string;
  country: string;
  officialId: string;
  roles: string[];
}

export interface Submission {
  name: string;
  routingUrl: string;
  sdl: string;
  reason?: string | undefined;
  allowBreaking?: boolean | undefined;
}

export interface CheckReport {
  ok: boolean;
  participant: string;
  subgraph: string;
  errors: CompositionProblem[];
  changes: SchemaChange[];
}

export interface SubgraphDiff {
  subgraph: string;
  status: 'ADDED' | 'REMOVED' | 'CHANGED';
  routingUrl?: { from: string; to: string } | undefined;
  changes: SchemaChange[];
}

export interface SupergraphVersion {
  version: number;
  createdAt: string;
  createdBy: string;
  reason: string;
  subgraphs: { name: string; participant: string; routingUrl: string; subgraphVersion: number }[];
  active: boolean;
}

export type RegistryErrorCode =
  | 'HUB_REGISTRY_INVALID_REQUEST'
  | 'HUB_REGISTRY_NOT_FOUND'
  | 'HUB_REGISTRY_CONFLICT'
  | 'HUB_REGISTRY_NOT_APPROVED'
  | 'HUB_REGISTRY_CHECK_FAILED'
  | 'HUB_REGISTRY_NO_SUPERGRAPH';

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly report?: CheckReport,
  ) {
    super(message);
  }
}

const PARTICIPANT_ID = /^[A-Z]{2,3}\/[A-Z]+\/[A-Z0-9-]+\/[a-z0-9-]+$/;
const SUBGRAPH_NAME = /^[a-z][a-z0-9-]{1,40}$/;
const CONTRIBUTION = /^[A-Z][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

export const ParticipantInput = z.strictObject({
  id: z.string().regex(PARTICIPANT_ID, 'a participant is INSTANCE/CLASS/MEMBER/subsystem, e.g. NG/GOV/NG-REFERRAL-MECHANISM/referrals'),
  name: z.string().min(1).max(200),
  publicJwk: z
    .looseObject({ kty: z.enum(['OKP', 'EC', 'RSA']) })
    .refine((jwk) => !('d' in jwk) && !('k' in jwk), 'must be a public key (no private parts)'),
  allowedCategories: z.array(z.enum(DATA_CATEGORIES)).min(1),
  allowedContributions: z.array(z.string().regex(CONTRIBUTION, 'a type (Referral) or a field (Case.referrals)')).min(1),
});

export const SubmissionInput = z.strictObject({
  name: z.string().regex(SUBGRAPH_NAME, 'lower-case letters, digits and dashes, starting with a letter'),
  routingUrl: z.url({ protocol: /^https?$/ }).max(2000),
  sdl: z.string().min(1).max(1_000_000),
  reason: z.string().max(500).optional(),
  allowBreaking: z.boolean().optional(),
});

interface SubgraphRow {
  id: number;
  name: string;
  participant: string;
  routing_url: string;
  sdl: string;
}

/** Types and fields the central subgraph defines: no one else may. Entity keys stay extensible. */
export function protectedCoordinatesOf(centralSdl: string): Set<string> {
  const coordinates = new Set<string>();
  const document: DocumentNode = parse(centralSdl);
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const name = definition.name.value;
    if (VOCABULARY_TYPES.has(name) || ['Query', 'Mutation', 'Subscription'].includes(name)) continue;
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) {
      const key = definition.directives?.find((d) => d.name.value === 'key');
      if (!key) {
        coordinates.add(name);
        continue;
      }
      const keyValue = key.arguments?.find((a) => a.name.value === 'fields')?.value;
      const keys = new Set(keyValue?.kind === Kind.STRING ? keyValue.value.split(/[\s{}]+/).filter(Boolean) : []);
      for (const field of definition.fields ?? []) if (!keys.has(field.name.value)) coordinates.add(`${name}.${field.name.value}`);
    } else if (
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      definition.kind === Kind.ENUM_TYPE_DEFINITION ||
      definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.UNION_TYPE_DEFINITION
    ) {
      coordinates.add(name);
    }
  }
  return coordinates;
}

function normalise(sdl: string): string {
  return print(parse(sdl));
}

/**
 * What `_service { sdl }` answers for a subgraph built from `sdl`: the subgraph library renders
 * the schema its own way, so the probe compares like with like.
 */
function servedFormOf(sdl: string): string {
  const result = graphqlSync({ schema: buildSubgraphSchema(parse(sdl)), source: '{ _service { sdl } }' });
  const served = (result.data as { _service?: { sdl?: string } } | null | undefined)?._service?.sdl;
  if (typeof served !== 'string') throw new Error('the submitted SDL cannot be served as a subgraph');
  return normalise(served);
}

function participantOf(row: Record<string, unknown>): Participant {
  return {
    id: row.id as string,
    organisation: row.organisation as string,
    name: row.name as string,
    publicJwk: (row.public_jwk as JWK | null) ?? null,
    allowedCategories: row.allowed_categories as string[],
    allowedContributions: row.allowed_contributions as string[],
    state: row.state as ParticipantState,
    hubOwned: row.hub_owned as boolean,
  };
}

/** Asks a subgraph for its SDL (the gateway signs the request as the hub operator). */
export type SdlProbe = (name: string, routingUrl: string) => Promise<string>;

export class Registry {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter | null,
    private readonly probe: SdlProbe,
  ) {}

  migrate(): Promise<void> {
    return migrateRegistry(this.db);
  }

  async participant(id: string, db: Db = this.db): Promise<Participant | null> {
    const [row] = await db.query<Record<string, unknown>>('SELECT * FROM registry.participant WHERE id = $1', [id]);
    return row ? participantOf(row) : null;
  }

  async participants(): Promise<Participant[]> {
    return (await this.db.query<Record<string, unknown>>('SELECT * FROM registry.participant ORDER BY id')).map(participantOf);
  }

  async addParticipant(actor: Actor, input: unknown): Promise<Participant> {
    const parsed = ParticipantInput.safeParse(input);
    if (!parsed.success) throw new RegistryError('HUB_REGISTRY_INVALID_REQUEST', parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
    const p = parsed.data;
    const organisation = p.id.split('/').slice(0, 3).join('/');
    const rows = await this.db.query<Record<string, unknown>>(
      `INSERT INTO registry.participant (id, organisation, name, public_jwk, allowed_categories, allowed_contributions, state)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, 'PENDING') ON CONFLICT (id) DO NOTHING RETURNING *`,
      [p.id, organisation, p.name, JSON.stringify(p.publicJwk), p.allowedCategories, p.allowedContributions],
    );
    if (rows.length === 0) throw new RegistryError('HUB_REGISTRY_CONFLICT', `participant ${p.id} already exists`);
    await this.record(actor, 'participant.add', { participant: p.id });
    return participantOf(rows[0]!);
  }

  /**
   * PENDING → APPROVED; APPROVED ⇄ SUSPENDED; anything → REVOKED (final). Suspending or revoking
   * drops the participant's subgraphs from the supergraph at once.
   */
  async setState(actor: Actor, id: string, state: ParticipantState): Promise<{ participant: Participant; version: number | null }> {
    const allowed: Record<ParticipantState, ParticipantState[]> = {
      PENDING: ['APPROVED', 'REVOKED'],
      APPROVED: ['SUSPENDED', 'REVOKED'],
      SUSPENDED: ['APPROVED', 'REVOKED'],
      REVOKED: [],
    };
    const current = await this.participant(id);
    if (!current) throw new RegistryError('HUB_REGISTRY_NOT_FOUND', `no participant ${id}`);
    if (current.hubOwned) throw new RegistryError('HUB_REGISTRY_CONFLICT', `participant ${id} is one of the hub's own systems`);
    if (!allowed[current.state].includes(state)) throw new RegistryError('HUB_REGISTRY_CONFLICT', `participant ${id} cannot go from ${current.state} to ${state}`);
    const result = await this.db.transaction(async (tx) => {
      // Read what is served before the state changes: the list only counts approved participants.
      const active = await this.activeSubgraphs(tx);
      await tx.query('UPDATE registry.participant SET state = $2, updated_at = now() WHERE id = $1', [id, state]);
      if (state !== 'SUSPENDED' && state !== 'REVOKED') return null;
      if (!active.some((s) => s.participant === id)) return null;
      const remaining = active.filter((s) => s.participant !== id);
      const composed = composeSupergraph(remaining.map((s) => ({ name: s.name, url: s.routing_url, sdl: s.sdl })));
      if (!composed.ok) throw new RegistryError('HUB_REGISTRY_CONFLICT', `the supergraph does not compose without ${id}: ${composed.errors.map((e) => e.message).join('; ')}`);
      return this.storeVersion(tx, composed.supergraphSdl, remaining, actor, `${state.toLowerCase()} participant ${id}`);
    });
    await this.record(actor, `participant.${state.toLowerCase()}`, { participant: id, version: result });
    return { participant: (await this.participant(id))!, version: result };
  }

  /** Runs every check of a publish and changes nothing. */
  async check(participantId: string, input: unknown): Promise<CheckReport> {
    const { report } = await this.evaluate(this.db, participantId, input);
    return report;
  }

  /**
   * Checks, then (only if every check passes) stores and activates the new supergraph. The checks
   * — the routing-URL probe included — run outside any transaction; the commit then locks the
   * active version and refuses if another publish moved it meanwhile, so what was checked is what
   * gets activated.
   */
  async publish(actor: Actor, participantId: string, input: unknown): Promise<{ report: CheckReport; version: number }> {
    try {
      const { report, submission, next, basedOn } = await this.evaluate(this.db, participantId, input);
      if (!report.ok || !submission || !next) throw new RegistryError('HUB_REGISTRY_CHECK_FAILED', `subgraph ${report.subgraph} failed its checks`, report);
      const version = await this.db.transaction(async (tx) => {
        const [locked] = await tx.query<{ version: number }>('SELECT version FROM registry.active WHERE id FOR UPDATE');
        if ((locked ? Number(locked.version) : null) !== basedOn) {
          throw new RegistryError('HUB_REGISTRY_CONFLICT', 'the supergraph changed while this subgraph was being checked; publish again');
        }
        const [row] = await tx.query<{ id: number }>(
          `INSERT INTO registry.subgraph_version (name, participant, routing_url, sdl, sdl_hash, published_by, reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [submission.name, participantId, submission.routingUrl, submission.sdl, sha256Hex(normalise(submission.sdl)), actor.officialId, submission.reason ?? null],
        );
        const subgraphs = [...next.others, { id: Number(row!.id), name: submission.name, participant: participantId, routing_url: submission.routingUrl, sdl: submission.sdl }];
        return { report, version: await this.storeVersion(tx, next.supergraphSdl, subgraphs, actor, submission.reason ?? `publish ${submission.name}`) };
      });
      await this.record(actor, 'subgraph.publish', { participant: participantId, subgraph: version.report.subgraph, version: version.version });
      return version;
    } catch (error) {
      if (error instanceof RegistryError) {
        await this.record(actor, 'subgraph.publish', { participant: participantId, subgraph: error.report?.subgraph ?? null, refused: error.code }, 'REFUSED');
      }
      throw error;
    }
  }

  private async evaluate(db: Db, participantId: string, input: unknown) {
    const parsed = SubmissionInput.safeParse(input);
    const name = typeof (input as { name?: unknown })?.name === 'string' ? (input as { name: string }).name : '';
    const report: CheckReport = { ok: false, participant: participantId, subgraph: name, errors: [], changes: [] };
    if (!parsed.success) {
      report.errors.push(...parsed.error.issues.map((i) => ({ code: 'REGISTRY_INVALID_SUBMISSION', message: `${i.path.join('.') || '(payload)'}: ${i.message}` })));
      return { report, basedOn: null };
    }
    const submission = parsed.data;
    const participant = await this.participant(participantId, db);
    if (!participant) throw new RegistryError('HUB_REGISTRY_NOT_FOUND', `no participant ${participantId}`);
    if (participant.state !== 'APPROVED') throw new RegistryError('HUB_REGISTRY_NOT_APPROVED', `participant ${participantId} is ${participant.state}`);

    const owner = await db.query<{ participant: string }>('SELECT participant FROM registry.subgraph_version WHERE name = $1 AND participant <> $2 LIMIT 1', [submission.name, participantId]);
    if (owner.length > 0) report.errors.push({ code: 'REGISTRY_NAME_TAKEN', message: `subgraph name "${submission.name}" belongs to another participant` });

    const [activeRow] = await db.query<{ version: number }>('SELECT version FROM registry.active WHERE id');
    const basedOn = activeRow ? Number(activeRow.version) : null;
    const active = await this.activeSubgraphs(db);
    const central = active.find((s) => s.name === 'central');
    let document: DocumentNode | undefined;
    try {
      document = parse(submission.sdl);
    } catch (error) {
      report.errors.push({ code: 'SDL_SYNTAX_ERROR', message: (error as Error).message });
    }
    if (document) {
      const lint = {
        allowedCategories: participant.allowedCategories,
        allowedContributions: participant.allowedContributions,
        ...(central ? { protectedCoordinates: protectedCoordinatesOf(central.sdl) } : {}),
      };
      report.errors.push(...lintSubgraph(submission.name, document, lint).map((e) => ({ code: e.code, message: e.message })));
    }
    const others = active.filter((s) => s.name !== submission.name);
    let supergraphSdl: string | undefined;
    if (report.errors.length === 0) {
      const composed = composeSupergraph([...others.map((s) => ({ name: s.name, url: s.routing_url, sdl: s.sdl })), { name: submission.name, url: submission.routingUrl, sdl: submission.sdl }]);
      if (composed.ok) supergraphSdl = composed.supergraphSdl;
      else report.errors.push(...composed.errors);
    }
    // Breaking is judged against what consumers use now: the active version of this subgraph, or
    // (when it is not active, e.g. suspended) the last one published.
    const [previous] =
      active.filter((s) => s.name === submission.name && s.participant === participantId).map((s) => ({ sdl: s.sdl })).concat(
        await db.query<{ sdl: string }>('SELECT sdl FROM registry.subgraph_version WHERE name = $1 AND participant = $2 ORDER BY id DESC LIMIT 1', [submission.name, participantId]),
      );
    if (previous && document) {
      try {
        report.changes = diffSubgraphSdl(previous.sdl, submission.sdl);
      } catch (error) {
        report.errors.push({ code: 'REGISTRY_DIFF_FAILED', message: (error as Error).message });
      }
      const breaking = report.changes.filter((c) => c.breaking);
      if (breaking.length > 0 && !submission.allowBreaking) {
        report.errors.push({ code: 'REGISTRY_BREAKING_CHANGE', message: `${breaking.length} breaking change(s); publish again with allowBreaking once consumers are ready: ${breaking.map((c) => c.description).join(' ')}` });
      }
    }
    if (report.errors.length === 0) {
      try {
        const served = await this.probe(submission.name, submission.routingUrl);
        if (normalise(served) !== servedFormOf(submission.sdl)) report.errors.push({ code: 'REGISTRY_SDL_MISMATCH', message: `${submission.routingUrl} serves a different SDL from the one submitted` });
      } catch (error) {
        report.errors.push({ code: 'REGISTRY_ROUTING_UNREACHABLE', message: `${submission.routingUrl} did not answer the SDL probe: ${(error as Error).message}` });
      }
    }
    report.ok = report.errors.length === 0;
    return { report, submission, next: supergraphSdl ? { supergraphSdl, others } : undefined, basedOn };
  }

  /** The subgraphs of the active supergraph version, excluding suspended or revoked participants'. */
  private async activeSubgraphs(db: Db): Promise<SubgraphRow[]> {
    const [active] = await db.query<{ subgraphs: { id: number }[] }>(
      'SELECT v.subgraphs FROM registry.active a JOIN registry.supergraph_version v ON v.version = a.version WHERE a.id',
    );
    if (!active) return [];
    const ids = active.subgraphs.map((s) => s.id);
    return db.query<SubgraphRow>(
      `SELECT s.id, s.name, s.participant, s.routing_url, s.sdl FROM registry.subgraph_version s
       JOIN registry.participant p ON p.id = s.participant
       WHERE s.id = ANY($1) AND p.state = 'APPROVED' ORDER BY s.name`,
      [ids],
    );
  }

  private async storeVersion(db: Db, supergraphSdl: string, subgraphs: SubgraphRow[], actor: Actor, reason: string): Promise<number> {
    const [row] = await db.query<{ version: number }>(
      `INSERT INTO registry.supergraph_version (supergraph_sdl, sdl_hash, subgraphs, created_by, reason)
       VALUES ($1, $2, $3::jsonb, $4, $5) RETURNING version`,
      [supergraphSdl, sha256Hex(supergraphSdl), JSON.stringify(subgraphs.map((s) => ({ id: Number(s.id), name: s.name }))), actor.officialId, reason],
    );
    const version = Number(row!.version);
    await this.activate(db, version);
    return version;
  }

  private async activate(db: Db, version: number): Promise<void> {
    await db.query(
      `INSERT INTO registry.active (id, version, activated_at) VALUES (true, $1, now())
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, activated_at = now()`,
      [version],
    );
    // Delivered on commit to every gateway listening; pollers catch any missed.
    await db.query(`SELECT pg_notify('${SUPERGRAPH_CHANNEL}', $1)`, [String(version)]);
  }

  async active(): Promise<{ version: number; supergraphSdl: string } | null> {
    const [row] = await this.db.query<{ version: number; supergraph_sdl: string }>(
      'SELECT v.version, v.supergraph_sdl FROM registry.active a JOIN registry.supergraph_version v ON v.version = a.version WHERE a.id',
    );
    return row ? { version: Number(row.version), supergraphSdl: row.supergraph_sdl } : null;
  }

  async versions(limit = 50): Promise<SupergraphVersion[]> {
    const active = await this.active();
    const rows = await this.db.query<{ version: number; created_at: Date | string; created_by: string; reason: string; subgraphs: { id: number; name: string }[] }>(
      'SELECT version, created_at, created_by, reason, subgraphs FROM registry.supergraph_version ORDER BY version DESC LIMIT $1',
      [limit],
    );
    const ids = [...new Set(rows.flatMap((r) => r.subgraphs.map((s) => s.id)))];
    const details = new Map(
      (await this.db.query<SubgraphRow>('SELECT id, name, participant, routing_url, sdl FROM registry.subgraph_version WHERE id = ANY($1)', [ids])).map((s) => [Number(s.id), s]),
    );
    return rows.map((r) => ({
      version: Number(r.version),
      createdAt: new Date(r.created_at).toISOString(),
      createdBy: r.created_by,
      reason: r.reason,
      active: active?.version === Number(r.version),
      subgraphs: r.subgraphs.map((s) => {
        const d = details.get(Number(s.id));
        return { name: s.name, participant: d?.participant ?? '', routingUrl: d?.routing_url ?? '', subgraphVersion: Number(s.id) };
      }),
    }));
  }

  /** Per subgraph: added, removed, or changed between two supergraph versions, with the changes as data. */
  async diff(from: number, to: number): Promise<SubgraphDiff[]> {
    const load = async (version: number) => {
      const [row] = await this.db.query<{ subgraphs: { id: number; name: string }[] }>('SELECT subgraphs FROM registry.supergraph_version WHERE version = $1', [version]);
      if (!row) throw new RegistryError('HUB_REGISTRY_NOT_FOUND', `no supergraph version ${version}`);
      const rows = await this.db.query<SubgraphRow>('SELECT id, name, participant, routing_url, sdl FROM registry.subgraph_version WHERE id = ANY($1)', [row.subgraphs.map((s) => s.id)]);
      return new Map(rows.map((s) => [s.name, s]));
    };
    const [a, b] = await Promise.all([load(from), load(to)]);
    const names = [...new Set([...a.keys(), ...b.keys()])].sort();
    return names.flatMap((name): SubgraphDiff[] => {
      const before = a.get(name);
      const after = b.get(name);
      if (!before) return [{ subgraph: name, status: 'ADDED' as const, changes: [] }];
      if (!after) return [{ subgraph: name, status: 'REMOVED' as const, changes: [] }];
      if (Number(before.id) === Number(after.id)) return [];
      return [{ subgraph: name, status: 'CHANGED' as const, routingUrl: before.routing_url === after.routing_url ? undefined : { from: before.routing_url, to: after.routing_url }, changes: diffSubgraphSdl(before.sdl, after.sdl) }];
    });
  }

  /** Activates a new version equal to an earlier one (its subgraphs must still be approved). */
  async rollback(actor: Actor, toVersion: number, reason?: string): Promise<number> {
    const version = await this.db.transaction(async (tx) => {
      await tx.query('SELECT version FROM registry.active WHERE id FOR UPDATE');
      const [target] = await tx.query<{ supergraph_sdl: string; subgraphs: { id: number; name: string }[] }>('SELECT supergraph_sdl, subgraphs FROM registry.supergraph_version WHERE version = $1', [toVersion]);
      if (!target) throw new RegistryError('HUB_REGISTRY_NOT_FOUND', `no supergraph version ${toVersion}`);
      const rows = await tx.query<SubgraphRow & { state: string }>(
        'SELECT s.id, s.name, s.participant, s.routing_url, s.sdl, p.state FROM registry.subgraph_version s JOIN registry.participant p ON p.id = s.participant WHERE s.id = ANY($1)',
        [target.subgraphs.map((s) => s.id)],
      );
      const barred = rows.filter((r) => r.state !== 'APPROVED');
      if (barred.length > 0) throw new RegistryError('HUB_REGISTRY_CONFLICT', `version ${toVersion} includes subgraphs of participants no longer approved: ${barred.map((r) => r.participant).join(', ')}`);
      return this.storeVersion(tx, target.supergraph_sdl, rows, actor, reason ?? `rollback to version ${toVersion}`);
    });
    await this.record(actor, 'supergraph.rollback', { to: toVersion, version });
    return version;
  }

  /**
   * At start-up the hub registers its own systems (hub-owned participants, no signature needed)
   * and activates a supergraph of them plus every approved partner subgraph already registered.
   */
  async bootstrap(actor: Actor, own: { name: string; participant: string; url: string; sdl: string }[]): Promise<{ version: number; supergraphSdl: string }> {
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM registry.participant LIMIT 1 FOR UPDATE');
      for (const system of own) {
        await tx.query(
          `INSERT INTO registry.participant (id, organisation, name, public_jwk, allowed_categories, allowed_contributions, state, hub_owned)
           VALUES ($1, $2, $3, NULL, $4, '{}', 'APPROVED', true) ON CONFLICT (id) DO NOTHING`,
          [system.participant, system.participant.split('/').slice(0, 3).join('/'), system.name, [...DATA_CATEGORIES]],
        );
      }
      const active = await this.activeSubgraphs(tx);
      const unchanged = own.every((s) => active.some((a) => a.name === s.name && a.routing_url === s.url && normalise(a.sdl) === normalise(s.sdl)));
      if (unchanged && active.length > 0) return;
      const partners = active.filter((a) => !own.some((s) => s.name === a.name));
      const mine: SubgraphRow[] = [];
      for (const system of own) {
        const [row] = await tx.query<{ id: number }>(
          `INSERT INTO registry.subgraph_version (name, participant, routing_url, sdl, sdl_hash, published_by, reason)
           VALUES ($1, $2, $3, $4, $5, $6, 'hub start-up') RETURNING id`,
          [system.name, system.participant, system.url, system.sdl, sha256Hex(normalise(system.sdl)), actor.officialId],
        );
        mine.push({ id: Number(row!.id), name: system.name, participant: system.participant, routing_url: system.url, sdl: system.sdl });
      }
      const all = [...mine, ...partners];
      let composed = composeSupergraph(all.map((s) => ({ name: s.name, url: s.routing_url, sdl: s.sdl })));
      let included = all;
      if (!composed.ok && partners.length > 0) {
        // The hub must start: without the partners if they no longer compose with its own systems.
        composed = composeSupergraph(mine.map((s) => ({ name: s.name, url: s.routing_url, sdl: s.sdl })));
        included = mine;
      }
      if (!composed.ok) throw new Error(`the hub's own subgraphs do not compose: ${composed.errors.map((e) => `[${e.code}] ${e.message}`).join('; ')}`);
      await this.storeVersion(tx, composed.supergraphSdl, included, actor, 'hub start-up');
    });
    const active = await this.active();
    if (!active) throw new RegistryError('HUB_REGISTRY_NO_SUPERGRAPH', 'no active supergraph');
    return active;
  }

  private async record(actor: Actor, action: string, details: Record<string, unknown>, outcome: 'OK' | 'REFUSED' = 'OK'): Promise<void> {
    if (!this.audit) return;
    await this.audit.append({
      v: 2,
      kind: 'REGISTRY',
      time: new Date().toISOString(),
      requestId: `registry-${sha256Hex(`${action}${JSON.stringify(details)}${Date.now()}${Math.random()}`).slice(0, 24)}`,
      caller: { issuer: actor.issuer, organisation: actor.organisation, country: actor.country, officialId: actor.officialId, roles: actor.roles },
      purpose: 'OPERATIONS',
      operation: { type: 'registry', name: action, hash: sha256Hex(JSON.stringify(details)) },
      outcome,
      subgraphs: [],
      cases: [],
      accesses: [],
      paths: [],
      incidents: [],
      registry: { action, ...details },
      requestHash: sha256Hex(JSON.stringify(details)),
      responseHash: sha256Hex(outcome),
    });
  }
}
