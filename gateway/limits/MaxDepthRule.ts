/**
 * Max depth
 *
 * Refuses an operation whose fields nest deeper than `maxDepth`, counting through fragment
 * spreads and inline fragments. A "depth bomb" (`cases { edges { node { … } } }` repeated
 * through fragments, or any pathologically nested selection) costs the planner and every
 * subgraph work out of proportion to its size; the hub's deepest legitimate operations stay well
 * under the default of 12.
 *
 * Introspection subtrees (`__schema`, `__type`) are not counted: GraphiQL's introspection query
 * is deep by nature, and graphql-js's own `MaxIntrospectionDepthRule` bounds its lists.
 * Fragment cycles are left to `NoFragmentCyclesRule`; this rule just does not loop on them.
 */
import type { ASTVisitor, FragmentDefinitionNode, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';
import { limitError } from './limitError.js';

export function MaxDepthRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    // Depth below each fragment's own selection set, computed once per document.
    const fragmentDepths = new Map<string, number>();
    const visiting = new Set<string>();

    const fragmentDepth = (fragment: FragmentDefinitionNode): number => {
      const name = fragment.name.value;
      const known = fragmentDepths.get(name);
      if (known !== undefined) return known;
      if (visiting.has(name)) return 0; // a cycle: NoFragmentCyclesRule reports it
      visiting.add(name);
      const depth = depthOf(fragment.selectionSet);
      visiting.delete(name);
      fragmentDepths.set(name, depth);
      return depth;
    };

    // Stops descending once past the limit: the answer is "too deep" either way.
    const depthOf = (selectionSet: SelectionSetNode, above = 0): number => {
      let deepest = 0;
      for (const selection of selectionSet.selections) {
        let depth: number;
        if (selection.kind === 'Field') {
          if (selection.name.value === '__schema' || selection.name.value === '__type') continue;
          depth = 1 + (selection.selectionSet && above < maxDepth ? depthOf(selection.selectionSet, above + 1) : 0);
        } else if (selection.kind === 'InlineFragment') {
          depth = depthOf(selection.selectionSet, above);
        } else {
          const fragment = context.getFragment(selection.name.value);
          depth = fragment ? fragmentDepth(fragment) : 0;
        }
        if (depth > deepest) deepest = depth;
      }
      return deepest;
    };

    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet);
        if (depth > maxDepth) context.reportError(limitError('HUB_LIMIT_DEPTH', [maxDepth], node));
        return false;
      },
    };
  };
}
