/**
 * Reference data stays apart from cases
 *
 * A type marked as a whole (`type Currency @personalData(category: NOT_PERSONAL)`) is reference
 * data: every field this subgraph declares on it without a mark of its own is NOT_PERSONAL
 * (../referenceData.ts). Only NOT_PERSONAL can be said of a whole type — personal data is marked
 * field by field, so that nothing is released by a category nobody looked at — and only of a type
 * no case reaches: a type holding a case reference, or reachable from one through this subgraph's
 * fields, is case data, and its fields keep their marks one by one. Composition checks the same
 * across subgraphs (schema/compose.ts).
 */
import { Kind, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from 'graphql';
import { PERSONAL_DATA_DIRECTIVE } from '../vocabulary.js';
import { caseReachable, documentGraph, typeLevelCategory } from '../referenceData.js';
import { LintError, type LintContext, type LintRule } from './LintContext.js';

export const TYPE_CATEGORY_NOT_ALLOWED = 'LINT_TYPE_CATEGORY_NOT_ALLOWED';
export const REFERENCE_DATA_REACHABLE_FROM_CASE = 'LINT_REFERENCE_DATA_REACHABLE_FROM_CASE';

export const ReferenceDataRule: LintRule = (context: LintContext) => {
  let reached: Set<string> | undefined;
  const check = (node: ObjectTypeDefinitionNode | ObjectTypeExtensionNode) => {
    const category = typeLevelCategory(node);
    if (category === undefined) return;
    const type = node.name.value;
    if (category !== 'NOT_PERSONAL') {
      context.reportError(
        new LintError(
          TYPE_CATEGORY_NOT_ALLOWED,
          `Type "${type}" in subgraph "${context.subgraphName}" is marked @${PERSONAL_DATA_DIRECTIVE}(category: ${category || '…'}) as a whole: ` +
            'only NOT_PERSONAL (reference data) can be said of a whole type; mark personal fields one by one.',
          node,
        ),
      );
      return;
    }
    reached ??= (() => {
      const { fieldsOf, caseHolders } = documentGraph(context.document);
      return caseReachable(fieldsOf, caseHolders);
    })();
    if (reached.has(type)) {
      context.reportError(
        new LintError(
          REFERENCE_DATA_REACHABLE_FROM_CASE,
          `Type "${type}" in subgraph "${context.subgraphName}" is marked NOT_PERSONAL as a whole, but a case reaches it: ` +
            'types that hold or are reachable from a case reference keep their marks field by field.',
          node,
        ),
      );
    }
  };
  return { [Kind.OBJECT_TYPE_DEFINITION]: check, [Kind.OBJECT_TYPE_EXTENSION]: check };
};
