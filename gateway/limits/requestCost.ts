/**
 * The cost limit, per request
 *
 * Validation sees a document, not the values it runs with: `query($n: Int = 1) { cases(first:
 * $n) … }` sent with `{"n": 100}` would be costed at a page of 1. So `MaxCostRule` runs once the
 * operation is resolved (Apollo Server's `didResolveOperation`, after validation and before the
 * gateway plans or calls anything), on the request's variables coerced as graphql-js executes
 * them (defaults applied). Variables that do not coerce are refused later by execution; until
 * then, page sizes in them count as `maxPageSize`.
 *
 * An operation without variables costs the same every time: its verdict is kept per parsed
 * document (Apollo Server reuses the parsed document of a query it has seen) and per schema.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { getVariableValues, GraphQLError, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { MaxCostRule, type CostOptions } from './MaxCostRule.js';

type Verdict = GraphQLError | null;

export function requestCostPlugin(options: CostOptions): ApolloServerPlugin<BaseContext> {
  const fixed = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, Verdict>>();

  const verdict = (schema: GraphQLSchema, document: Parameters<typeof validate>[1], operation: OperationDefinitionNode, raw: Record<string, unknown> | undefined): Verdict => {
    const definitions = operation.variableDefinitions ?? [];
    const coerced = getVariableValues(schema, definitions, raw ?? {}, { maxErrors: 1 });
    const [error] = validate(schema, document, [MaxCostRule(options, { operation, variables: coerced.coerced })], { maxErrors: 1 });
    if (!error) return null;
    // Refused like a validation failure (400), not like a failed plugin (500).
    return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, http: { status: 400 } } });
  };

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return; // Apollo Server has refused the request already
          let result: Verdict;
          if (operation.variableDefinitions?.length) {
            result = verdict(schema, document, operation, request.variables);
          } else {
            let known = fixed.get(schema);
            if (!known) fixed.set(schema, (known = new WeakMap()));
            result = known.get(operation) ?? null;
            if (!known.has(operation)) known.set(operation, (result = verdict(schema, document, operation, undefined)));
          }
          if (result) throw result;
        },
      };
    },
  };
}
