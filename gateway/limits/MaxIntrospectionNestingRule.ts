/**
 * Max introspection nesting
 *
 * Refuses an operation whose introspection (`__schema`, `__type`) nests fields more than
 * `maxIntrospectionDepth` levels deep. Nothing in the schema stops `ofType { ofType { … } }`
 * from going on for as long as the token limit allows, and executing 1,500 levels of it exhausts
 * the gateway's call stack. graphql-js's own `MaxIntrospectionDepthRule` (among the specified
 * rules) only bounds the nesting of introspection *lists* (`fields`, `interfaces`,
 * `possibleTypes`, `inputFields`: fewer than 3), not `ofType` chains or depth as such.
 *
 * The standard introspection query (`getIntrospectionQuery()`, which GraphiQL and the Explorer
 * send) is 15 levels deep; the default of 20 leaves room for clients that ask for a few more
 * levels of wrapped types. Counted like `MaxDepthRule`, from the introspection field down: each
 * fragment once, iteratively, cycles left to `NoFragmentCyclesRule`.
 */
import type { ASTVisitor, FieldNode, ValidationContext, ValidationRule } from 'graphql';
import { fragmentScope, measure, type Fold } from './expansion.js';
import { limitError } from './limitError.js';

interface Nesting {
  /** Every field below, introspection or not. */
  all: number;
  /** The deepest introspection subtree below, from its `__schema` or `__type` field down. */
  introspection: number;
}

const isIntrospection = (field: FieldNode) => field.name.value === '__schema' || field.name.value === '__type';

export const INTROSPECTION_DEPTH: Fold<Nesting> = Object.freeze({
  empty: Object.freeze({ all: 0, introspection: 0 }),
  combine: (a: Nesting, b: Nesting) => ({ all: Math.max(a.all, b.all), introspection: Math.max(a.introspection, b.introspection) }),
  field: (node: FieldNode, _definition: unknown, _parent: unknown, below: Nesting) => ({ all: 1 + below.all, introspection: isIntrospection(node) ? 1 + below.all : below.introspection }),
});

export function MaxIntrospectionNestingRule(maxIntrospectionDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const scope = fragmentScope<Nesting>((name) => context.getFragment(name));
    return {
      OperationDefinition(node) {
        const schema = context.getSchema();
        const { introspection } = measure(schema, scope, node.selectionSet, schema.getRootType(node.operation) ?? undefined, INTROSPECTION_DEPTH).value;
        if (introspection > maxIntrospectionDepth) context.reportError(limitError('HUB_LIMIT_INTROSPECTION_DEPTH', [maxIntrospectionDepth], node));
        return false;
      },
    };
  };
}
