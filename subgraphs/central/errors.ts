/**
 * The errors central's resolvers answer with: a refusal names its code and the rule that decided
 * (docs/ERRORS.md, "Field access"); bad input is BAD_USER_INPUT with a message naming the input's
 * path and what is wrong with it, never the value given.
 */
import { GraphQLError } from 'graphql';
import type { z } from 'zod';
import type { DataCategory } from '../../contract/index.js';

export function denied(message: string, code: string, rule: string, category?: DataCategory): GraphQLError {
  return new GraphQLError(message, { extensions: { code, rule, ...(category ? { category } : {}) } });
}

export function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Every problem zod found with `argument`, as one BAD_USER_INPUT error. */
export function invalidInput(argument: string, error: z.ZodError): GraphQLError {
  return badInput(`${argument}: ${error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
}

/** Whole days from `from` to `to` (ISO dates, UTC). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
