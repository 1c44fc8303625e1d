/**
 * Categories within the participant's remit
 *
 * A participant serves only the data categories the hub operator onboarded it for: a referral
 * mechanism that suddenly declares HEALTH fields is refused, however well its SDL composes.
 */
import type { FieldDefinitionNode } from 'graphql';
import { declaredCategoryOf } from '../../contract/index.js';
import { LintError, type LintRule } from './LintContext.js';

export const CATEGORY_NOT_ALLOWED = 'LINT_CATEGORY_NOT_ALLOWED';

export const CategoryAllowedRule: LintRule = (context) => {
  const allowed = context.options.allowedCategories;
  if (!allowed) return {};
  const check = (typeName: string, field: FieldDefinitionNode) => {
    const category = declaredCategoryOf(field);
    if (category === undefined || category === 'NOT_PERSONAL' || allowed.includes(category)) return;
    context.reportError(
      new LintError(
        CATEGORY_NOT_ALLOWED,
        `Field "${typeName}.${field.name.value}" declares category ${category}, which subgraph "${context.subgraphName}" may not serve (allowed: ${[...allowed].join(', ') || 'none'}).`,
        field,
      ),
    );
  };
  const visit = (node: { name: { value: string }; fields?: readonly FieldDefinitionNode[] }) => node.fields?.forEach((f) => check(node.name.value, f));
  return { ObjectTypeDefinition: visit, ObjectTypeExtension: visit, InterfaceTypeDefinition: visit, InterfaceTypeExtension: visit };
};
