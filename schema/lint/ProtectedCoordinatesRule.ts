/**
 * Central types are the hub's
 *
 * The case index, consents and the access log are defined by the central subgraph alone. Another
 * subgraph may not define a central type (Consent, AuditRecord…) nor a central field of a shared
 * entity (Case.status, Case.assignedPartner…), which would let it answer for the hub — only extend
 * an entity by its key.
 */
import { Kind, type ConstDirectiveNode, type FieldDefinitionNode } from 'graphql';
import { LintError, type LintRule } from './LintContext.js';

export const PROTECTED_COORDINATE = 'LINT_PROTECTED_COORDINATE';

export const ProtectedCoordinatesRule: LintRule = (context) => {
  const protectedCoordinates = context.options.protectedCoordinates;
  if (!protectedCoordinates) return {};
  const visit = (node: { name: { value: string }; directives?: readonly ConstDirectiveNode[]; fields?: readonly FieldDefinitionNode[] }) => {
    const type = node.name.value;
    const keys = new Set<string>();
    for (const directive of node.directives ?? []) {
      const fields = directive.name.value === 'key' ? directive.arguments?.find((a) => a.name.value === 'fields')?.value : undefined;
      if (fields?.kind === Kind.STRING) fields.value.split(/[\s{}]+/).filter(Boolean).forEach((k) => keys.add(k));
    }
    if (protectedCoordinates.has(type)) {
      context.reportError(new LintError(PROTECTED_COORDINATE, `Type "${type}" belongs to the hub's central subgraph; subgraph "${context.subgraphName}" may not define it.`, node as never));
      return;
    }
    for (const field of node.fields ?? []) {
      const coordinate = `${type}.${field.name.value}`;
      if (protectedCoordinates.has(coordinate) && !keys.has(field.name.value)) {
        context.reportError(new LintError(PROTECTED_COORDINATE, `Field "${coordinate}" belongs to the hub's central subgraph; subgraph "${context.subgraphName}" may not define it.`, field));
      }
    }
  };
  return { ObjectTypeDefinition: visit, ObjectTypeExtension: visit, InterfaceTypeDefinition: visit, InterfaceTypeExtension: visit };
};
