/**
 * Per-request access state at the gateway: the verified caller and purpose, and the per-case
 * decision vectors the gateway signs into subgraph requests. Facts and consents are loaded in
 * one statement per batch of cases and never cached across requests, so a withdrawal counts
 * from the very next request.
 */
import type DataLoader from 'dataloader';
import type { Caller } from '../../auth/Caller.js';
import { decide, type Decision, type Requester } from '../../auth/decide.js';
import type { CaseAccesses } from '../../audit/record.js';
import type { Policy } from '../../auth/policy.js';
import { DATA_CATEGORIES, type DataCategory, type Purpose } from '../../schema/vocabulary.js';
import type { Db } from '../../store/index.js';
import { createCaseFactsLoader, type CaseFactsWithConsents } from '../../subgraphs/central/facts.js';

const PERSONAL_CATEGORIES = DATA_CATEGORIES.filter((c): c is Exclude<DataCategory, 'NOT_PERSONAL'> => c !== 'NOT_PERSONAL');
const UNKNOWN_CASE = Object.fromEntries(PERSONAL_CATEGORIES.map((c) => [c, 'NO_RELATIONSHIP case.unknown']));

export type DecisionVector = Record<string, string>;

export interface Incident {
  subgraph: string;
  coordinate: string;
  code: string;
  rule: string;
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
  /** Fields a subgraph returned although they were denied (stripped by the gateway). */
  readonly incidents: Incident[] = [];
  /** Every decision taken in this request, per case and category (for the audit record). */
  readonly decisions = new Map<string, Map<string, Decision>>();
  /** Subgraphs this request called. */
  readonly subgraphs = new Set<string>();
  /** What the response released and denied, per case; set by the enforcing executor. */
  cases: CaseAccesses = { cases: [], accesses: [], paths: [] };
  /** The hash of the operation as planned. */
  operationHash: string | null = null;

  private readonly policy: Policy;
  private readonly store: Db;

  constructor(
    runtime: { policy: Policy; store: Db },
    readonly caller: Caller,
    readonly purpose: Purpose,
  ) {
    this.policy = runtime.policy;
    this.store = runtime.store;
    this.requester = { organisation: caller.organisation, country: caller.country, roles: caller.roles, purpose };
    this.facts = createCaseFactsLoader(this.store, caller.organisation);
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

  private async computeVector(ref: string): Promise<DecisionVector> {
    const found = await this.facts.load(ref);
    if (!found) return UNKNOWN_CASE;
    // The facts were read for this caller: the recipient of any transfer is the caller.
    const dynamic = { facts: found.facts, consents: found.consents, hasTransferBasis: () => found.transferToCaller };
    const vector: DecisionVector = {};
    const decided = new Map<string, Decision>();
    let key = '';
    for (const category of PERSONAL_CATEGORIES) {
      const decision = decide(this.policy, this.requester, category, dynamic);
      decided.set(category, decision);
      const outcome = decision.released ? 'R' : `${decision.code} ${decision.rule}`;
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
