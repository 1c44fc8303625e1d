/**
 * Max cost
 *
 * Refuses an operation whose estimated size — the number of fields it could return — is over
 * `maxCost`. Depth and alias limits do not see multiplication: `cases(first: 100)` with three
 * nested lists under each case is a few hundred bytes of query and tens of thousands of fields
 * of answer, each released field a policy decision and each list a subgraph fetch.
 *
 * The estimate: every field counts 1, times the size of every list it sits in. A field with a
 * `first` or `last` argument is a page of that size (a variable counts as its default, else as
 * `maxPageSize`; an omitted argument as the schema's default); the `edges`/`nodes` of a
 * `…Connection` are that page, not another multiplier; any other list of objects counts as
 * `assumedListSize` items, and a list of scalars or enum values as one value. Inline fragments on different types are added up, not maxed: the
 * estimate errs towards refusing. `__typename` and introspection are free.
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type ASTVisitor,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { limitError } from './limitError.js';

export interface CostOptions {
  maxCost: number;
  /** Items assumed in a list that takes no page size. @default 10 */
  assumedListSize: number;
  /** What a page size given as a variable without a default counts as. @default 100 */
  maxPageSize: number;
}

const PAGE_ARGUMENTS = new Set(['first', 'last']);
const PAGE_CONTENT = new Set(['edges', 'nodes']);

export function MaxCostRule(options: CostOptions): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();

    const pageSize = (field: FieldNode, definition: GraphQLField<unknown, unknown>, operation: OperationDefinitionNode): number | undefined => {
      for (const argument of definition.args) {
        if (!PAGE_ARGUMENTS.has(argument.name)) continue;
        const given = field.arguments?.find((a) => a.name.value === argument.name);
        if (!given) {
          if (typeof argument.defaultValue === 'number') return argument.defaultValue;
          continue;
        }
        if (given.value.kind === 'IntValue') return Number(given.value.value);
        if (given.value.kind === 'Variable') {
          const name = given.value.name.value;
          const declared = operation.variableDefinitions?.find((v) => v.variable.name.value === name)?.defaultValue;
          return declared?.kind === 'IntValue' ? Number(declared.value) : options.maxPageSize;
        }
      }
      return undefined;
    };

    const costOf = (operation: OperationDefinitionNode) => {
      const fragmentCosts = new Map<string, number>();
      const visiting = new Set<string>();

      const selectionCost = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType): number => {
        let total = 0;
        for (const selection of selectionSet.selections) {
          if (selection.kind === 'Field') {
            const name = selection.name.value;
            if (name.startsWith('__')) continue;
            const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
            if (!definition) continue; // unknown fields are FieldsOnCorrectTypeRule's to report
            let multiplier = pageSize(selection, definition, operation);
            const named = getNamedType(definition.type);
            if (multiplier === undefined) {
              const isList = isListType(getNullableType(definition.type));
              // A list of scalars or enum values is one value (one resolver, one decision), not a fan-out.
              const fansOut = isList && isCompositeType(named) && !(PAGE_CONTENT.has(name) && parent.name.endsWith('Connection'));
              multiplier = fansOut ? options.assumedListSize : 1;
            }
            const below = selection.selectionSet && isCompositeType(named) ? selectionCost(selection.selectionSet, named) : 0;
            total += Math.max(multiplier, 0) * (1 + below);
          } else if (selection.kind === 'InlineFragment') {
            const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
            if (type && isCompositeType(type)) total += selectionCost(selection.selectionSet, type);
          } else {
            const name = selection.name.value;
            let cost = fragmentCosts.get(name);
            if (cost === undefined) {
              const fragment = context.getFragment(name);
              const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
              if (!fragment || !type || !isCompositeType(type) || visiting.has(name)) continue; // cycles: NoFragmentCyclesRule
              visiting.add(name);
              cost = selectionCost(fragment.selectionSet, type);
              visiting.delete(name);
              fragmentCosts.set(name, cost);
            }
            total += cost;
          }
          // Past the budget the exact figure no longer matters, and it could grow without bound.
          if (total > options.maxCost) return total;
        }
        return total;
      };

      const root = schema.getRootType(operation.operation);
      return root ? selectionCost(operation.selectionSet, root) : 0;
    };

    return {
      OperationDefinition(node) {
        const cost = costOf(node);
        if (cost > options.maxCost) context.reportError(limitError('HUB_LIMIT_COST', [options.maxCost], node));
        return false;
      },
    };
  };
}
