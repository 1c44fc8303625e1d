/**
 * The registry: X-Road-style participants onboarded by the hub operator with their public keys and
 * remit; subgraphs published by participants, checked (lint within the remit, composition with
 * the live supergraph, breaking changes, the routing URL answering with the same SDL: checks.ts)
 * and, when every check passes, stored as a new supergraph version and activated — every gateway
 * replica switches (see watcher.ts). A publish that breaks consumers or widens who may see a field
 * is stored as a held version instead, activated only when the hub operator approves it. A failed
 * check changes nothing and says exactly why. Every action is audited with what it changed, the
 * hub's own start-up registration included.
 */
import { parse, Kind, type DocumentNode } from 'graphql';
import type { JWK } from 'jose';
import { z } from 'zod';
import { sha256Hex, type AuditWriter } from '../../audit/index.js';
import type { Policy } from '../../auth/policy.js';
import type { CompositionProblem } from '../../schema/compose.js';
import { diffSubgraphSdl, type CategoryClassifier, type SchemaChange } from '../../schema/changes.js';
import { VOCABULARY_TYPES } from '../../schema/lint/LintContext.js';
import { DATA_CATEGORIES } from '../../contract/index.js';
import type { Db } from '../../store/index.js';
import { categoryClassifier } from './audience.js';
import { composeRows, normalise, runRegistryChecks, type CheckContext, type SubgraphRow } from './checks.js';
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
  /** Why the version waits for the hub operator's approval (empty: it activates at once). */
  approvals: CompositionProblem[];
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
  /** HELD (waiting for the hub operator), APPROVED or REJECTED; null when it was never held. */
  hold: 'HELD' | 'APPROVED' | 'REJECTED' | null;
  /** For a held version: the changes the hub operator approves or rejects. */
  changes?: SchemaChange[] | undefined;
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

export interface PublishResult {
  report: CheckReport;
  version: number;
  /** True when the version waits for the hub operator (`subgraph approve --version V`). */
  held: boolean;
}

export interface Decision {
  /** The held version decided on. */
  held: number;
  /** The version now active (approval), or null (rejection). */
  version: number | null;
  participant: string;
  subgraph: string;
  changes: SchemaChange[];
}

type Hold = 'HELD' | 'APPROVED' | 'REJECTED';

