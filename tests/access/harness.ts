/**
 * Shared fixtures for the access suites: synthetic cases picked by what a test needs of them
 * (never by hard-coded reference), a federation started with a policy of the test's choosing,
 * and small readers for responses (the value at a path, the errors at a path).
 */
import { createDevIdentities, issueDevToken, type PersonaName } from '../../auth/dev-identities.js';
import type { Policy } from '../../auth/policy.js';
import { startFederation } from '../../gateway/embedded.js';
import type { Purpose } from '../../contract/index.js';
import { ORGANISATIONS, syntheticCases, syntheticConsents, type SyntheticCase } from '../../subgraphs/kit/index.js';
import { postGraphQL, type GraphQLResponse } from '../harness/graphql.js';
import type { TestStore } from '../harness/stores.js';
import type { TestFederation } from '../harness/federation.js';

/** Every access suite seeds this many cases (all the cases below are found among them). */
export const CASES = 300;

export type ResponseError = NonNullable<GraphQLResponse['errors']>[number];
export type Path = readonly (string | number)[];

const ALL_CASES: readonly SyntheticCase[] = [...syntheticCases(CASES)];

/** The first seeded case that satisfies every condition; fails loudly when the seed changes. */
export function findCase(description: string, ...conditions: ((c: SyntheticCase) => boolean)[]): SyntheticCase {
  const found = ALL_CASES.find((c) => conditions.every((condition) => condition(c)));
  if (!found) throw new Error(`no seeded case is ${description} among the first ${CASES}`);
  return found;
}

export function allCases(...conditions: ((c: SyntheticCase) => boolean)[]): SyntheticCase[] {
  return ALL_CASES.filter((c) => conditions.every((condition) => condition(c)));
}

// Conditions on synthetic cases, named for what they mean to a decision.
export const ownedBy = (memberState: 'BE' | 'DE') => (c: SyntheticCase) => c.owningMemberState === memberState;
export const fromCountry = (country: string) => (c: SyntheticCase) => c.countryOfOrigin === country;
export const assignedTo = (organisation: string) => (c: SyntheticCase) => c.assignedPartner === organisation;
export const returned = (c: SyntheticCase) => c.returnedOn !== null;
export const notReturned = (c: SyntheticCase) => c.returnedOn === null;
export const consentTo = (recipient: string, category: string) => (c: SyntheticCase) =>
  syntheticConsents(c).some((k) => k.recipient === recipient && k.categories.includes(category));
export const noConsentTo = (recipient: string, category: string) => (c: SyntheticCase) => !consentTo(recipient, category)(c);
/** Every part of the Member State file, a plan and a partner file with monitoring visits. */
export const complete = (c: SyntheticCase) =>
  c.medical !== null && c.vulnerability !== null && c.returnDecision !== null && c.asylumHistory !== null && c.travel !== null && c.reintegration !== null && c.partnerFile !== null;

export const IQ_PARTNER = ORGANISATIONS.IQ_PARTNER;
export const IQ_OTHER_PARTNER = ORGANISATIONS.IQ_OTHER_PARTNER;
export const IQ_AUTHORITY = ORGANISATIONS.IQ_AUTHORITY;
export const EU_PROGRAMME = ORGANISATIONS.EU_PROGRAMME;

/** The value at `path` in `data`; null as soon as the path meets null or a missing key. */
export function valueAt(data: unknown, path: Path): unknown {
  let at: unknown = data;
  for (const key of path) {
    if (at === null || at === undefined || typeof at !== 'object') return null;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at ?? null;
}

const samePath = (a: Path | undefined, b: Path) => a !== undefined && a.length === b.length && a.every((key, i) => key === b[i]);

export function errorsAt(response: Pick<GraphQLResponse, 'errors'>, path: Path): ResponseError[] {
  return (response.errors ?? []).filter((error) => samePath(error.path, path));
}

/** Errors at `path` or at any of its ancestors (any of which would withhold the value). */
export function errorsOnTheWayTo(response: Pick<GraphQLResponse, 'errors'>, path: Path): ResponseError[] {
  return (response.errors ?? []).filter((error) => error.path !== undefined && error.path.length <= path.length && samePath(error.path, path.slice(0, error.path.length)));
}

/** A lower-case SHA-256 hex digest, as consent evidence hashes are. */
export const EVIDENCE_HASH = 'a3f1c2d4e5b60718293a4b5c6d7e8f901a2b3c4d5e6f708192a3b4c5d6e7f801';

/**
 * The whole federation over `store`, like tests/harness/federation.ts, but with the policy the
 * test gives (to show what the gates do when a policy file is wrong).
 */
export async function startFederationWithPolicy(store: TestStore, policy: Policy): Promise<TestFederation> {
  const { db, drop } = await store.open();
  const identities = await createDevIdentities();
  const federation = await startFederation({ db, trust: identities.trust, policy, seedCases: CASES, logLevel: 'silent', subgraphPortBase: 0, gatewayPort: 0 });
  const as = async (persona: PersonaName, purpose: Purpose) => ({ authorization: `Bearer ${await issueDevToken(identities, persona)}`, 'x-purpose': purpose });
  return {
    ...federation,
    db,
    identities,
    as,
    query: async (persona, purpose, text, variables = {}) => postGraphQL(federation.gateway.url, text, variables, await as(persona, purpose)),
    async stop() {
      await federation.close();
      await drop();
    },
  };
}
