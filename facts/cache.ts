/**
 * Decision facts cached per gateway, invalidated by the change itself (docs/ARCHITECTURE.md,
 * "Decision facts"). What is cached is what a decision reads, never a decision:
 * - per case (shared by every caller): the case's facts and its unwithdrawn consents with their
 *   validity windows;
 * - per caller organisation: the unrevoked transfer bases to it, per exporting Member State, with
 *   their validity windows.
 * Windows are evaluated when a request reads them, with the request's clock: a consent that ends
 * at 10:00 counts until 10:00 whatever the time the entry was filled.
 *
 * Every write to `central.case_index`, `central.consent` or `central.transfer_basis` bumps
 * `central.facts_version` and notifies `continuum_facts` in the writer's transaction (central's
 * migration 004). Invalidation is exact in both stores:
 * - embedded (one process, every writer goes through its Db): the notification of a commit is
 *   delivered before the writer's statement resolves (tests/facts/notifications.test.ts proves
 *   it for the Db in use), so no request checks anything;
 * - PostgreSQL (many replicas): every request reads the version first (one single-row read); a
 *   version the notifications have not reached yet (in flight, lost, a dropped LISTEN connection)
 *   flushes the cache. Notifications only make invalidation finer (the changed keys instead of
 *   everything) and earlier; a probe re-subscribes when they stop arriving.
 * A fill that overlapped an invalidation answers its request but is not kept.
 */
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { CaseFacts, ConsentGrant } from '../auth/decide.js';
import type { Db } from '../store/index.js';
import { EU_PROGRAMME_SYSTEM, organisationOf, type CaseFactsWithConsents } from './caseFacts.js';

/** The channel central's triggers notify on. */
export const FACTS_CHANNEL = 'continuum_facts';

/** How entries left the cache: the changed keys of one notification, or everything. */
export type InvalidationScope = 'entry' | 'flush';

/** Counts for the gateway's metrics (no labels a client chooses). */
export interface FactsCacheObserver {
  lookups(result: 'hit' | 'miss', count: number): void;
  invalidated(scope: InvalidationScope, count: number): void;
  resubscribed(): void;
}

export interface FactsCacheOptions {
  /** Cases kept (least recently used dropped first). @default 20000 */
  maxCases?: number;
  /** Caller organisations whose transfer bases are kept. @default 1000 */
  maxOrganisations?: number;
  observer?: FactsCacheObserver;
  /** PostgreSQL: how often the listener is probed with a notification of its own. @default 30000 */
  probeIntervalMs?: number;
  /** How long a probe waits for its notification before re-subscribing. @default 2000 */
  probeTimeoutMs?: number;
  /** The clock windows are evaluated with (milliseconds since the epoch). @default Date.now */
  now?: () => number;
  /** Reports listener trouble (JSON logs: no personal data). */
  log?: (entry: Record<string, unknown>, message: string) => void;
}

interface CachedConsent {
  readonly grant: ConsentGrant;
  /** Milliseconds since the epoch; `until` exclusive, null: open-ended. */
  readonly from: number;
  readonly until: number | null;
}

interface CachedCase {
  readonly facts: CaseFacts;
  readonly consents: readonly CachedConsent[];
}

/** A transfer basis window in UTC dates (YYYY-MM-DD), both ends inclusive. */
interface BasisWindow {
  readonly from: string;
  readonly until: string | null;
}

/** Per exporting Member State, the windows of the unrevoked bases to one recipient. */
type RecipientBases = ReadonlyMap<string, readonly BasisWindow[]>;

interface CaseRow {
  ref: string;
  owning_member_state: string;
  country_of_origin: string;
  assigned_partner: string | null;
  returned: boolean;
  enrolled: boolean;
  consents: RawConsent[] | string;
}
interface RawConsent {
  r: string;
  c: string[];
  p: string[];
  f: number;
  u: number | null;
}

const CASES_SQL = `SELECT c.ref, c.owning_member_state, c.country_of_origin, c.assigned_partner,
    c.returned_on IS NOT NULL AS returned, $2 = ANY(c.participating_systems) AS enrolled,
    COALESCE((SELECT json_agg(json_build_object('r', k.recipient, 'c', k.categories, 'p', k.purposes,
                'f', extract(epoch FROM k.valid_from) * 1000, 'u', extract(epoch FROM k.valid_until) * 1000))
              FROM central.consent k WHERE k.case_ref = c.ref AND k.withdrawn_at IS NULL), '[]'::json) AS consents
  FROM central.case_index c WHERE c.ref = ANY($1)`;
const BASES_SQL = `SELECT exporter_member_state AS ms, valid_from, valid_until FROM central.transfer_basis
  WHERE recipient = $1 AND revoked_at IS NULL`;
const VERSION_SQL = 'SELECT version FROM central.facts_version';

