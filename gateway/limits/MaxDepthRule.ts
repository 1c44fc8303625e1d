/**
 * Max depth
 *
 * Refuses an operation whose fields nest deeper than `maxDepth`, counting through fragment
 * spreads and inline fragments. A "depth bomb" (`cases { edges { node { … } } }` repeated
 * through fragments, or any pathologically nested selection) costs the planner and every
 * subgraph work out of proportion to its size; the hub's deepest legitimate operations stay well
 * under the default of 12.
 *
 * Introspection subtrees (`__schema`, `__type`) are measured by `MaxIntrospectionNestingRule`
 * against their own limit: the standard introspection query is 15 levels deep by nature.
 * Each fragment's depth is computed once and the walk is iterative (./expansion.ts), so the rule
 * takes time proportional to the document and no nesting can exhaust the stack; fragment cycles
 * are left to `NoFragmentCyclesRule`, and do not make this rule loop.
 */
import type { ASTVisitor, FieldNode, ValidationContext, ValidationRule } from 'graphql';
import { fragmentScope, measure, type Fold } from './expansion.js';
import { limitError } from './limitError.js';

const isIntrospection = (field: FieldNode) => field.name.value === '__schema' || field.name.value === '__type';

/** Fields nested below a selection set, introspection subtrees left out. */
export const DEPTH: Fold<number> = Object.freeze({
  empty: 0,
  combine: Math.max,
  field: (node: FieldNode, _definition: unknown, _parent: unknown, below: number) => (isIntrospection(node) ? 0 : 1 + below),
});

export function MaxDepthRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const scope = fragmentScope<number>((name) => context.getFragment(name));
    return {
      OperationDefinition(node) {
        const depth = measure(context.getSchema(), scope, node.selectionSet, context.getSchema().getRootType(node.operation) ?? undefined, DEPTH).value;
        if (depth > maxDepth) context.reportError(limitError('HUB_LIMIT_DEPTH', [maxDepth], node));
        return false;
      },
    };
  };
}
