/**
 * Audit records shaped like the ones the gateway writes (gateway/auditPlugin.ts buildAccessRecord):
 * a deterministic mix of a counsellor's single-case lookup, a programme manager's page of 50
 * cases with consent denials, a partner's continuity-of-care page, a country-of-origin
 * authority's denied lookup and a request refused before GraphQL. SYNTHETIC: case references and
 * field paths only, like real records — never a personal data value.
 */
import { createHash } from 'node:crypto';
import { groupCaseAccesses, type AuditContent, type CaseAccess } from '../../audit/index.js';
import { devIssuerUrl } from '../../auth/dev-identities.js';
import { ORGANISATIONS } from '../../subgraphs/kit/synthetic.js';

/** Case references the generated records touch: EU-2025-000001 … EU-2025-<caseRefs>. */
export const DEFAULT_CASE_REFS = 100_000;

export function benchCaseRef(n: number): string {
  return `EU-2025-${String(n).padStart(6, '0')}`;
}

/** mulberry32: a small, seeded PRNG so two runs generate the same records. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (text: string) => createHash('sha256').update(text).digest('hex');

interface Scenario {
  name: 'case-file' | 'programme-page' | 'partner-care' | 'referral-denied';
  organisation: string;
  country: string;
  roles: string[];
  purpose: string;
  operation: { type: string; name: string };
  subgraphs: string[];
  /** Cases per record in the two mixes. */
  cases: { gateway: number; typical: number };
  /** In the typical mix, a counsellor's query asks for a random subset of at least this many categories. */
  minReleased?: number;
  released: { category: string; basis: string; rule: string; paths: string[] }[];
  /** Denied categories, each applied to a case with this probability. */
  denied: { category: string; code: string; rule: string; paths: string[]; probability: number }[];
}

const MS_RULE = 'ms-officer.case-work';
const PAGE = 'cases.edges.node';

const SCENARIOS: Scenario[] = [
  {
    name: 'case-file',
    organisation: ORGANISATIONS.BE_AUTHORITY,
    country: 'BE',
    roles: ['MS_COUNSELLOR'],
    purpose: 'RETURN_COUNSELLING',
    operation: { type: 'query', name: 'CaseFile' },
    subgraphs: ['be-cases', 'central', 'eu-programme', 'iq-partner'],
    cases: { gateway: 1, typical: 1 },
    minReleased: 3,
    released: [
      { category: 'CASE_ADMIN', basis: 'LEGAL_OBLIGATION', rule: MS_RULE, paths: ['case.ref', 'case.status', 'case.owningMemberState'] },
      { category: 'IDENTITY', basis: 'LEGAL_OBLIGATION', rule: MS_RULE, paths: ['case.memberStateFile.identity.givenName', 'case.memberStateFile.identity.familyName', 'case.memberStateFile.identity.dateOfBirth'] },
      { category: 'CONTACT', basis: 'LEGAL_OBLIGATION', rule: MS_RULE, paths: ['case.memberStateFile.contact.phone', 'case.memberStateFile.contact.email'] },
      { category: 'COUNSELLING', basis: 'LEGAL_OBLIGATION', rule: MS_RULE, paths: ['case.memberStateFile.counselling.sessions'] },
      { category: 'HEALTH', basis: 'SUBSTANTIAL_PUBLIC_INTEREST', rule: MS_RULE, paths: ['case.memberStateFile.medical', 'case.memberStateFile.medical.fitToTravel'] },
      { category: 'TRAVEL', basis: 'LEGAL_OBLIGATION', rule: MS_RULE, paths: ['case.memberStateFile.travel.departure', 'case.memberStateFile.travel.document'] },
      { category: 'REINTEGRATION', basis: 'LEGAL_OBLIGATION', rule: MS_RULE, paths: ['case.reintegrationPlan.needs', 'case.partnerFile.assistance'] },
    ],
    denied: [],
  },
  {
    name: 'programme-page',
    organisation: ORGANISATIONS.EU_PROGRAMME,
    country: 'EU',
    roles: ['EU_PROGRAMME_MANAGER'],
    purpose: 'REINTEGRATION_ASSISTANCE',
    operation: { type: 'query', name: 'ProgrammePage' },
    subgraphs: ['be-cases', 'central', 'de-cases', 'eu-programme', 'iq-partner'],
    cases: { gateway: 50, typical: 10 },
    released: [
      { category: 'CASE_ADMIN', basis: 'PUBLIC_TASK', rule: 'programme.enrolled-case', paths: [`${PAGE}.ref`, `${PAGE}.status`] },
      { category: 'IDENTITY', basis: 'PUBLIC_TASK', rule: 'programme.enrolled-case', paths: [`${PAGE}.memberStateFile.identity.givenName`, `${PAGE}.memberStateFile.identity.familyName`] },
      { category: 'TRAVEL', basis: 'PUBLIC_TASK', rule: 'programme.enrolled-case', paths: [`${PAGE}.memberStateFile.travel.departure`] },
      { category: 'REINTEGRATION', basis: 'PUBLIC_TASK', rule: 'programme.enrolled-case', paths: [`${PAGE}.reintegrationPlan.needs`, `${PAGE}.partnerFile.assistance`] },
    ],
    denied: [{ category: 'VULNERABILITY', code: 'CONSENT_REQUIRED', rule: 'consent.owning-member-state-only', paths: [`${PAGE}.memberStateFile.vulnerability`], probability: 0.88 }],
  },
  {
    name: 'partner-care',
    organisation: ORGANISATIONS.IQ_PARTNER,
    country: 'IQ',
    roles: ['REINTEGRATION_PARTNER'],
    purpose: 'CONTINUITY_OF_CARE',
    operation: { type: 'query', name: 'PartnerCare' },
    subgraphs: ['be-cases', 'central', 'de-cases', 'iq-partner'],
    cases: { gateway: 20, typical: 5 },
    released: [
      { category: 'IDENTITY', basis: 'CONSENT', rule: 'partner.continuity-of-care', paths: [`${PAGE}.memberStateFile.identity.givenName`, `${PAGE}.memberStateFile.identity.familyName`] },
      { category: 'CONTACT', basis: 'CONSENT', rule: 'partner.continuity-of-care', paths: [`${PAGE}.memberStateFile.contact.phone`] },
      { category: 'TRAVEL', basis: 'CONSENT', rule: 'partner.continuity-of-care', paths: [`${PAGE}.memberStateFile.travel.arrival`] },
    ],
    denied: [{ category: 'HEALTH', code: 'CONSENT_REQUIRED', rule: 'partner.continuity-of-care', paths: [`${PAGE}.memberStateFile.medical`, `${PAGE}.partnerFile.healthAssistance`], probability: 0.8 }],
  },
  {
    name: 'referral-denied',
    organisation: ORGANISATIONS.IQ_AUTHORITY,
    country: 'IQ',
    roles: ['COO_AUTHORITY'],
    purpose: 'REFERRAL',
    operation: { type: 'query', name: 'ReferralLookup' },
    subgraphs: ['be-cases', 'central'],
    cases: { gateway: 1, typical: 1 },
    released: [],
    denied: [
      { category: 'IDENTITY', code: 'TRANSFER_BLOCKED', rule: 'transfer.never-to-country-of-origin-authority', paths: ['case.memberStateFile.identity'], probability: 1 },
      { category: 'ASYLUM_HISTORY', code: 'TRANSFER_BLOCKED', rule: 'transfer.never-to-country-of-origin-authority', paths: ['case.memberStateFile.asylumHistory'], probability: 1 },
    ],
  },
];
/**
 * - `typical`: what a hub mostly records — single-case lookups (3–7 categories), a partner's page of
 *   5 cases, a programme manager's page of 10, a denied referral lookup, refusals. About 1.5 KB a
 *   record.
 * - `gateway`: the HTTP benchmark's workloads as they are (pages of 50 and 20 cases with every
 *   path listed per case): about 10 KB a record on average, up to 43 KB.
 */
