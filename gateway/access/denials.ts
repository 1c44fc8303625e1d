/** The errors a client sees for fields it does not get. Messages name the field, category, code and rule — never a value. */
import { GraphQLError } from 'graphql';
import type { ResponsePath } from './walk.js';

/** Past this many per-field errors in one response, the rest are summarised in one error. */
export const MAX_FIELD_ERRORS = 100;

export function deniedError(coordinate: string, category: string, code: string, rule: string, path: ResponsePath, extra: Record<string, unknown> = {}): GraphQLError {
  // A denial is an answer, not a failure: its stack trace would never be shown or logged, and a
  // page can carry a hundred of them, so none is captured.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new GraphQLError(`Field "${coordinate}" (${category}) is not released to you: ${code} by rule ${rule}.`, {
      path,
      extensions: { code, rule, category, ...extra },
    });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export function summaryError(omitted: number): GraphQLError {
  return new GraphQLError(`${omitted} more fields were not released to you; their errors are omitted.`, {
    extensions: { code: 'FIELDS_OMITTED', omitted },
  });
}
