/**
 * After execution, every field that pre-planning removed is answered `null` at each place the
 * client asked for it, with an error carrying its path, code and rule.
 */
import { getOperationAST, type DocumentNode, type GraphQLError } from 'graphql';
import { deniedError, MAX_FIELD_ERRORS, summaryError } from './denials.js';
import type { AccessMetadata } from './metadata.js';
import { PLACEHOLDER_KEY, type StaticDenial } from './staticPlan.js';
import { fragmentsOf, walkSelectionSet } from './walk.js';

export function applyRemovals(
  metadata: AccessMetadata,
  document: DocumentNode,
  operationName: string | null,
  data: Record<string, unknown> | null | undefined,
  removed: ReadonlyMap<string, StaticDenial>,
): GraphQLError[] {
  const operation = getOperationAST(document, operationName);
  if (!operation || !data) return [];
  const root = operation.operation === 'mutation' ? metadata.apiSchema.getMutationType() : metadata.apiSchema.getQueryType();
  if (!root) return [];
  const errors: GraphQLError[] = [];
  let omitted = 0;
  walkSelectionSet(
    {
      schema: metadata.apiSchema,
      fragments: fragmentsOf(document),
      onObject: (object) => {
        delete object[PLACEHOLDER_KEY];
      },
      onField: ({ parent, field, key, object, path }) => {
        const denial = removed.get(`${parent.name}.${field}`);
        if (!denial) return false;
        // Another selection of the same key may have been allowed; only what is missing is denied.
        if (!(key in object)) {
          object[key] = null;
          if (errors.length < MAX_FIELD_ERRORS) errors.push(deniedError(`${parent.name}.${field}`, denial.category, denial.code, denial.rule, [...path, key]));
          else omitted++;
        }
        return true;
      },
    },
    operation.selectionSet,
    root,
    data,
    [],
    null,
  );
  if (omitted > 0) errors.push(summaryError(omitted));
  return errors;
}
