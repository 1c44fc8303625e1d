/**
 * The subgraph lint used by composition and by the registry. Rules run in the order listed; each
 * reports through the context and never throws, like graphql-js validation.
 * @module schema/lint
 */
import { parse, visit, visitInParallel, type DocumentNode } from 'graphql';
import { CategoryAllowedRule } from './CategoryAllowedRule.js';
import { ContributionAllowedRule } from './ContributionAllowedRule.js';
import { DenialStaysLocalRule } from './DenialStaysLocalRule.js';
import { LintError, type LintContext, type LintOptions, type LintRule } from './LintContext.js';
import { PersonalDataDeclaredRule } from './PersonalDataDeclaredRule.js';
import { ProtectedCoordinatesRule } from './ProtectedCoordinatesRule.js';
import { ReferenceDataRule } from './ReferenceDataRule.js';
import { expandReferenceData } from '../referenceData.js';

export { LintError, type LintRule, type LintContext, type LintOptions } from './LintContext.js';
export { PersonalDataDeclaredRule, PERSONAL_DATA_UNDECLARED } from './PersonalDataDeclaredRule.js';
export { CategoryAllowedRule, CATEGORY_NOT_ALLOWED } from './CategoryAllowedRule.js';
export { ContributionAllowedRule, CONTRIBUTION_NOT_ALLOWED } from './ContributionAllowedRule.js';
export { ProtectedCoordinatesRule, PROTECTED_COORDINATE } from './ProtectedCoordinatesRule.js';
export { DenialStaysLocalRule, DENIAL_NOT_LOCAL } from './DenialStaysLocalRule.js';
export { ReferenceDataRule, TYPE_CATEGORY_NOT_ALLOWED, REFERENCE_DATA_REACHABLE_FROM_CASE } from './ReferenceDataRule.js';

/** The rules every subgraph must pass, in order. The last three apply when the registry gives limits. */
export const specifiedLintRules: readonly LintRule[] = Object.freeze([
  // Only reference data, which no case reaches, is marked as a whole (../referenceData.ts).
  ReferenceDataRule,
  // Every field declares a GDPR data category (DESIGN §5), itself or through its type's mark.
  PersonalDataDeclaredRule,
  // A field that can be denied apart from its parent is nullable, so its denial nulls only itself.
  DenialStaysLocalRule,
  // Central types and fields are the hub's (DESIGN §7: no redefinition of central types).
  ProtectedCoordinatesRule,
  // Only the categories the participant was onboarded for (DESIGN §7).
  CategoryAllowedRule,
  // Only the types and fields the participant may contribute (DESIGN §7).
  ContributionAllowedRule,
]);

/** Past this many findings the lint stops: a hostile SDL must not make the hub build huge reports. */
const MAX_ERRORS = 100;

export function lintSubgraph(
  subgraphName: string,
  sdl: string | DocumentNode,
  options: LintOptions = {},
  rules: readonly LintRule[] = specifiedLintRules,
): LintError[] {
  // A type marked NOT_PERSONAL as a whole lends the mark to its unmarked fields before any rule looks.
  const document = expandReferenceData(typeof sdl === 'string' ? parse(sdl) : sdl);
  const errors: LintError[] = [];
  const context: LintContext = {
    subgraphName,
    document,
    options,
    reportError(error) {
      if (errors.length >= MAX_ERRORS) return;
      errors.push(error);
    },
  };
  visit(document, visitInParallel(rules.map((rule) => rule(context))));
  return errors;
}

export { LintError as SubgraphLintError };