export class Registry {
  private readonly classify: CategoryClassifier | undefined;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter | null,
    private readonly probe: SdlProbe,
    /** Judges category changes (who gains or loses a field); without it every one counts as both. */
    policy?: Policy,
  ) {
    this.classify = policy ? categoryClassifier(policy) : undefined;
  }

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
    const claimed = (input as { id?: unknown } | null)?.id;
    const participant = typeof claimed === 'string' && PARTICIPANT_ID.test(claimed) ? claimed : null;
    return this.refusalsRecorded(actor, 'participant.add', { participant }, () => this.insertParticipant(actor, input));
  }

  private async insertParticipant(actor: Actor, input: unknown): Promise<Participant> {
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
   * PENDING → APPROVED; APPROVED ⇄ SUSPENDED; anything → REVOKED (final). Suspending keeps the
   * participant's subgraphs in the schema but routes them to the suspension marker (their fields
   * answer null with HUB_SUBGRAPH_SUSPENDED, the subgraph is never called); approving it again
   * restores them; revoking drops them from the supergraph. Each takes effect at once.
   */
  async setState(actor: Actor, id: string, state: ParticipantState): Promise<{ participant: Participant; version: number | null }> {
    return this.refusalsRecorded(actor, `participant.${state.toLowerCase()}`, { participant: PARTICIPANT_ID.test(id) ? id : null }, () => this.changeState(actor, id, state));
  }

  private async changeState(actor: Actor, id: string, state: ParticipantState): Promise<{ participant: Participant; version: number | null }> {
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
      await tx.query('SELECT version FROM registry.active WHERE id FOR UPDATE');
      await tx.query('UPDATE registry.participant SET state = $2, updated_at = now() WHERE id = $1', [id, state]);
      // Read what is served after the change: suspended participants' subgraphs under the marker, revoked ones gone.
      const served = await this.activeSubgraphs(tx);
      const touched = state === 'REVOKED' ? await this.servedIncluding(tx, id) : served.some((s) => s.participant === id);
      if (!touched) return null;
      const composed = composeRows(served);
      if (!composed.ok) throw new RegistryError('HUB_REGISTRY_CONFLICT', `the supergraph does not compose without ${id}: ${composed.errors.map((e) => e.message).join('; ')}`);
      const reason = state === 'APPROVED' ? `re-approve participant ${id}` : `${state.toLowerCase()} participant ${id}`;
      return this.storeVersion(tx, composed.supergraphSdl, served, actor, reason);
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
   * Checks, then (only if every check passes) stores the new supergraph: active at once, or held
   * for the hub operator when a check asks for approval. The checks — the routing-URL probe
   * included — run outside any transaction; the commit then locks the active version and refuses
   * if another publish moved it meanwhile, so what was checked is what gets stored.
   */
  async publish(actor: Actor, participantId: string, input: unknown): Promise<PublishResult> {
    try {
      const { report, submission, next, basedOn, previous } = await this.evaluate(this.db, participantId, input);
      if (!report.ok || !submission || !next) throw new RegistryError('HUB_REGISTRY_CHECK_FAILED', `subgraph ${report.subgraph} failed its checks`, report);
      const held = report.approvals.length > 0;
      const stored = await this.db.transaction(async (tx) => {
        const [locked] = await tx.query<{ version: number }>('SELECT version FROM registry.active WHERE id FOR UPDATE');
        if ((locked ? Number(locked.version) : null) !== basedOn) {
          throw new RegistryError('HUB_REGISTRY_CONFLICT', 'the supergraph changed while this subgraph was being checked; publish again');
        }
        const [row] = await tx.query<{ id: number }>(
          `INSERT INTO registry.subgraph_version (name, participant, routing_url, sdl, sdl_hash, published_by, reason, hold, replaces)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [submission.name, participantId, submission.routingUrl, submission.sdl, sha256Hex(normalise(submission.sdl)), actor.officialId, submission.reason ?? null, held ? 'HELD' : null, previous?.served ? previous.id : null],
        );
        const subgraphs = [...next.others, { id: Number(row!.id), name: submission.name, participant: participantId, routing_url: submission.routingUrl, sdl: submission.sdl }];
        const reason = submission.reason ?? `publish ${submission.name}`;
        const version = await this.storeVersion(tx, next.supergraphSdl, subgraphs, actor, reason, held ? { basedOn, changes: report.changes } : undefined);
        return { subgraphVersion: Number(row!.id), version };
      });
      await this.record(
        actor,
        'subgraph.publish',
        { participant: participantId, subgraph: report.subgraph, version: stored.version, subgraphVersion: stored.subgraphVersion, held, changes: report.changes },
        'OK',
        held ? 'HUB_REGISTRY_HELD' : undefined,
      );
      return { report, version: stored.version, held };
    } catch (error) {
      if (error instanceof RegistryError) {
        await this.record(actor, 'subgraph.publish', { participant: participantId, subgraph: error.report?.subgraph ?? null, refused: error.code, changes: error.report?.changes ?? [] }, 'REFUSED', error.code);
      }
      throw error;
    }
  }

  /**
   * The hub operator activates a held version. Refused when its participant is no longer
   * approved, or when the subgraph it replaces changed since it was held (the changes approved
   * would not be the changes made: the partner publishes again). When other subgraphs changed
   * meanwhile, the held subgraph is composed with them into a new version.
   */
  async approve(actor: Actor, heldVersion: number, reason?: string): Promise<Decision> {
    return this.decide(actor, heldVersion, 'APPROVED', reason);
  }

  /** The hub operator turns a held version down; nothing is served from it, ever. */
  async reject(actor: Actor, heldVersion: number, reason?: string): Promise<Decision> {
    return this.decide(actor, heldVersion, 'REJECTED', reason);
  }

  private async decide(actor: Actor, heldVersion: number, decision: 'APPROVED' | 'REJECTED', reason?: string): Promise<Decision> {
    const action = decision === 'APPROVED' ? 'subgraph.approve' : 'subgraph.reject';
    let known: Pick<Decision, 'participant' | 'subgraph' | 'changes'> = { participant: '', subgraph: '', changes: [] };
    try {
      const result = await this.db.transaction(async (tx): Promise<Decision> => {
        const [locked] = await tx.query<{ version: number }>('SELECT version FROM registry.active WHERE id FOR UPDATE');
        const [held] = await tx.query<{ hold: Hold | null; based_on: number | null; changes: SchemaChange[] | null; subgraphs: { id: number }[]; supergraph_sdl: string }>(
          'SELECT hold, based_on, changes, subgraphs, supergraph_sdl FROM registry.supergraph_version WHERE version = $1 FOR UPDATE',
          [heldVersion],
        );
        if (!held) throw new RegistryError('HUB_REGISTRY_NOT_FOUND', `no supergraph version ${heldVersion}`);
        const [row] = await tx.query<SubgraphRow & { replaces: number | null }>(
          "SELECT id, name, participant, routing_url, sdl, replaces FROM registry.subgraph_version WHERE id = ANY($1) AND hold = 'HELD'",
          [held.subgraphs.map((s) => s.id)],
        );
        if (row) known = { participant: row.participant, subgraph: row.name, changes: held.changes ?? [] };
        if (held.hold !== 'HELD' || !row) throw new RegistryError('HUB_REGISTRY_CONFLICT', `supergraph version ${heldVersion} is not held${held.hold ? ` (it was ${held.hold.toLowerCase()})` : ''}`);
        let version: number | null = null;
        if (decision === 'APPROVED') {
          const participant = await this.participant(row.participant, tx);
          if (participant?.state !== 'APPROVED') throw new RegistryError('HUB_REGISTRY_CONFLICT', `participant ${row.participant} is ${participant?.state ?? 'gone'}; version ${heldVersion} cannot be approved`);
          const served = await this.activeSubgraphs(tx);
          const current = served.find((s) => s.name === row.name);
          if ((current ? Number(current.id) : null) !== (row.replaces === null ? null : Number(row.replaces))) {
            throw new RegistryError('HUB_REGISTRY_CONFLICT', `subgraph ${row.name} changed since version ${heldVersion} was held; the participant publishes again`);
          }
          if (locked && Number(locked.version) === Number(held.based_on)) {
            await this.activate(tx, heldVersion);
            version = heldVersion;
          } else {
            const subgraphs = [...served.filter((s) => s.name !== row.name), row];
            const composed = composeRows(subgraphs);
            if (!composed.ok) throw new RegistryError('HUB_REGISTRY_CONFLICT', `version ${heldVersion} no longer composes with the live supergraph: ${composed.errors.map((e) => e.message).join('; ')}`);
            version = await this.storeVersion(tx, composed.supergraphSdl, subgraphs, actor, reason ?? `approve held version ${heldVersion}`);
          }
        }
        await tx.query('UPDATE registry.supergraph_version SET hold = $2, decided_by = $3, decided_at = now() WHERE version = $1', [heldVersion, decision, actor.officialId]);
        await tx.query('UPDATE registry.subgraph_version SET hold = $2 WHERE id = $1', [row.id, decision]);
        return { held: heldVersion, version, ...known };
      });
      await this.record(actor, action, { ...result, reason: reason ?? null });
      return result;
    } catch (error) {
      if (error instanceof RegistryError) await this.record(actor, action, { held: heldVersion, ...known, refused: error.code }, 'REFUSED', error.code);
      throw error;
    }
  }

  private async evaluate(db: Db, participantId: string, input: unknown) {
    const parsed = SubmissionInput.safeParse(input);
    const name = typeof (input as { name?: unknown })?.name === 'string' ? (input as { name: string }).name : '';
    const report: CheckReport = { ok: false, participant: participantId, subgraph: name, errors: [], changes: [], approvals: [] };
    if (!parsed.success) {
      report.errors.push(...parsed.error.issues.map((i) => ({ code: 'REGISTRY_INVALID_SUBMISSION', message: `${i.path.join('.') || '(payload)'}: ${i.message}` })));
      return { report, basedOn: null, previous: null };
    }
    const submission = parsed.data;
    const participant = await this.participant(participantId, db);
    if (!participant) throw new RegistryError('HUB_REGISTRY_NOT_FOUND', `no participant ${participantId}`);
    if (participant.state !== 'APPROVED') throw new RegistryError('HUB_REGISTRY_NOT_APPROVED', `participant ${participantId} is ${participant.state}`);

    const owner = await db.query<{ participant: string }>('SELECT participant FROM registry.subgraph_version WHERE name = $1 AND participant <> $2 LIMIT 1', [submission.name, participantId]);
    const [activeRow] = await db.query<{ version: number }>('SELECT version FROM registry.active WHERE id');
    const basedOn = activeRow ? Number(activeRow.version) : null;
    const served = await this.activeSubgraphs(db);
    const central = served.find((s) => s.name === 'central');
    // Breaking is judged against what consumers use now: the served version of this subgraph, or
    // (when it is not served, e.g. rolled back past) the last one that was ever activated.
    const current = served.find((s) => s.name === submission.name && s.participant === participantId);
    const [lastActivated] = current
      ? []
      : await db.query<SubgraphRow>(
          "SELECT id, name, participant, routing_url, sdl FROM registry.subgraph_version WHERE name = $1 AND participant = $2 AND (hold IS NULL OR hold = 'APPROVED') ORDER BY id DESC LIMIT 1",
          [submission.name, participantId],
        );
    const previous = current ? { ...current, served: true } : lastActivated ? { ...lastActivated, served: false } : null;
    const context: CheckContext = {
      participant: participantId,
      submission,
      lint: {
        allowedCategories: participant.allowedCategories,
        allowedContributions: participant.allowedContributions,
        ...(central ? { protectedCoordinates: protectedCoordinatesOf(central.sdl) } : {}),
      },
      others: served.filter((s) => s.name !== submission.name),
      previous,
      nameTaken: owner.length > 0,
      classify: this.classify,
      probe: this.probe,
      changes: [],
      errors: report.errors,
      approvals: report.approvals,
    };
    await runRegistryChecks(context);
    report.changes = context.changes;
    report.ok = report.errors.length === 0;
    return { report, submission, next: context.supergraphSdl ? { supergraphSdl: context.supergraphSdl, others: context.others } : undefined, basedOn, previous };
  }

  /**
   * The subgraphs the active supergraph version serves: approved participants' as they are,
   * suspended participants' marked (composed under the suspension marker), revoked ones' left out.
   */
  private async activeSubgraphs(db: Db): Promise<SubgraphRow[]> {
    const [active] = await db.query<{ subgraphs: { id: number }[] }>(
      'SELECT v.subgraphs FROM registry.active a JOIN registry.supergraph_version v ON v.version = a.version WHERE a.id',
    );
    if (!active) return [];
    return this.servedRows(db, active.subgraphs.map((s) => s.id));
  }

  private async servedRows(db: Db, ids: number[]): Promise<SubgraphRow[]> {
    const rows = await db.query<SubgraphRow & { state: ParticipantState }>(
      `SELECT s.id, s.name, s.participant, s.routing_url, s.sdl, p.state FROM registry.subgraph_version s
       JOIN registry.participant p ON p.id = s.participant
       WHERE s.id = ANY($1) AND p.state IN ('APPROVED', 'SUSPENDED') ORDER BY s.name`,
      [ids],
    );
    return rows.map(({ state, ...row }) => ({ ...row, id: Number(row.id), suspended: state === 'SUSPENDED' }));
  }

  /** Whether the active version includes a subgraph of `participant` (whatever its state now). */
  private async servedIncluding(db: Db, participant: string): Promise<boolean> {
    const [active] = await db.query<{ subgraphs: { id: number }[] }>(
      'SELECT v.subgraphs FROM registry.active a JOIN registry.supergraph_version v ON v.version = a.version WHERE a.id',
    );
    if (!active) return false;
    const rows = await db.query('SELECT 1 FROM registry.subgraph_version WHERE id = ANY($1) AND participant = $2 LIMIT 1', [active.subgraphs.map((s) => s.id), participant]);
    return rows.length > 0;
  }

  private async storeVersion(
    db: Db,
    supergraphSdl: string,
    subgraphs: SubgraphRow[],
    actor: Actor,
    reason: string,
    hold?: { basedOn: number | null; changes: SchemaChange[] },
  ): Promise<number> {
    const [row] = await db.query<{ version: number }>(
      `INSERT INTO registry.supergraph_version (supergraph_sdl, sdl_hash, subgraphs, created_by, reason, hold, based_on, changes)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8::jsonb) RETURNING version`,
      [
        supergraphSdl,
        sha256Hex(supergraphSdl),
        JSON.stringify(subgraphs.map((s) => ({ id: Number(s.id), name: s.name }))),
        actor.officialId,
        reason,
        hold ? 'HELD' : null,
        hold?.basedOn ?? null,
        hold ? JSON.stringify(hold.changes) : null,
      ],
    );
    const version = Number(row!.version);
    if (!hold) await this.activate(db, version);
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
    const rows = await this.db.query<{ version: number; created_at: Date | string; created_by: string; reason: string; subgraphs: { id: number; name: string }[]; hold: Hold | null; changes: SchemaChange[] | null }>(
      'SELECT version, created_at, created_by, reason, subgraphs, hold, changes FROM registry.supergraph_version ORDER BY version DESC LIMIT $1',
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
      hold: r.hold,
      ...(r.hold ? { changes: r.changes ?? [] } : {}),
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
      return [{ subgraph: name, status: 'CHANGED' as const, routingUrl: before.routing_url === after.routing_url ? undefined : { from: before.routing_url, to: after.routing_url }, changes: diffSubgraphSdl(before.sdl, after.sdl, this.classify) }];
    });
  }

  /**
   * Activates a new version with the subgraphs of an earlier one, composed as participants stand
   * now (a suspended participant's stay suspended). Refused for a version still held or rejected
   * (approval is `approve`, with its changes on record) and for revoked participants' subgraphs.
   */
  async rollback(actor: Actor, toVersion: number, reason?: string): Promise<number> {
    const before = (await this.active())?.version ?? null;
    try {
      const version = await this.db.transaction(async (tx) => {
        await tx.query('SELECT version FROM registry.active WHERE id FOR UPDATE');
        const [target] = await tx.query<{ subgraphs: { id: number; name: string }[]; hold: Hold | null }>('SELECT subgraphs, hold FROM registry.supergraph_version WHERE version = $1', [toVersion]);
        if (!target) throw new RegistryError('HUB_REGISTRY_NOT_FOUND', `no supergraph version ${toVersion}`);
        if (target.hold === 'HELD' || target.hold === 'REJECTED') {
          throw new RegistryError('HUB_REGISTRY_CONFLICT', `version ${toVersion} is ${target.hold.toLowerCase()}: ${target.hold === 'HELD' ? 'approve it with subgraph approve' : 'it was never approved'}`);
        }
        const ids = target.subgraphs.map((s) => s.id);
        const rows = await this.servedRows(tx, ids);
        const barred = (await tx.query<{ participant: string }>('SELECT DISTINCT s.participant FROM registry.subgraph_version s JOIN registry.participant p ON p.id = s.participant WHERE s.id = ANY($1) AND p.state NOT IN ($2, $3)', [ids, 'APPROVED', 'SUSPENDED'])).map((r) => r.participant);
        if (barred.length > 0) throw new RegistryError('HUB_REGISTRY_CONFLICT', `version ${toVersion} includes subgraphs of participants no longer approved: ${barred.join(', ')}`);
        const composed = composeRows(rows);
        if (!composed.ok) throw new RegistryError('HUB_REGISTRY_CONFLICT', `version ${toVersion} does not compose: ${composed.errors.map((e) => e.message).join('; ')}`);
        return this.storeVersion(tx, composed.supergraphSdl, rows, actor, reason ?? `rollback to version ${toVersion}`);
      });
      // What the rollback changed, per subgraph, like the changes of a publish.
      const changes = before === null ? [] : await this.diff(before, version);
      await this.record(actor, 'supergraph.rollback', { to: toVersion, version, changes });
      return version;
    } catch (error) {
      if (error instanceof RegistryError) await this.record(actor, 'supergraph.rollback', { to: toVersion, refused: error.code }, 'REFUSED', error.code);
      throw error;
    }
  }

  /**
   * At start-up the hub registers its own systems (hub-owned participants, no signature needed)
   * and activates a supergraph of them plus every partner subgraph already served. Recorded like
   * any registry action: which systems, and the version served (new or unchanged).
   */
  async bootstrap(actor: Actor, own: { name: string; participant: string; url: string; sdl: string }[]): Promise<{ version: number; supergraphSdl: string }> {
    const outcome = await this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM registry.participant LIMIT 1 FOR UPDATE');
      const registered: string[] = [];
      for (const system of own) {
        const inserted = await tx.query(
          `INSERT INTO registry.participant (id, organisation, name, public_jwk, allowed_categories, allowed_contributions, state, hub_owned)
           VALUES ($1, $2, $3, NULL, $4, '{}', 'APPROVED', true) ON CONFLICT (id) DO NOTHING RETURNING id`,
          [system.participant, system.participant.split('/').slice(0, 3).join('/'), system.name, [...DATA_CATEGORIES]],
        );
        if (inserted.length > 0) registered.push(system.participant);
      }
      const active = await this.activeSubgraphs(tx);
      const unchanged = own.every((s) => active.some((a) => a.name === s.name && a.routing_url === s.url && normalise(a.sdl) === normalise(s.sdl)));
      if (unchanged && active.length > 0) return { registered, changed: false, partnersLeftOut: [] as string[] };
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
      let composed = composeRows(all);
      let included = all;
      if (!composed.ok && partners.length > 0) {
        // The hub must start: without the partners if they no longer compose with its own systems.
        composed = composeRows(mine);
        included = mine;
      }
      if (!composed.ok) throw new Error(`the hub's own subgraphs do not compose: ${composed.errors.map((e) => `[${e.code}] ${e.message}`).join('; ')}`);
      await this.storeVersion(tx, composed.supergraphSdl, included, actor, 'hub start-up');
      return { registered, changed: true, partnersLeftOut: included === mine ? partners.map((p) => p.name) : [] };
    });
    const active = await this.active();
    if (!active) throw new RegistryError('HUB_REGISTRY_NO_SUPERGRAPH', 'no active supergraph');
    await this.record(actor, 'hub.start-up', { systems: own.map((s) => s.name), participantsRegistered: outcome.registered, version: active.version, newVersion: outcome.changed, partnersLeftOut: outcome.partnersLeftOut });
    return active;
  }

  /** Runs a registry action; a refusal is on record too, with its code (the action itself records success). */
  private async refusalsRecorded<T>(actor: Actor, action: string, details: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RegistryError) await this.record(actor, action, { ...details, refused: error.code }, 'REFUSED', error.code);
      throw error;
    }
  }

  private async record(actor: Actor, action: string, details: Record<string, unknown>, outcome: 'OK' | 'REFUSED' = 'OK', code?: string): Promise<void> {
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
      ...(code ? { code } : {}),
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
