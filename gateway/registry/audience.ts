/**
 * Who may receive a data category, computed from the policy, so the registry can tell whether a
 * category change widens or narrows who sees a field (schema/changes.ts). An audience is, per
 * (role, purpose, relationship, where the recipient is), how freely the category is released:
 * not at all, only with the data subject's consent, or on a basis that needs none. The transfer
 * gate's category rules count (special categories abroad, categories never sent to a
 * country-of-origin authority). NOT_PERSONAL, and a field without a category, reach everyone.
 * A hand-written list would drift from the policy; this reads the policy itself (docs/POLICY.md).
 */
import type { Policy } from '../../auth/policy.js';
import { DATA_CATEGORIES, SPECIAL_CATEGORIES, type DataCategory } from '../../contract/index.js';
import type { CategoryClassifier } from '../../schema/changes.js';

/** 1: released with consent; 2: released without. Absent keys: not released. */
type Audience = ReadonlyMap<string, 1 | 2>;

const LOCATIONS = ['EU/EEA', 'third country'] as const;

function audienceOf(policy: Policy, category: DataCategory): Audience {
  const audience = new Map<string, 1 | 2>();
  const { transfers } = policy.document;
  for (const rule of policy.document.rules) {
    for (const grant of rule.grants) {
      if (!grant.categories.includes(category as Exclude<DataCategory, 'NOT_PERSONAL'>)) continue;
      for (const role of rule.roles) {
        if (role === 'COO_AUTHORITY' && transfers.neverToCountryOfOriginAuthorities.includes(category as Exclude<DataCategory, 'NOT_PERSONAL'>)) continue;
        for (const purpose of rule.purposes) {
          for (const location of LOCATIONS) {
            if (location === 'third country' && SPECIAL_CATEGORIES.has(category) && !transfers.specialCategoryPurposes.includes(purpose)) continue;
            const key = `${role}|${purpose}|${rule.relationship}|${location}`;
            const level = grant.consent ? 1 : 2;
            if ((audience.get(key) ?? 0) < level) audience.set(key, level);
          }
        }
      }
    }
  }
  return audience;
}

/** The policy's classifier of category changes, for diffSubgraphSdl. */
export function categoryClassifier(policy: Policy): CategoryClassifier {
  const audiences = new Map<DataCategory, Audience>(DATA_CATEGORIES.filter((c) => c !== 'NOT_PERSONAL').map((c) => [c, audienceOf(policy, c)]));
  const everyone = (c: DataCategory | null) => c === null || c === 'NOT_PERSONAL';
  return (from, to) => {
    if (everyone(from) && everyone(to)) return { breaking: false, widens: false, gained: [] };
    if (everyone(to)) return { breaking: false, widens: true, gained: [] };
    const after = audiences.get(to as DataCategory)!;
    if (everyone(from)) return { breaking: true, widens: false, gained: [] };
    const before = audiences.get(from as DataCategory)!;
    const gained = new Set<string>();
    for (const [key, level] of after) {
      if ((before.get(key) ?? 0) >= level) continue;
      const [role, purpose] = key.split('|');
      gained.add(`${role} for ${purpose}`);
    }
    const breaking = [...before].some(([key, level]) => (after.get(key) ?? 0) < level);
    return { breaking, widens: gained.size > 0, gained: [...gained].sort() };
  };
}
