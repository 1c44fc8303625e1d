/**
 * The kit attributes every field to its case (`caseRefOf`): for an entity fetch, the case of the
 * representation at the entity's index; elsewhere, the object's own `ref`/`caseRef`. It is asked
 * for every categorised field of every response, and an object's fields ask one after another, so
 * it answers a field from the one before it when both belong to the same object — these tests
 * pin down that the shortcut never hands a field another object's case.
 */
import { buildSchema, execute, isObjectType, parse, type GraphQLFieldResolver } from 'graphql';
import { describe, expect, it } from 'vitest';
import { caseRefOf } from '../../subgraphs/kit/index.js';

const SDL = /* GraphQL */ `
  scalar _Any
  type Query {
    _entities(representations: [_Any!]!): [File]
    files: [File!]!
  }
  type File { label: String note: String person: Person }
  type Person { name: String age: Int }
`;

/** Every field resolution, as `path → case` (paths joined with dots). */
function attributed(query: string, rootValue: Record<string, unknown>, variables: Record<string, unknown> = {}): Record<string, string | null> {
  const seen: Record<string, string | null> = {};
  const record: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) => {
    const keys: (string | number)[] = [];
    for (let at: typeof info.path | undefined = info.path; at; at = at.prev) keys.unshift(at.key);
    seen[keys.join('.')] = caseRefOf(source, info);
    return (source as Record<string, unknown>)[info.fieldName] ?? null;
  };
  const schema = buildSchema(SDL);
  for (const name of ['File', 'Person']) {
    const type = schema.getType(name);
    if (isObjectType(type)) for (const field of Object.values(type.getFields())) field.resolve = record;
  }
  const result = execute({ schema, document: parse(query), rootValue, variableValues: variables });
  expect((result as { errors?: unknown }).errors).toBeUndefined();
  return seen;
}

const REF_A = 'EU-2026-000001';
const REF_B = 'EU-2026-000002';

describe('caseRefOf', () => {
  it("gives every field of an entity, nested ones included, the case of the entity's representation", () => {
    const person = { name: 'synthetic', age: 40 };
    const seen = attributed(
      'query ($r: [_Any!]!) { _entities(representations: $r) { label note person { name age } } }',
      { _entities: [{ label: 'a', note: 'n', person }, { label: 'b', note: 'n', person }] },
      { r: [{ __typename: 'File', ref: REF_A }, { __typename: 'File', ref: REF_B }] },
    );
    expect(seen).toEqual({
      '_entities.0.label': REF_A,
      '_entities.0.note': REF_A,
      '_entities.0.person': REF_A,
      '_entities.0.person.name': REF_A,
      '_entities.0.person.age': REF_A,
      '_entities.1.label': REF_B,
      '_entities.1.note': REF_B,
      '_entities.1.person': REF_B,
      '_entities.1.person.name': REF_B,
      '_entities.1.person.age': REF_B,
    });
  });

  it('keeps two entities apart when both resolve to one shared object', () => {
    const shared = { label: 'same object', note: 'n' };
    const seen = attributed(
      'query ($r: [_Any!]!) { _entities(representations: $r) { label note } }',
      { _entities: [shared, shared] },
      { r: [{ __typename: 'File', ref: REF_A }, { __typename: 'File', ref: REF_B }] },
    );
    expect(seen).toEqual({ '_entities.0.label': REF_A, '_entities.0.note': REF_A, '_entities.1.label': REF_B, '_entities.1.note': REF_B });
  });

  it("outside an entity fetch, gives a field its own object's case, and none to an object without one", () => {
    const seen = attributed('{ files { label note person { name } } }', {
      files: [
        { ref: REF_A, label: 'a', note: 'n', person: { name: 'p' } },
        { caseRef: REF_B, label: 'b', note: 'n', person: { name: 'q', ref: REF_A } },
        { label: 'c', note: 'n', person: null },
      ],
    });
    expect(seen).toEqual({
      'files.0.label': REF_A,
      'files.0.note': REF_A,
      'files.0.person': REF_A,
      'files.0.person.name': null,
      'files.1.label': REF_B,
      'files.1.note': REF_B,
      'files.1.person': REF_B,
      'files.1.person.name': REF_A,
      'files.2.label': null,
      'files.2.note': null,
      'files.2.person': null,
    });
  });
});
