/**
 * The shared vocabulary as data: the SDL every subgraph includes, the directive's `@link`, and the
 * category and purpose lists the policy and the gateway work with.
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
