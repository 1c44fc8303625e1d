/**
 * The access policy as validated data. `auth/policy.yaml` is parsed and checked with zod at
 * start-up — a misconfigured policy stops the hub — and indexed by (role, purpose, category) so
 * that a decision is a few map look-ups.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { DATA_CATEGORIES, PURPOSES, type DataCategory, type Purpose } from '../contract/index.js';
import { ROLES, type Role } from './roles.js';

export const RELATIONSHIPS = ['OWNING_MEMBER_STATE', 'ASSIGNED_PARTNER', 'COUNTRY_OF_ORIGIN_AFTER_RETURN', 'EU_PROGRAMME', 'NONE'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

const Category = z.enum(DATA_CATEGORIES).refine((c) => c !== 'NOT_PERSONAL', 'NOT_PERSONAL needs no grant');

const PolicySchema = z
  .object({
    version: z.literal(1),
    legalBases: z.record(z.string().regex(/^[A-Z_]+$/), z.string().min(1)),
    relationships: z.record(z.enum(RELATIONSHIPS), z.string().min(1)),
    /** The organisation a relationship names: EU_PROGRAMME holds only for the programme's own officials. */
    parties: z.strictObject({
      EU_PROGRAMME: z.string().regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, 'must be an X-Road style organisation identifier INSTANCE/CLASS/CODE'),
    }),
    rules: z
      .array(
        z.strictObject({
          id: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'rule ids are lower-case dotted names'),
          description: z.string().min(1),
          roles: z.array(z.enum(ROLES)).min(1),
          purposes: z.array(z.enum(PURPOSES)).min(1),
          relationship: z.enum(RELATIONSHIPS),
          grants: z
            .array(
              z.strictObject({
                categories: z.array(Category).min(1),
                basis: z.string(),
                consent: z.boolean().default(false),
              }),
            )
            .min(1),
        }),
      )
      .min(1),
    transfers: z.strictObject({
      specialCategoryPurposes: z.array(z.enum(PURPOSES)),
      neverToCountryOfOriginAuthorities: z.array(Category),
      euEea: z.array(z.string().regex(/^[A-Z]{2}$/)).min(1),
      derogationMaxDays: z.int().min(1).max(366),
    }),
    changes: z.strictObject({
      consents: z.array(z.enum(ROLES)),
      transferBases: z.array(z.enum(ROLES)),
    }),
  })
  .superRefine((policy, ctx) => {
    const ids = new Set<string>();
    policy.rules.forEach((rule, i) => {
      if (ids.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${rule.id}"` });
      ids.add(rule.id);
      rule.grants.forEach((grant, j) => {
        if (rule.relationship === 'NONE' && grant.categories.some((c) => c !== 'AUDIT' && c !== 'STATISTICS')) {
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'grants', j, 'categories'], message: 'a rule without a case relationship may grant only AUDIT and STATISTICS' });
        }
        if (!Object.hasOwn(policy.legalBases, grant.basis)) {
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'grants', j, 'basis'], message: `unknown legal basis "${grant.basis}"` });
        }
      });
    });
  });

export type PolicyDocument = z.infer<typeof PolicySchema>;

/** One way a (role, purpose) may obtain a category: the rule, its relationship and basis. */
export interface Grant {
  rule: string;
  relationship: Relationship;
  basis: string;
  consent: boolean;
}

export interface Policy {
  readonly document: PolicyDocument;
  /** Grants for a category, for any of the caller's roles and the declared purpose (cached). */
  grantsFor(roles: readonly Role[], purpose: Purpose): ReadonlyMap<DataCategory, readonly Grant[]>;
  legalBasis(code: string): string;
  isEuEea(country: string): boolean;
  /** Whether one of `roles` may change `what` (for their own Member State only; see `changes:`). */
  mayChange(what: ChangeableFact, roles: readonly Role[]): boolean;
}

/** The facts the gates read that the typed API lets a Member State change. */
export type ChangeableFact = 'consents' | 'transferBases';

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export const DEFAULT_POLICY_PATH = new URL('./policy.yaml', import.meta.url);

export function parsePolicy(text: string, source = 'policy'): Policy {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new PolicyError(`${source}: not valid YAML: ${(error as Error).message}`);
  }
  const result = PolicySchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new PolicyError(`${source}: invalid policy: ${problems.join('; ')}`);
  }
  return indexPolicy(result.data);
}

export function loadPolicy(path: string | URL = DEFAULT_POLICY_PATH): Policy {
  return parsePolicy(readFileSync(path, 'utf8'), String(path));
}

function indexPolicy(document: PolicyDocument): Policy {
  // role → purpose → category → grants. Built once; look-ups allocate nothing.
  const index = new Map<Role, Map<Purpose, Map<DataCategory, Grant[]>>>();
  for (const rule of document.rules) {
    for (const role of rule.roles) {
      const byPurpose = index.get(role) ?? new Map<Purpose, Map<DataCategory, Grant[]>>();
      index.set(role, byPurpose);
      for (const purpose of rule.purposes) {
        const byCategory = byPurpose.get(purpose) ?? new Map<DataCategory, Grant[]>();
        byPurpose.set(purpose, byCategory);
        for (const grant of rule.grants) {
          for (const category of grant.categories) {
            const list = byCategory.get(category) ?? [];
            list.push({ rule: rule.id, relationship: rule.relationship, basis: grant.basis, consent: grant.consent });
            byCategory.set(category, list);
          }
        }
      }
    }
  }
  const merged = new Map<string, ReadonlyMap<DataCategory, readonly Grant[]>>();
  const byRolesArray = new WeakMap<readonly Role[], Map<Purpose, ReadonlyMap<DataCategory, readonly Grant[]>>>();
  const euEea = new Set(document.transfers.euEea);
  return {
    document,
    grantsFor(roles, purpose) {
      // Asked for every field decided; a request passes the same roles array each time, so the
      // answer is found by that array first and only built (and keyed by sorted roles) once.
      let byPurpose = byRolesArray.get(roles);
      if (!byPurpose) byRolesArray.set(roles, (byPurpose = new Map()));
      const known = byPurpose.get(purpose);
      if (known) return known;
      const key = `${[...roles].sort().join(',')}|${purpose}`;
      const cached = merged.get(key);
      if (cached) {
        byPurpose.set(purpose, cached);
        return cached;
      }
      const out = new Map<DataCategory, Grant[]>();
      for (const role of roles) {
        for (const [category, grants] of index.get(role)?.get(purpose) ?? []) {
          out.set(category, [...(out.get(category) ?? []), ...grants]);
        }
      }
      merged.set(key, out);
      byPurpose.set(purpose, out);
      return out;
    },
    legalBasis: (code) => document.legalBases[code] ?? code,
    isEuEea: (country) => euEea.has(country),
    mayChange: (what, roles) => roles.some((role) => document.changes[what].includes(role)),
  };
}
