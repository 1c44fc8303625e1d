/**
 * Reserved names
 *
 * Refuses every name a client writes that begins with `__`: aliases, operation names, fragment
 * names and variable names. GraphQL reserves the prefix for introspection; the hub reserves it for
 * the selections it adds to a client's document (case references, runtime types, placeholders:
 * staticPlan.ts). A client alias that took one of those names would share a response key with
 * the gateway's own selection, and the gateway attributes fields to cases by those keys — so a
 * client could have data served that its audit record does not show. With the prefix refused,
 * the client's namespace and the gateway's are disjoint by construction; the gateway's names also
 * carry a random part drawn per process, so they cannot be guessed either.
 *
 * `__typename`, `__schema` and `__type` are field names, not aliases, and stay as they are. The
 * error names the kind of name, never the name itself (it is client text).
 */
import type { ASTVisitor, NameNode, ValidationContext, ValidationRule } from 'graphql';
import { limitError } from '../limits/limitError.js';

const reserved = (name: NameNode | undefined): name is NameNode => name !== undefined && name.value.startsWith('__');

export const ReservedNamesRule: ValidationRule = (context: ValidationContext): ASTVisitor => {
  // One error per kind is enough to say what to rename; a document of a thousand such aliases
  // does not get a thousand errors.
  const reported = new Set<string>();
  const refuse = (kind: string, name: NameNode) => {
    if (reported.has(kind)) return;
    reported.add(kind);
    context.reportError(limitError('HUB_RESERVED_NAME', [kind], name));
  };
  return {
    Field(node) {
      if (reserved(node.alias)) refuse('alias', node.alias);
    },
    OperationDefinition(node) {
      if (reserved(node.name)) refuse('operation', node.name);
    },
    FragmentDefinition(node) {
      if (reserved(node.name)) refuse('fragment', node.name);
    },
    VariableDefinition(node) {
      if (reserved(node.variable.name)) refuse('variable', node.variable.name);
    },
  };
};
