/**
 * Contributions within the participant's remit
 *
 * A participant adds only the types and fields it was onboarded to contribute: a whole type it
 * owns (`Referral`) or a field on a shared entity (`Case.referrals`). Key fields of an entity it
 * extends (`Case.ref`) are always allowed: it must name the entity to extend it. Central types
 * and fields are guarded separately (ProtectedCoordinatesRule).
 */
import { Kind, type ConstDirectiveNode, type FieldDefinitionNode } from 'graphql';
import { LintError, UNCATEGORISED_TYPES, VOCABULARY_TYPES, type LintRule } from './LintContext.js';

export const CONTRIBUTION_NOT_ALLOWED = 'LINT_CONTRIBUTION_NOT_ALLOWED';

function keyFields(directives: readonly ConstDirectiveNode[] | undefined): Set<string> {
  const keys = new Set<string>();
  for (const directive of directives ?? []) {
    if (directive.name.value !== 'key') continue;
    const fields = directive.arguments?.find((a) => a.name.value === 'fields')?.value;
    if (fields?.kind === Kind.STRING) for (const name of fields.value.split(/[\s{}]+/).filter(Boolean)) keys.add(name);
  }
  return keys;
}

export const ContributionAllowedRule: LintRule = (context) => {
  const allowed = context.options.allowedContributions;
  if (!allowed) return {};
  const visit = (node: {
    kind: string;
    name: { value: string };
    directives?: readonly ConstDirectiveNode[];
    fields?: readonly FieldDefinitionNode[];
  }) => {
    const type = node.name.value;
    if (VOCABULARY_TYPES.has(type) || allowed.includes(type)) return;
    if (UNCATEGORISED_TYPES.has(type) && !['Query', 'Mutation', 'Subscription'].includes(type)) return;
    const keys = keyFields(node.directives);
    for (const field of node.fields ?? []) {
      const coordinate = `${type}.${field.name.value}`;
      if (keys.has(field.name.value) || allowed.includes(coordinate)) continue;
      context.reportError(
        new LintError(CONTRIBUTION_NOT_ALLOWED, `Subgraph "${context.subgraphName}" may not contribute "${coordinate}" (allowed: ${[...allowed].join(', ') || 'nothing'}).`, field),
      );
    }
  };
  const visitNamed = (node: { kind: string; name: { value: string } }) => {
    const type = node.name.value;
    if (VOCABULARY_TYPES.has(type) || allowed.includes(type)) return;
    context.reportError(new LintError(CONTRIBUTION_NOT_ALLOWED, `Subgraph "${context.subgraphName}" may not define type "${type}".`, node as never));
  };
  return {
    ObjectTypeDefinition: visit,
    ObjectTypeExtension: visit,
    InterfaceTypeDefinition: visit,
    InterfaceTypeExtension: visit,
    EnumTypeDefinition: visitNamed,
    InputObjectTypeDefinition: visitNamed,
    UnionTypeDefinition: visitNamed,
    ScalarTypeDefinition: visitNamed,
  };
};
