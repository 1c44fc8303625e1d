/** The errors a client sees for fields it does not get. Messages name the field, category, code and rule — never a value. */
import { GraphQLError } from 'graphql';
import type { ResponsePath } from './walk.js';

/** Past this many per-field errors in one response, the rest are summarised in one error. */
export const MAX_FIELD_ERRORS = 100;

/**
 * What every denial shares with a GraphQLError, defined once. graphql-js's constructor normalises
 * its options, defines six properties one by one and captures a stack: about 10 µs a denial on
 * the benchmark machine, even without the stack, and a page carries dozens. A denial is an
 * answer, not a failure, so it is made from this prototype instead, with the enumerable own
 * properties graphql-js gives an error (message, path, locations, extensions) in its order: it is
 * a GraphQLError to every reader — instanceof, toJSON, toString, Apollo Server's formatting —
 * and tests/access/denials.test.ts holds the two to the same shape.
 */
const DENIAL: GraphQLError = Object.create(GraphQLError.prototype, {
  name: { value: 'GraphQLError', writable: true, configurable: true },
  nodes: { value: undefined, writable: true, configurable: true },
  source: { value: undefined, writable: true, configurable: true },
  positions: { value: undefined, writable: true, configurable: true },
  originalError: { value: undefined, writable: true, configurable: true },
  // What a GraphQLError made without a stack trace says: its name and message, no frames.
  stack: {
    get(this: GraphQLError) {
      return `GraphQLError: ${this.message}`;
    },
    configurable: true,
  },
}) as GraphQLError;

export function deniedError(coordinate: string, category: string, code: string, rule: string, path: ResponsePath, extra: Record<string, unknown> = {}): GraphQLError {
  const error = Object.create(DENIAL) as { message: string; path: ResponsePath; locations: undefined; extensions: Record<string, unknown> };
  error.message = `Field "${coordinate}" (${category}) is not released to you: ${code} by rule ${rule}.`;
  error.path = path;
  error.locations = undefined;
  error.extensions = { code, rule, category, ...extra };
  return error as unknown as GraphQLError;
}

export function summaryError(omitted: number): GraphQLError {
  return new GraphQLError(`${omitted} more fields were not released to you; their errors are omitted.`, {
    extensions: { code: 'FIELDS_OMITTED', omitted },
  });
}