/** Today in UTC as YYYY-MM-DD (transfer basis windows are UTC dates). */
function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A Map used as an LRU: a read moves the key to the end, an insert beyond `max` drops the first. */
function touch<K, V>(map: Map<K, V>, key: K): V | undefined {
  const value = map.get(key);
  if (value !== undefined) {
    map.delete(key);
    map.set(key, value);
  }
  return value;
}
function put<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}

export class FactsCache {
  /** Highest facts version this cache is known to be current with. */
  private version = 0;
  /** Bumped by every invalidation: a fill that started before one is not kept. */
  private epoch = 0;
  /** null: the index holds no such case (also invalidated by its insertion). */
  private readonly cases = new Map<string, CachedCase | null>();
  private readonly recipients = new Map<string, RecipientBases>();
  /** Strings and arrays repeated across entries (states, organisations, categories) held once. */
  private readonly interned = new Map<string, string>();
  private readonly internedLists = new Map<string, readonly string[]>();
  private readonly maxCases: number;
  private readonly maxOrganisations: number;
  private readonly now: () => number;
  /** Embedded store: notifications are delivered before the write resolves; no check per request. */
  private readonly inProcess: boolean;
  private unlisten: (() => Promise<void>) | null = null;
  private probing: { nonce: string; received: () => void } | null = null;
  private probeTimer: NodeJS.Timeout | undefined;
  private lastProbe = 0;
  private closed = false;

  private constructor(
    private readonly db: Db,
    private readonly options: FactsCacheOptions,
  ) {
    this.maxCases = options.maxCases ?? 20_000;
    this.maxOrganisations = options.maxOrganisations ?? 1_000;
    this.now = options.now ?? Date.now;
    this.inProcess = db.kind === 'pglite';
  }

  /** Subscribes to the change notifications, then reads the version: nothing is cached before both. */
  static async open(db: Db, options: FactsCacheOptions = {}): Promise<FactsCache> {
    const cache = new FactsCache(db, options);
    await cache.subscribe();
    if (!cache.inProcess) {
      const interval = options.probeIntervalMs ?? 30_000;
      cache.probeTimer = setInterval(() => void cache.probe(), interval);
      cache.probeTimer.unref();
    }
    return cache;
  }

  /** Entries held now (cases, caller organisations). */
  get size(): { cases: number; organisations: number } {
    return { cases: this.cases.size, organisations: this.recipients.size };
  }

  /**
   * The facts loader of one request for `caller` (an organisation): the same answers
   * createCaseFactsLoader gives, from the cache where it is current.
   */
  loader(caller: string): DataLoader<string, CaseFactsWithConsents | null> {
    // One version check per request, issued by the request itself (never shared with an earlier
    // request's read, which could predate a commit this request must see).
    let checked: Promise<void> | undefined;
    return new DataLoader(async (refs) => {
      if (!this.inProcess) await (checked ??= this.check());
      const [cases, bases] = await Promise.all([this.casesFor(refs), this.basesFor(caller)]);
      const now = this.now();
      const today = utcDay(now);
      return cases.map((cached) => (cached ? this.view(cached, bases, now, today) : null));
    });
  }

  /** Stops listening and probing. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.probeTimer);
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
  }

  /** PostgreSQL: the per-request check. A version beyond the notifications received flushes. */
  private async check(): Promise<void> {
    const rows = await this.db.query<{ version: number }>(VERSION_SQL);
    const current = Number(rows[0]?.version ?? 0);
    if (current > this.version) {
      this.flush();
      this.version = current;
      // Usually a notification still in flight; if they stopped coming, the probe finds out.
      if (this.now() - this.lastProbe > (this.options.probeTimeoutMs ?? 2000)) void this.probe();
    }
  }

  private view(cached: CachedCase, bases: RecipientBases, now: number, today: string): CaseFactsWithConsents {
    const consents: ConsentGrant[] = [];
    for (const consent of cached.consents) {
      if (consent.from <= now && (consent.until === null || consent.until > now)) consents.push(consent.grant);
    }
    const windows = bases.get(cached.facts.owningMemberState);
    const transferToCaller = windows !== undefined && windows.some((w) => w.from <= today && (w.until === null || w.until >= today));
    return { facts: cached.facts, consents, transferToCaller };
  }

  private async casesFor(refs: readonly string[]): Promise<(CachedCase | null)[]> {
    const found: (CachedCase | null | undefined)[] = refs.map((ref) => touch(this.cases, ref));
    const missing = refs.filter((_, i) => found[i] === undefined);
    this.options.observer?.lookups('hit', refs.length - missing.length);
    if (missing.length === 0) return found as (CachedCase | null)[];
    this.options.observer?.lookups('miss', missing.length);
    const epoch = this.epoch;
    const rows = await this.db.query<CaseRow>(CASES_SQL, [missing, EU_PROGRAMME_SYSTEM]);
    const filled = new Map(rows.map((row) => [row.ref, this.entryOf(row)]));
    const keep = epoch === this.epoch;
    for (const ref of missing) if (keep) put(this.cases, ref, filled.get(ref) ?? null, this.maxCases);
    return refs.map((ref, i) => (found[i] === undefined ? (filled.get(ref) ?? null) : (found[i] as CachedCase | null)));
  }

