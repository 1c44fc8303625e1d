/**
 * The shared vocabulary as data: the SDL every subgraph includes, the directive's `@link`, and the
 * category, purpose and role lists the policy, the gateway and every subgraph work with.
 */
import { readFileSync } from 'node:fs';

export const COMMON_SDL = readFileSync(new URL('./common.graphql', import.meta.url), 'utf8');

/** The identity of the personal-data directive's spec, imported through its own `@link`. */
export const GDPR_SPEC_URL = 'https://specs.continuum.example/gdpr/v1.0';
export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.7';
export const PERSONAL_DATA_DIRECTIVE = 'personalData';

/** The `extend schema @link(…)` header every Continuum subgraph starts with. */
export const SUBGRAPH_LINK_HEADER = `extend schema
  @link(url: "${FEDERATION_SPEC_URL}", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@composeDirective", "@inaccessible"])
  @link(url: "${GDPR_SPEC_URL}", import: ["@${PERSONAL_DATA_DIRECTIVE}"])
  @composeDirective(name: "@${PERSONAL_DATA_DIRECTIVE}")
`;

export const DATA_CATEGORIES = [
  'IDENTITY',
  'CONTACT',
  'COUNSELLING',
  'VULNERABILITY',
  'HEALTH',
  'RETURN_DECISION',
  'ASYLUM_HISTORY',
  'TRAVEL',
  'REINTEGRATION',
  'MONITORING',
  'REFERRAL',
  'CASE_ADMIN',
  'CONSENT',
  'AUDIT',
  'STATISTICS',
  'NOT_PERSONAL',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** GDPR Art. 9 special categories: released only for continuity of care or vital interests abroad. */
export const SPECIAL_CATEGORIES: ReadonlySet<DataCategory> = new Set(['HEALTH']);

export const PURPOSES = [
  'RETURN_COUNSELLING',
  'RETURN_PREPARATION',
  'CONTINUITY_OF_CARE',
  'REINTEGRATION_ASSISTANCE',
  'REFERRAL',
  'MONITORING_EVALUATION',
  'STATISTICS',
  'AUDIT',
  'OPERATIONS',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * The roles a trusted issuer may assert for one of its officials. A role says what kind of work
 * the official does; the policy (auth/policy) decides what each role may see for which purpose.
 */
export const ROLES = [
  'MS_COUNSELLOR',
  'MS_CASE_OFFICER',
  'EU_PROGRAMME_MANAGER',
  'REINTEGRATION_PARTNER',
  'COO_AUTHORITY',
  'RESEARCHER',
  'AUDITOR',
  'DPO',
  'HUB_OPERATOR',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isDataCategory(value: unknown): value is DataCategory {
  return typeof value === 'string' && (DATA_CATEGORIES as readonly string[]).includes(value);
}

export function isPurpose(value: unknown): value is Purpose {
  return typeof value === 'string' && (PURPOSES as readonly string[]).includes(value);
}

export const CONTINUUM_STATUSES = [
  'COUNSELLING',
  'ASSESSMENT',
  'RETURN_PREPARATION',
  'RETURNED',
  'REINTEGRATION',
  'MONITORING',
  'CLOSED',
  'REMIGRATED',
] as const;
export type ContinuumStatus = (typeof CONTINUUM_STATUSES)[number];

export const RETURN_TYPES = ['ASSISTED_VOLUNTARY', 'VOLUNTARY_DEPARTURE', 'ENFORCED'] as const;
export type ReturnType = (typeof RETURN_TYPES)[number];

/** The common Member State case-file shape (interface MemberStateFile and its value types). */
export const MEMBER_STATE_SDL = readFileSync(new URL('./member-state.graphql', import.meta.url), 'utf8');
