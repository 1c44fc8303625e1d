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
 * An operation whose page sizes come from no variable costs the same every time: its verdict is
 * kept per parsed document (Apollo Server reuses the parsed document of a query it has seen) and
 * per schema, so only operations paged by variables are costed on every request.
 * The rule's verdict is taken directly (`costRefusal`), not through `validate`, whose type-info
 * walk of the whole document would cost three times as much on every request.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { getVariableValues, GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { costRefusal, type CostOptions } from './MaxCostRule.js';

type Verdict = GraphQLError | null;

export function requestCostPlugin(options: CostOptions): ApolloServerPlugin<BaseContext> {
  const fixed = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, Verdict>>();
  const fragmentsOf = new WeakMap<DocumentNode, Map<string, FragmentDefinitionNode>>();

  const verdict = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, raw: Record<string, unknown> | undefined): Verdict => {
    let known = fixed.get(schema);
    if (!known) fixed.set(schema, (known = new WeakMap()));
    const kept = known.get(operation);
    if (kept !== undefined) return kept;

    let fragments = fragmentsOf.get(document);
    if (!fragments) {
      fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
      fragmentsOf.set(document, fragments);
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], raw ?? {}, { maxErrors: 1 });
    const { refusal, variablesConsulted } = costRefusal({ getSchema: () => schema, getFragment: (name) => fragments.get(name) }, { operation, variables: coerced.coerced }, options);
    const result = refusal ?? null;
    if (!variablesConsulted) known.set(operation, result);
    return result;
  };
  // Refused like a validation failure (400), not like a failed plugin (500); a new error each time.
  const refused = (refusal: GraphQLError) => new GraphQLError(refusal.message, { nodes: refusal.nodes, extensions: { ...refusal.extensions, http: { status: 400 } } });

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return; // Apollo Server has refused the request already
          const refusal = verdict(schema, document, operation, request.variables);
          if (refusal) throw refused(refusal);
        },
      };
    },
  };
}