export const MIXES = {
  typical: { 'case-file': 60, 'partner-care': 15, 'programme-page': 5, 'referral-denied': 15, refused: 5 },
  gateway: { 'case-file': 55, 'partner-care': 15, 'programme-page': 15, 'referral-denied': 10, refused: 5 },
} as const satisfies Record<string, Record<Scenario['name'] | 'refused', number>>;
export type Mix = keyof typeof MIXES;

/** Generates records of `mix` in a fixed order from `seed`; `caseRefs` bounds the case references used. */
export function recordGenerator(seed = 1, mix: Mix = 'typical', caseRefs = DEFAULT_CASE_REFS): (time?: Date) => AuditContent {
  const random = prng(seed);
  const weights = MIXES[mix];
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  let n = 0;
  return (time = new Date()) => {
    n++;
    const requestId = `bench-${seed}-${n}`;
    let pick = random() * total;
    const scenario = SCENARIOS.find((s) => (pick -= weights[s.name]) < 0);
    if (!scenario) {
      return {
        v: 2,
        kind: 'ACCESS',
        time: time.toISOString(),
        requestId,
        caller: null,
        purpose: null,
        operation: null,
        outcome: 'REFUSED',
        code: 'HUB_AUTH_TOKEN_EXPIRED',
        subgraphs: [],
        cases: [],
        accesses: [],
        paths: [],
        incidents: [],
        requestHash: hex(`request ${n}`),
        responseHash: hex('HUB_AUTH_TOKEN_EXPIRED'),
      };
    }
    const refs = new Set<string>();
    const caseCount = scenario.cases[mix];
    const categories =
      mix === 'typical' && scenario.minReleased !== undefined
        ? scenario.released.filter((_, i) => i < scenario.minReleased! || random() < 0.5)
        : scenario.released;
    while (refs.size < caseCount) refs.add(benchCaseRef(1 + Math.floor(random() * caseRefs)));
    let released = 0;
    let denied = 0;
    const cases: CaseAccess[] = [...refs].sort().map((ref) => {
      const entry: CaseAccess = {
        ref,
        released: categories.map((r) => ({ ...r, paths: [...r.paths] })),
        denied: scenario.denied.filter((d) => random() < d.probability).map(({ probability: _p, ...d }) => ({ ...d, paths: [...d.paths] })),
      };
      released += entry.released.length;
      denied += entry.denied.length;
      return entry;
    });
    const official = 1 + Math.floor(random() * 40);
    return {
      v: 2,
      kind: 'ACCESS',
      time: time.toISOString(),
      requestId,
      // Nested keys in RFC 8785 order, as the gateway builds its records (gateway/auditPlugin.ts).
      caller: {
        country: scenario.country,
        issuer: devIssuerUrl(scenario.organisation),
        officialId: `${scenario.country.toLowerCase()}-official-${official}`,
        organisation: scenario.organisation,
        roles: [...scenario.roles],
      },
      purpose: scenario.purpose,
      operation: { hash: hex(scenario.operation.name), name: scenario.operation.name, type: scenario.operation.type },
      outcome: denied === 0 ? 'OK' : released === 0 ? 'DENIED' : 'PARTIAL',
      subgraphs: [...scenario.subgraphs],
      ...groupCaseAccesses(cases),
      incidents: [],
      requestHash: hex(`request ${n}`),
      responseHash: hex(`response ${n}`),
    };
  };
}
