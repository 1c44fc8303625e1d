/**
 * Comparing Continuum's result shaping with Apollo Gateway's own, and a small schema to shape over.
 *
 * Two shapings agree when both refused the data (threw), or when their data serialise to the same
 * JSON text — same keys, same order, same values — and their errors have the same messages, paths
 * and extensions, in the same order.
 */
import { buildSchema, operationFromDocument, type Operation, type Schema } from '@apollo/federation-internals';
import { parse, validate } from 'graphql';
import { apolloComputeResponse, shapeResponse, type ShapingInput, type ShapingOutput } from '../../gateway/shaping/index.js';

export function shapingDifference(ours: ShapingOutput | Error, apollo: ShapingOutput | Error): string | null {
  if (ours instanceof Error || apollo instanceof Error) {
    if (ours instanceof Error && apollo instanceof Error) return null;
    return ours instanceof Error ? `Continuum refused (${ours.message}), Apollo shaped` : `Apollo refused (${(apollo as Error).message}), Continuum shaped`;
  }
  const dataOf = (output: ShapingOutput) => (output.data === undefined ? 'undefined' : JSON.stringify(output.data));
  if (dataOf(ours) !== dataOf(apollo)) return `data differ:\n  Continuum ${dataOf(ours)}\n  Apollo    ${dataOf(apollo)}`;
  const errorsOf = (output: ShapingOutput) => JSON.stringify(output.errors.map((e) => ({ message: e.message, path: e.path, extensions: e.extensions })));
  if (errorsOf(ours) !== errorsOf(apollo)) return `errors differ:\n  Continuum ${errorsOf(ours)}\n  Apollo    ${errorsOf(apollo)}`;
  return null;
}

const attempt = (shape: (input: ShapingInput) => ShapingOutput, input: ShapingInput): ShapingOutput | Error => {
  try {
    return shape(input);
  } catch (error) {
    return error as Error;
  }
};

export interface ShapedBothWays {
  ours: ShapingOutput | Error;
  apollo: ShapingOutput | Error;
  difference: string | null;
}

/** Shapes `input` (the merged subgraph data) for `query` both ways. */
export function shapeBothWays(schema: Schema, query: string, input: ShapingInput['input'], variables: Record<string, unknown> = {}, introspection: ShapingInput['introspectionHandling'] = () => ({ introspected: true })): ShapedBothWays {
  const operation = operationOf(schema, query);
  // Each shaping gets its own copy: neither may depend on the other leaving the input alone.
  const copy = () => (input === null || input === undefined ? input : (structuredClone(input) as Record<string, unknown>));
  const ours = attempt(shapeResponse, { operation, variables, input: copy(), introspectionHandling: introspection });
  const apollo = attempt(apolloComputeResponse(), { operation, variables, input: copy(), introspectionHandling: introspection });
  return { ours, apollo, difference: shapingDifference(ours, apollo) };
}

/** The operation as Apollo Gateway builds it before shaping (executeQueryPlan: not validated again). */
export function operationOf(schema: Schema, query: string): Operation {
  const document = parse(query);
  const errors = validate(schema.toGraphQLJSSchema(), document);
  if (errors.length > 0) throw new Error(`test operation is not valid: ${errors.map((e) => e.message).join('; ')}`);
  return operationFromDocument(schema, document, { validate: false });
}

/** A schema with what shaping distinguishes: interfaces, a union, an enum, a custom scalar, non-null lists. */
export const SHAPING_SDL = `
  scalar DateTime
  enum Status { OPEN CLOSED }
  interface Node { id: ID! }
  interface File implements Node { id: ID! status: Status owner: Person }
  type CaseFile implements File & Node { id: ID! status: Status owner: Person opened: DateTime count: Int! tags: [String!] }
  type ArchiveFile implements File & Node { id: ID! status: Status owner: Person score: Float reasons: [String]! }
  type Person { name: String! age: Int active: Boolean friends: [Person!] files: [File] }
  union Item = CaseFile | Person
  type Query {
    file(id: ID): File
    files: [File!]!
    item: Item
    items: [Item]
    me: Person!
    people: [Person]
    version: String
  }
`;

export const shapingSchema = (): Schema => buildSchema(SHAPING_SDL);
