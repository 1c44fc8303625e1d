/**
 * Max aliases
 *
 * Refuses an operation with more than `maxAliases` aliased fields. Aliases let one request ask
 * for the same field many times (`a1: case(ref: …) a2: case(ref: …) …`): a thousand of them turn
 * one authenticated request into a thousand lookups, each with its own access decisions, and
 * into a cheap way to probe case references in bulk.
 *
 * Counted over the operation's expansion: an alias inside a fragment counts each time the
 * fragment is spread, because each spread under another path is another lookup — two aliases
 * per fragment, nested a dozen fragments deep, would otherwise be 4,096 lookups for 24 aliases
 * in the document. Each fragment's count is computed once (./expansion.ts), so the rule takes
 * time proportional to the document; counts saturate instead of overflowing.
 */
import type { ASTVisitor, FieldNode, ValidationContext, ValidationRule } from 'graphql';
import { fragmentScope, measure, saturate, type Fold } from './expansion.js';
import { limitError } from './limitError.js';

export const ALIASES: Fold<number> = Object.freeze({
  empty: 0,
  combine: (a: number, b: number) => saturate(a + b),
  field: (node: FieldNode, _definition: unknown, _parent: unknown, below: number) => saturate((node.alias ? 1 : 0) + below),
});

export function MaxAliasesRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const scope = fragmentScope<number>((name) => context.getFragment(name));
    return {
      OperationDefinition(node) {
        const schema = context.getSchema();
        const aliases = measure(schema, scope, node.selectionSet, schema.getRootType(node.operation) ?? undefined, ALIASES).value;
        // One error at the operation: locating every alias would make the error as large as the attack.
        if (aliases > maxAliases) context.reportError(limitError('HUB_LIMIT_ALIASES', [aliases, maxAliases], node));
        return false;
      },
    };
  };
}