  private async basesFor(recipient: string): Promise<RecipientBases> {
    const cached = touch(this.recipients, recipient);
    if (cached) return cached;
    const epoch = this.epoch;
    const rows = await this.db.query<{ ms: string; valid_from: string; valid_until: string | null }>(BASES_SQL, [recipient]);
    const bases = new Map<string, BasisWindow[]>();
    for (const row of rows) {
      const ms = this.intern(row.ms.trim());
      const windows = bases.get(ms) ?? [];
      windows.push({ from: row.valid_from, until: row.valid_until });
      bases.set(ms, windows);
    }
    if (epoch === this.epoch) put(this.recipients, recipient, bases, this.maxOrganisations);
    return bases;
  }

  private entryOf(row: CaseRow): CachedCase {
    const raw = typeof row.consents === 'string' ? (JSON.parse(row.consents) as RawConsent[]) : row.consents;
    return {
      facts: {
        ref: row.ref,
        owningMemberState: this.intern(row.owning_member_state),
        countryOfOrigin: this.intern(row.country_of_origin),
        returned: row.returned,
        assignedPartner: row.assigned_partner ? this.intern(organisationOf(row.assigned_partner)) : null,
        enrolledInEuProgramme: row.enrolled,
      },
      consents: raw.map((k) => ({
        grant: { recipient: this.intern(k.r), categories: this.internList(k.c), purposes: this.internList(k.p) },
        from: Number(k.f),
        until: k.u === null ? null : Number(k.u),
      })),
    };
  }

  private intern(value: string): string {
    const known = this.interned.get(value);
    if (known !== undefined) return known;
    // Bounded: the values are states, organisations, categories and purposes, not free text.
    if (this.interned.size < 10_000) this.interned.set(value, value);
    return value;
  }

  private internList(values: readonly string[]): readonly string[] {
    const key = values.join('\n');
    const known = this.internedLists.get(key);
    if (known) return known;
    const list = Object.freeze(values.map((v) => this.intern(v)));
    if (this.internedLists.size < 10_000) this.internedLists.set(key, list);
    return list;
  }

  private flush(): void {
    const count = this.cases.size + this.recipients.size;
    this.cases.clear();
    this.recipients.clear();
    this.epoch++;
    this.options.observer?.invalidated('flush', count);
  }

  /** "<version> c <refs>", "<version> t <recipients>", "<version> *", or a probe "p <nonce>". */
  private onNotify(payload: string): void {
    if (payload.startsWith('p ')) {
      if (this.probing && payload === `p ${this.probing.nonce}`) this.probing.received();
      return;
    }
    const [head, kind, keys] = payload.split(' ');
    const version = Number(head);
    if (!Number.isSafeInteger(version)) return this.flush();
    if (version <= this.version) return; // a flush since has covered it
    if (version !== this.version + 1 || kind === '*' || kind === undefined) {
      // A gap (a notification lost) or a change to everything.
      this.flush();
    } else {
      const map: Map<string, unknown> = kind === 't' ? this.recipients : this.cases;
      let count = 0;
      for (const key of keys ? keys.split(',') : []) if (map.delete(key)) count++;
      this.epoch++;
      this.options.observer?.invalidated('entry', count);
    }
    this.version = version;
  }

  private async subscribe(): Promise<void> {
    this.unlisten = await this.db.listen(FACTS_CHANNEL, (payload) => this.onNotify(payload));
    const rows = await this.db.query<{ version: number }>(VERSION_SQL);
    // Whatever was cached before (a re-subscription) may have missed notifications.
    this.flush();
    this.version = Number(rows[0]?.version ?? 0);
  }

  /**
   * Sends a notification of its own and waits for it: none within the timeout means the LISTEN
   * connection is gone (or deaf), so listen again on a new one and flush. Exactness never waits
   * for this (the version check flushes meanwhile); the probe brings fine invalidation back.
   */
  private async probe(): Promise<void> {
    if (this.probing || this.closed) return;
    this.lastProbe = this.now();
    const nonce = randomUUID();
    let received!: () => void;
    const arrived = new Promise<boolean>((resolve) => {
      received = () => resolve(true);
      setTimeout(() => resolve(false), this.options.probeTimeoutMs ?? 2000).unref();
    });
    this.probing = { nonce, received };
    try {
      await this.db.query('SELECT pg_notify($1, $2)', [FACTS_CHANNEL, `p ${nonce}`]);
      if (await arrived) return;
      if (this.closed) return;
      this.options.log?.({ channel: FACTS_CHANNEL }, 'facts notifications stopped arriving; listening again');
      await this.unlisten?.().catch(() => {});
      this.unlisten = null;
      await this.subscribe();
      this.options.observer?.resubscribed();
    } catch (error) {
      this.options.log?.({ channel: FACTS_CHANNEL, error: (error as Error).message }, 'could not probe the facts notifications; will retry');
    } finally {
      this.probing = null;
    }
  }
}
