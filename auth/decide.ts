/**
 * The field decision: may this caller, for this purpose, receive this category of this case?
 * Checked in the order DESIGN §5 gives — policy, relationship, consent, transfer gate — each
 * denial naming its code and rule. Pure: the facts come in, a decision comes out, so the gateway,
 * the subgraph kit and the central subgraph all decide with the same code.
 */
import { SPECIAL_CATEGORIES, type DataCategory, type DenialCode, type Purpose, type Role } from '../contract/index.js';
import type { Grant, Policy, Relationship } from './policy.js';

/**
 * Every code a field denial can carry, in the order of DESIGN §5's checks: the one list
 * (docs/ERRORS.md § Field access), part of the protocol subgraphs speak (contract/constants.ts).
 */
export { DENIAL_CODES, isDenialCode, type DenialCode } from '../contract/index.js';

/** A refusal as a caller is told it: its code and the rule that names it. */
export interface Disclosure {
  code: DenialCode;
  rule: string;
}

export type Decision =
  | { released: true; rule: string; basis: string }
  | {
      released: false;
      /** The true reason, for the audit record. */
      code: DenialCode;
      rule: string;
      /** What the caller is told instead, when the true reason would tell it a fact about the case. */
      shown?: Disclosure;
    };

/**
 * What a caller refused a whole case is told (DESIGN §5, "Non-parties learn nothing"): one code
 * and one rule whether the case does not exist, no relationship holds, or the transfer gate keeps
 * the case from a third-country recipient. So case references cannot be enumerated, and a
 * country-of-origin authority cannot tell its nationals returned without a transfer basis from
 * any other case. The audit record keeps the true reason.
 */
export const NOT_A_PARTY: Disclosure = Object.freeze({ code: 'NO_RELATIONSHIP', rule: 'case.not-a-party' });

/** The decision for a reference the case index does not hold: shown as any other case one is not a party to. */
export const UNKNOWN_CASE: Decision = Object.freeze({ released: false, code: 'NO_RELATIONSHIP', rule: 'case.unknown', shown: NOT_A_PARTY });

/** What the caller is told of a refusal (the true reason stays in the decision for the audit record). */
export function disclosed(decision: Extract<Decision, { released: false }>): Disclosure {
  return decision.shown ?? decision;
}

/** Who asks and why; the subset of the verified caller that decisions need. */
export interface Requester {
  organisation: string;
  country: string;
  roles: readonly Role[];
  purpose: Purpose;
}

/** What the case index knows about a case. */
export interface CaseFacts {
  ref: string;
  owningMemberState: string;
  countryOfOrigin: string;
  returned: boolean;
  assignedPartner: string | null;
  /** The EU programme's system takes part in the case. */
  enrolledInEuProgramme: boolean;
}

/** An active consent of the data subject (already filtered to unexpired, unwithdrawn ones). */
export interface ConsentGrant {
  recipient: string;
  categories: readonly string[];
  purposes: readonly string[];
}

export interface DynamicFacts {
  facts: CaseFacts;
  consents: readonly ConsentGrant[];
  /** True when a transfer basis is recorded from this Member State to this recipient organisation. */
  hasTransferBasis(exporterMemberState: string, recipient: string): boolean;
}

