/**
 * Personal data declared
 *
 * Every field of every object and interface type a subgraph contributes must declare its data
 * category with `@personalData(category: …)`; a field that carries no personal data says so with
 * `NOT_PERSONAL`. Nothing becomes personal data by accident, and the gateway, which denies any
 * field without a category, never meets one it cannot decide on.
 */
import type { InterfaceTypeDefinitionNode, ObjectTypeDefinitionNode, ObjectTypeExtensionNode, InterfaceTypeExtensionNode } from 'graphql';
import { PERSONAL_DATA_DIRECTIVE, personalDataOf } from '../../contract/index.js';
import { LintError, UNCATEGORISED_TYPES, type LintContext, type LintRule } from './LintContext.js';

export const PERSONAL_DATA_UNDECLARED = 'LINT_PERSONAL_DATA_UNDECLARED';

export const PersonalDataDeclaredRule: LintRule = (context: LintContext) => {
  const check = (node: ObjectTypeDefinitionNode | ObjectTypeExtensionNode | InterfaceTypeDefinitionNode | InterfaceTypeExtensionNode) => {
    if (UNCATEGORISED_TYPES.has(node.name.value)) return;
    for (const field of node.fields ?? []) {
      if (personalDataOf(field) === undefined) {
        context.reportError(
          new LintError(
            PERSONAL_DATA_UNDECLARED,
            `Field "${node.name.value}.${field.name.value}" in subgraph "${context.subgraphName}" declares no data category: ` +
              `add @${PERSONAL_DATA_DIRECTIVE}(category: …), or category NOT_PERSONAL if it holds no personal data.`,
            field,
          ),
        );
      }
    }
  };
  return {
    ObjectTypeDefinition: check,
    ObjectTypeExtension: check,
    InterfaceTypeDefinition: check,
    InterfaceTypeExtension: check,
  };
};
