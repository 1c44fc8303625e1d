/**
 * Per-request access state at the gateway: the verified caller and purpose, and the per-case
 * decision vectors the gateway signs into subgraph requests. Facts and consents come from the
 * gateway's facts cache, invalidated by the change itself (facts/cache.ts), so a withdrawal counts
 * from the very next request; without a cache, one statement per batch of cases.
 */
import type DataLoader from 'dataloader';
import type { Caller } from '../../auth/Caller.js';
import { CASE_INDEPENDENT, decideForCase, decideStatically, decideWithoutCase, disclosed, UNKNOWN_CASE, type Decision, type Requester } from '../../auth/decide.js';
import type { CaseAccesses } from '../../audit/record.js';
import type { Grant, Policy } from '../../auth/policy.js';
import { DATA_CATEGORIES, encodeOutcome, RELEASED, type DataCategory, type Purpose } from '../../contract/index.js';
import type { Db } from '../../store/index.js';
import type { AccessMetadata } from './metadata.js';
import { createCaseFactsLoader, type CaseFactsWithConsents, type FactsCache } from '../../facts/index.js';

const PERSONAL_CATEGORIES = DATA_CATEGORIES.filter((c): c is Exclude<DataCategory, 'NOT_PERSONAL'> => c !== 'NOT_PERSONAL');
/** The outcome a vector carries for a decision: what the caller (and the subgraph) is told. */
function outcomeOf(decision: Decision): string {
  return encodeOutcome(decision.released ? RELEASED : disclosed(decision));
}

export type DecisionVector = Record<string, string>;

export interface Incident {
  subgraph: string;
  coordinate: string;
  code: string;
  rule: string;
}

/** What one request released and denied, which subgraphs it called and what they did wrong. Immutable. */
export interface AccessOutcome {
  readonly cases: CaseAccesses;
  /** The hash of the operation as planned. */
  readonly operationHash: string | null;
  readonly subgraphs: readonly string[];
  readonly incidents: readonly Readonly<Incident>[];
}

export class RequestAccess {
  readonly requester: Requester;
  private readonly facts: DataLoader<string, CaseFactsWithConsents | null>;
  private readonly vectors = new Map<string, Promise<DecisionVector>>();
  /**
   * Equal vectors are one object: a page's cases mostly share a handful of outcome patterns, and
   * the context token is built per subgraph request by vector identity (encodeDecisions).
   */
  private readonly interned = new Map<string, DecisionVector>();
  /**
   * Every decision taken in this request, per case and category, with its true reason (for the
   * audit record). The vectors carry what the caller is told (auth/decide.ts `disclosed`).
   */
  readonly decisions = new Map<string, ReadonlyMap<string, Decision>>();
  /** Fields a subgraph returned although they were denied (stripped by the gateway). */
  private readonly incidents: Incident[] = [];
  /** Subgraphs this request called. */
  private readonly subgraphs = new Set<string>();
  private settled: AccessOutcome | undefined;
  private pinned: AccessMetadata | undefined;

  private readonly policy: Policy;
  private readonly store: Db;

  constructor(
    runtime: { policy: Policy; store: Db; facts?: FactsCache | undefined },
    readonly caller: Caller,
    readonly purpose: Purpose,
  ) {
    this.policy = runtime.policy;
    this.store = runtime.store;
    this.requester = { organisation: caller.organisation, country: caller.country, roles: caller.roles, purpose };
    this.facts = runtime.facts ? runtime.facts.loader(caller.organisation) : createCaseFactsLoader(this.store, caller.organisation);
  }

  /**
   * The supergraph version this request is planned, enforced and re-checked against, from start
   * to end: pinned once by the enforcing executor, so a switch of supergraph in flight changes
   * nothing of it (docs/ARCHITECTURE.md, "Hot reload").
   */
  pin(metadata: AccessMetadata): void {
    if (this.pinned && this.pinned !== metadata) throw new Error('a request is pinned to one supergraph version');
    this.pinned = metadata;
  }

  get metadata(): AccessMetadata | undefined {
    return this.pinned;
  }

  /** A subgraph was called for this request (HubDataSource). */
  calledSubgraph(name: string): void {
    this.subgraphs.add(name);
  }

  /** A subgraph returned a field although it was denied; the gateway stripped it (recheck.ts). */
  reportIncident(incident: Incident): void {
    this.incidents.push(incident);
  }

  /**
   * What enforcement decided for this request, once: the executor settles it when the response is
   * final, and the audit plugin reads only this. A request that never ran (refused before
   * execution) has none.
   */
  settle(result: { cases: CaseAccesses; operationHash: string | null }): AccessOutcome {
    if (this.settled) throw new Error('a request settles its access outcome once');
    this.settled = Object.freeze({
      cases: result.cases,
      operationHash: result.operationHash,
      subgraphs: Object.freeze([...this.subgraphs].sort()),
      incidents: Object.freeze(this.incidents.map((incident) => Object.freeze({ ...incident }))),
    });
    return this.settled;
  }

  get outcome(): AccessOutcome | undefined {
    return this.settled;
  }

  /** The decision for every personal category of each case (computed once per case per request). */
  async vectorsFor(refs: readonly string[]): Promise<Map<string, DecisionVector>> {
    const pending = refs.map((ref) => {
      let vector = this.vectors.get(ref);
      if (!vector) {
        vector = this.computeVector(ref);
        this.vectors.set(ref, vector);
      }
      return vector;
    });
    const resolved = await Promise.all(pending);
    return new Map(refs.map((ref, i) => [ref, resolved[i] as DecisionVector]));
  }

  /**
   * What the policy alone says of each personal category for this request's caller and purpose:
   * a decision (denied outright, or decided without the case), or the grants a case must satisfy.
   * The same for every case of the request, so worked out once, not once per case and category.
   */
  private perCategory: readonly { category: DataCategory; decision: Decision | null; grants: readonly Grant[] }[] | undefined;

  private categoryPlan() {
    if (this.perCategory) return this.perCategory;
    this.perCategory = PERSONAL_CATEGORIES.map((category) => {
      // Audit records and aggregates are decided without the case, even one the index does not
      // hold (an auditor looking up the record of a probe for a wrong reference).
      if (CASE_INDEPENDENT.has(category)) return { category, decision: decideWithoutCase(this.policy, this.requester, category), grants: [] };
      const staticDecision = decideStatically(this.policy, this.requester, category);
      return 'grants' in staticDecision ? { category, decision: null, grants: staticDecision.grants } : { category, decision: staticDecision as Decision, grants: [] };
    });
    return this.perCategory;
  }

  private async computeVector(ref: string): Promise<DecisionVector> {
    const found = await this.facts.load(ref);
    // The facts were read for this caller: the recipient of any transfer is the caller.
    const dynamic = found ? { facts: found.facts, consents: found.consents, hasTransferBasis: () => found.transferToCaller } : null;
    const vector: DecisionVector = {};
    const decided = new Map<string, Decision>();
    let key = '';
    for (const { category, decision: fixed, grants } of this.categoryPlan()) {
      // Exactly auth/decide.ts `decide`: the static decision, else the case's own.
      const decision = fixed !== null && (CASE_INDEPENDENT.has(category) || dynamic) ? fixed : dynamic ? decideForCase(this.policy, this.requester, category, grants, dynamic) : UNKNOWN_CASE;
      decided.set(category, decision);
      const outcome = outcomeOf(decision);
      vector[category] = outcome;
      key += `${outcome}\n`;
    }
    this.decisions.set(ref, decided);
    const same = this.interned.get(key);
    if (same) return same;
    this.interned.set(key, vector);
    return vector;
  }
}
