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
