/**
 * Max cost
 *
 * Refuses an operation whose estimated size — the number of fields it could return — is over
 * `maxCost`. Depth and alias limits do not see multiplication: `cases(first: 100)` with three
 * nested lists under each case is a few hundred bytes of query and tens of thousands of fields
 * of answer, each released field a policy decision and each list a subgraph fetch.
 *
 * The estimate: every field counts 1 (`__typename` and introspection fields too: they are work,
 * and a fragment bomb is made of them), times the size of every list it sits in. A field with a
 * page argument (`first`, `last`, `limit`, `pageSize`) is a page of that size; the `edges`/`nodes`
 * of a `…Connection` are that page, not another multiplier; any other list of objects counts as
 * `assumedListSize` items, and a list of scalars or enum values as one value. Inline fragments on
 * different types are added up, not maxed: the estimate errs towards refusing.
 *
 * The estimate is of what runs, so it is taken per request, on the request's coerced variables
 * (./requestCost.ts takes this rule's verdict once the operation is resolved, before anything is
 * planned): a page size in a variable is the value sent, or the variable's default when none is
 * sent. Where the variables are not known (they did not coerce, or the rule runs on a document
 * alone) a page size in a variable counts as `maxPageSize`; a page argument left out counts as
 * the schema's default, else as `maxPageSize`. A field with both `first` and `last` is the larger
 * page. Any field with a page argument is paged, list or not: the estimate errs towards refusing.
 *
 * Fragments are counted at every spread, each fragment's cost computed once (./expansion.ts): the
 * rule takes time proportional to the document, and a 1 KB document that expands to 2^40 fields
 * is refused for its 2^40 fields. Counts saturate instead of overflowing.
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type GraphQLArgument,
  type GraphQLError,
  type GraphQLField,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { fragmentScope, measure, saturate, type Fold, type Measured } from './expansion.js';
import { limitError } from './limitError.js';

export interface CostOptions {
  maxCost: number;
  /** Items assumed in a list that takes no page size. @default 5 */
  assumedListSize: number;
  /** What a page size that cannot be known counts as. @default 100 */
  maxPageSize: number;
}

/** The request a cost is taken for: its operation and coerced variable values. */
export interface CostedRequest {
  operation: OperationDefinitionNode;
  /** Coerced values (defaults applied); undefined when they are not known. */
  variables: Readonly<Record<string, unknown>> | undefined;
}

const PAGE_ARGUMENTS = new Set(['first', 'last', 'limit', 'pageSize']);
const PAGE_CONTENT = new Set(['edges', 'nodes']);

/** The fold behind the estimate: a field's cost from its own selection set's. */
export function costFold(options: CostOptions, variables: CostedRequest['variables']): Fold<number> & { readonly variablesConsulted: boolean } {
  const number = (value: unknown) => (typeof value === 'number' ? saturate(value) : options.maxPageSize);
  let variablesConsulted = false;

  /** The page one argument asks for; undefined when it is left out and has no default. */
  const asked = (node: FieldNode, argument: GraphQLArgument): number | undefined => {
    const given = node.arguments?.find((a) => a.name.value === argument.name)?.value;
    const byDefault = typeof argument.defaultValue === 'number' ? saturate(argument.defaultValue) : undefined;
    if (!given) return byDefault;
    if (given.kind === Kind.INT) return saturate(Number(given.value));
    if (given.kind === Kind.VARIABLE) {
      variablesConsulted = true;
      if (!variables) return options.maxPageSize;
      // Not sent and no default: the argument is left out, as graphql-js executes it.
      if (!Object.prototype.hasOwnProperty.call(variables, given.name.value)) return byDefault;
      return number(variables[given.name.value]);
    }
    return options.maxPageSize; // null, or a value of the wrong type (ValuesOfCorrectTypeRule reports it)
  };

  /** The largest page any page argument asks for (both `first` and `last`: errs towards refusing); undefined: not paged. */
  const pageSize = (node: FieldNode, definition: GraphQLField<unknown, unknown>): number | undefined => {
    let paged = false;
    let size: number | undefined;
    for (const argument of definition.args) {
      if (!PAGE_ARGUMENTS.has(argument.name)) continue;
      paged = true;
      const page = asked(node, argument);
      if (page !== undefined && (size === undefined || page > size)) size = page;
    }
    return paged ? (size ?? options.maxPageSize) : undefined;
  };

  return {
    get variablesConsulted() {
      return variablesConsulted;
    },
    empty: 0,
    combine: (a, b) => saturate(a + b),
    field(node, definition, parent, below) {
      if (!definition) return saturate(1 + below); // unknown fields are FieldsOnCorrectTypeRule's to report
      let multiplier = pageSize(node, definition);
      if (multiplier === undefined) {
        const isList = isListType(getNullableType(definition.type));
        // A list of scalars or enum values is one value (one resolver, one decision), not a fan-out;
        // the edges or nodes of a connection are its page, already counted.
        const connectionPage = PAGE_CONTENT.has(node.name.value) && parent?.name.endsWith('Connection') === true;
        multiplier = isList && isCompositeType(getNamedType(definition.type)) && !connectionPage ? options.assumedListSize : 1;
      }
      return saturate(multiplier * saturate(1 + below));
    },
  };
}

export interface Cost extends Measured<number> {
  /** Whether any page size came from a variable: if not, the estimate is the same for every request. */
  variablesConsulted: boolean;
}

/** The estimated cost of `operation` (and the selections walked to find it). */
export function operationCost(context: Pick<ValidationContext, 'getSchema' | 'getFragment'>, request: CostedRequest, options: CostOptions): Cost {
  const schema = context.getSchema();
  const scope = fragmentScope<number>((name) => context.getFragment(name));
  const fold = costFold(options, request.variables);
  const measured = measure(schema, scope, request.operation.selectionSet, schema.getRootType(request.operation.operation) ?? undefined, fold);
  return { ...measured, variablesConsulted: fold.variablesConsulted };
}

/** This rule's verdict, for the rule and for ./requestCost.ts: HUB_LIMIT_COST at the operation when its estimate is over `maxCost`. */
export function costRefusal(context: Pick<ValidationContext, 'getSchema' | 'getFragment'>, request: CostedRequest, options: CostOptions): { refusal: GraphQLError | undefined; variablesConsulted: boolean } {
  const { value, variablesConsulted } = operationCost(context, request, options);
  return { refusal: value > options.maxCost ? limitError('HUB_LIMIT_COST', [options.maxCost], request.operation) : undefined, variablesConsulted };
}

/**
 * With `request`, costs that one operation on its variables; without, every operation in the
 * document, page sizes in variables counted as `maxPageSize`.
 */
export function MaxCostRule(options: CostOptions, request?: CostedRequest): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      if (request && node !== request.operation) return false;
      const { refusal } = costRefusal(context, { operation: node, variables: request?.variables }, options);
      if (refusal) context.reportError(refusal);
      return false;
    },
  });
}