export const NOT_PERSONAL_RELEASE: Decision = Object.freeze({ released: true, rule: 'not-personal', basis: 'NONE' });
const NO_CATEGORY: Decision = Object.freeze({ released: false, code: 'FORBIDDEN_FIELD', rule: 'category.undeclared' });
const NO_GRANT: Decision = Object.freeze({ released: false, code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant' });
const SPECIAL_ABROAD: Decision = Object.freeze({ released: false, code: 'TRANSFER_BLOCKED', rule: 'transfer.special-category-purpose' });
const NEVER_TO_COO: Decision = Object.freeze({ released: false, code: 'TRANSFER_BLOCKED', rule: 'transfer.never-to-country-of-origin-authority' });

/** The grants still worth checking per case, or the denial that holds for every case. */
export type StaticDecision = { released: false; code: DenialCode; rule: string } | { grants: readonly Grant[] } | typeof NOT_PERSONAL_RELEASE;

/**
 * What can be decided without looking at any case: the policy, and the transfer rules that
 * depend only on the recipient. Used before query planning to remove fields entirely.
 */
export function decideStatically(policy: Policy, requester: Requester, category: DataCategory | undefined): StaticDecision {
  if (category === undefined) return NO_CATEGORY;
  if (category === 'NOT_PERSONAL') return NOT_PERSONAL_RELEASE;
  const grants = policy.grantsFor(requester.roles, requester.purpose).get(category);
  if (!grants || grants.length === 0) return NO_GRANT;
  if (requester.roles.includes('COO_AUTHORITY') && policy.document.transfers.neverToCountryOfOriginAuthorities.includes(category)) {
    return NEVER_TO_COO;
  }
  if (!policy.isEuEea(requester.country) && SPECIAL_CATEGORIES.has(category) && !policy.document.transfers.specialCategoryPurposes.includes(requester.purpose)) {
    return SPECIAL_ABROAD;
  }
  return { grants };
}

function relationshipHolds(policy: Policy, relationship: Relationship, requester: Requester, facts: CaseFacts): boolean {
  switch (relationship) {
    case 'OWNING_MEMBER_STATE':
      return requester.country === facts.owningMemberState;
    case 'ASSIGNED_PARTNER':
      return facts.assignedPartner !== null && requester.organisation === facts.assignedPartner;
    case 'COUNTRY_OF_ORIGIN_AFTER_RETURN':
      return facts.returned && requester.country === facts.countryOfOrigin;
    case 'EU_PROGRAMME':
      // The programme itself (auth/policy.yaml, parties), not whoever asserts its role, on an enrolled case.
      return facts.enrolledInEuProgramme && requester.organisation === policy.document.parties.EU_PROGRAMME;
    case 'NONE':
      // Only AUDIT and STATISTICS are granted without a relationship (the policy schema enforces
      // it): audit records and aggregates, never a case's own fields.
      return true;
  }
}

function consentCovers(consents: readonly ConsentGrant[], recipient: string, category: DataCategory, purpose: Purpose): boolean {
  return consents.some((c) => c.recipient === recipient && c.categories.includes(category) && c.purposes.includes(purpose));
}

/**
 * The full decision for one case. Among the grants that apply, the first that passes every check
 * releases the field; otherwise the denial of the grant that got furthest is reported.
 */
export function decide(policy: Policy, requester: Requester, category: DataCategory | undefined, dynamic: DynamicFacts): Decision {
  const staticDecision = decideStatically(policy, requester, category);
  if (!('grants' in staticDecision)) return staticDecision;
  return decideForCase(policy, requester, category as DataCategory, staticDecision.grants, dynamic);
}

/**
 * Categories that are not about one case (audit records, aggregates) are decided without one:
 * released when a grant for them exists, whatever the case.
 */
export const CASE_INDEPENDENT: ReadonlySet<DataCategory> = new Set(['AUDIT', 'STATISTICS']);

export function decideWithoutCase(policy: Policy, requester: Requester, category: DataCategory | undefined): Decision {
  const staticDecision = decideStatically(policy, requester, category);
  if (!('grants' in staticDecision)) return staticDecision;
  const grant = staticDecision.grants.find((g) => g.relationship === 'NONE');
  return grant ? { released: true, rule: grant.rule, basis: grant.basis } : { released: false, code: 'NO_RELATIONSHIP', rule: 'case.unknown' };
}

export function decideForCase(policy: Policy, requester: Requester, category: DataCategory, grants: readonly Grant[], dynamic: DynamicFacts): Decision {
  let best: { decision: Decision; depth: number } | undefined;
  const deny = (code: DenialCode, rule: string, depth: number) => {
    if (!best || depth > best.depth) best = { decision: { released: false, code, rule }, depth };
  };
  for (const grant of grants) {
    if (!relationshipHolds(policy, grant.relationship, requester, dynamic.facts)) {
      deny('NO_RELATIONSHIP', grant.rule, 1);
      continue;
    }
    if (grant.consent && !consentCovers(dynamic.consents, requester.organisation, category, requester.purpose)) {
      deny('CONSENT_REQUIRED', grant.rule, 2);
      continue;
    }
    if (!policy.isEuEea(requester.country) && !dynamic.hasTransferBasis(dynamic.facts.owningMemberState, requester.organisation)) {
      deny('TRANSFER_BLOCKED', 'transfer.no-recorded-basis', 3);
      continue;
    }
    return { released: true, rule: grant.rule, basis: grant.basis };
  }
  const denial = (best as { decision: Extract<Decision, { released: false }> }).decision;
  // A caller no relationship ties to the case, or a third-country recipient without a transfer
  // basis for it, learns nothing about the case from the refusal: not even which rule refused.
  const transferable = policy.isEuEea(requester.country) || dynamic.hasTransferBasis(dynamic.facts.owningMemberState, requester.organisation);
  return denial.code === 'NO_RELATIONSHIP' || !transferable ? { ...denial, shown: NOT_A_PARTY } : denial;
}
