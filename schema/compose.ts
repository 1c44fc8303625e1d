/**
 * Composition: lint each subgraph, then compose them into a supergraph with @apollo/composition.
 * The registry and the embedded runner both go through here, so nothing reaches a gateway
 * without passing the lint.
 */
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { lintSubgraph, REFERENCE_DATA_REACHABLE_FROM_CASE, type LintOptions } from './lint/index.js';
import { caseReachable, expandReferenceData, referenceTypesOf, schemaGraph } from './referenceData.js';

export interface SubgraphSource {
  name: string;
  /** Routing URL the gateway will call. */
  url: string;
  /** Full subgraph SDL (with the @link header and the shared vocabulary). */
  sdl: string;
  /** The publishing participant's limits (the registry sets them; the hub's own subgraphs have none). */
  lint?: LintOptions;
}

export interface CompositionProblem {
  code: string;
  message: string;
  subgraph?: string;
}

export type CompositionResult =
  | { ok: true; supergraphSdl: string; hints: string[] }
  | { ok: false; errors: CompositionProblem[] };

export function composeSupergraph(subgraphs: readonly SubgraphSource[]): CompositionResult {
  const errors: CompositionProblem[] = [];
  const services = [];
  /** Types each subgraph marks as reference data, to check against the composed schema. */
  const referenceTypes: { subgraph: string; type: string }[] = [];
  for (const subgraph of subgraphs) {
    let typeDefs;
    try {
      typeDefs = parse(subgraph.sdl);
    } catch (error) {
      errors.push({ code: 'SDL_SYNTAX_ERROR', message: (error as Error).message, subgraph: subgraph.name });
      continue;
    }
    for (const finding of lintSubgraph(subgraph.name, typeDefs, subgraph.lint)) {
      errors.push({ code: finding.code, message: finding.message, subgraph: subgraph.name });
    }
    for (const type of referenceTypesOf(typeDefs)) referenceTypes.push({ subgraph: subgraph.name, type });
    // Composed with every field marked and no type-level mark left, so the supergraph says each
    // field's category on the field itself and no other subgraph's field inherits one.
    services.push({ name: subgraph.name, url: subgraph.url, typeDefs: expandReferenceData(typeDefs, { strip: true }) });
  }
  if (errors.length > 0) return { ok: false, errors };
  const result = composeServices(services);
  if (result.errors) {
    return {
      ok: false,
      errors: result.errors.map((error) => ({
        code: typeof error.extensions?.code === 'string' ? error.extensions.code : 'COMPOSITION_ERROR',
        message: error.message,
      })),
    };
  }
  // A type one subgraph calls reference data that a case reaches through another's fields.
  if (referenceTypes.length > 0) {
    const { fieldsOf, caseHolders } = schemaGraph(result.schema.toAPISchema().toGraphQLJSSchema());
    const reached = caseReachable(fieldsOf, caseHolders);
    const reachable = referenceTypes.filter(({ type }) => reached.has(type));
    if (reachable.length > 0) {
      return {
        ok: false,
        errors: reachable.map(({ subgraph, type }) => ({
          code: REFERENCE_DATA_REACHABLE_FROM_CASE,
          message: `Type "${type}" in subgraph "${subgraph}" is marked NOT_PERSONAL as a whole, but a case reaches it in the supergraph: types that hold or are reachable from a case reference keep their marks field by field.`,
          subgraph,
        })),
      };
    }
  }
  return { ok: true, supergraphSdl: result.supergraphSdl, hints: result.hints.map((hint) => hint.message) };
}
