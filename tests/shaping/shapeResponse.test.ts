/**
 * Continuum's compiled result shaping makes the response Apollo Gateway's own shaping makes, case
 * by case. Every test states the expected response by hand and checks that Apollo's
 * `computeResponse` (the function the compiled shaping replaces) agrees with both.
 */
import { describe, expect, it } from 'vitest';
import { ShapingError, type ShapingOutput } from '../../gateway/shaping/index.js';
import { shapeBothWays, shapingSchema } from '../harness/shaping.js';

const schema = shapingSchema();

/** Shapes both ways, requires them to agree, and returns Continuum's response. */
function shape(query: string, input: Record<string, unknown> | null | undefined, variables: Record<string, unknown> = {}): ShapingOutput {
  const { ours, difference } = shapeBothWays(schema, query, input, variables);
  expect(difference).toBeNull();
  if (ours instanceof Error) throw ours;
  return ours;
}

const messages = (output: ShapingOutput) => output.errors.map((e) => ({ message: e.message, path: e.path }));

describe('the response holds what the operation asks, in its order', () => {
  it('copies the fields asked, under their aliases, and nothing the operation did not ask', () => {
    const output = shape('{ me { who: name age files { id } } version }', {
      version: '1',
      me: { who: 'synthetic', age: 30, secret: 'not asked', files: [{ id: 'f1', status: 'OPEN', __typename: 'CaseFile' }] },
    });
    expect(output.data).toEqual({ me: { who: 'synthetic', age: 30, files: [{ id: 'f1' }] }, version: '1' });
    expect(JSON.stringify(output.data)).toBe('{"me":{"who":"synthetic","age":30,"files":[{"id":"f1"}]},"version":"1"}');
    expect(output.errors).toEqual([]);
  });

  it('answers a field the data lacks with null', () => {
    expect(shape('{ version me { name age } }', { me: { name: 'synthetic' } }).data).toEqual({ version: null, me: { name: 'synthetic', age: null } });
  });

  it('makes plain objects, not null-prototype ones', () => {
    const data = shape('{ me { name friends { name } } }', { me: { name: 'a', friends: [{ name: 'b' }] } }).data!;
    const me = data.me as { friends: object[] };
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(me)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(me.friends[0])).toBe(Object.prototype);
  });

  it('answers null data with null and undefined data with undefined', () => {
    expect(shape('{ version }', null)).toEqual({ data: null, errors: [] });
    expect(shape('{ version }', undefined)).toEqual({ data: undefined, errors: [] });
  });
});

describe('@skip and @include', () => {
  const query = 'query ($yes: Boolean!, $no: Boolean! = false) { version @skip(if: $yes) me @include(if: $no) { name } people @include(if: true) { name @skip(if: false) age @include(if: $yes) } }';
  const input = { version: '1', me: { name: 'a' }, people: [{ name: 'b', age: 3 }] };

  it('leaves out what the variables and literals skip, with variable defaults applied', () => {
    expect(shape(query, input, { yes: true }).data).toEqual({ people: [{ name: 'b', age: 3 }] });
    expect(shape(query, input, { yes: false, no: true }).data).toEqual({ version: '1', me: { name: 'a' }, people: [{ name: 'b' }] });
  });

  it('refuses a directive variable without a boolean value, but only where the data reaches it', () => {
    const loose = 'query ($v: Boolean = true) { version people { name @skip(if: $v) } }';
    expect(shapeBothWays(schema, loose, { version: '1', people: [{ name: 'a' }] }, { v: null }).ours).toBeInstanceOf(ShapingError);
    expect(shapeBothWays(schema, loose, { version: '1', people: [{ name: 'a' }] }, { v: null }).difference).toBeNull();
    // No person, so the selection is never reached: nothing to refuse.
    expect(shape(loose, { version: '1', people: [] }, { v: null }).data).toEqual({ version: '1', people: [] });
  });
});

describe('fragments and __typename', () => {
  it('applies fragments by the runtime type the data names', () => {
    const query = '{ files { id ... on CaseFile { count } ... on ArchiveFile { score } ...Owned } } fragment Owned on File { owner { name } }';
    const output = shape(query, {
      files: [
        { __typename: 'CaseFile', id: 'c', count: 2, score: 9, owner: { name: 'x' } },
        { __typename: 'ArchiveFile', id: 'a', count: 7, score: 1.5, owner: null },
      ],
    });
    expect(output.data).toEqual({ files: [{ id: 'c', count: 2, owner: { name: 'x' } }, { id: 'a', score: 1.5, owner: null }] });
  });

  it('merges the same response key selected by two fragments, in selection order', () => {
    const query = '{ file { ... on CaseFile { owner { name } } ... on File { owner { age } id } } }';
    const output = shape(query, { file: { __typename: 'CaseFile', id: 'c', owner: { name: 'x', age: 4 } } });
    expect(JSON.stringify(output.data)).toBe('{"file":{"owner":{"name":"x","age":4},"id":"c"}}');
  });

  it('names the runtime type for __typename, aliased or not, and falls back to the data\'s own', () => {
    const query = '{ item { __typename kind: __typename ... on Person { name } } }';
    expect(shape(query, { item: { __typename: 'Person', name: 'a' } }).data).toEqual({ item: { __typename: 'Person', kind: 'Person', name: 'a' } });
  });

  it('nulls an object of an abstract type whose runtime type is unknown, silently, as Apollo does', () => {
    expect(shape('{ item { __typename } version }', { item: {}, version: '1' })).toEqual({ data: { item: null, version: '1' }, errors: [] });
  });

  it('reports a __typename the schema does not have', () => {
    const output = shape('{ file { id } }', { file: { __typename: 'Nope', id: 'x' } });
    expect(output.data).toEqual({ file: null });
    expect(messages(output)).toEqual([{ message: 'Invalid __typename found for object at field Query.file.', path: ['file'] }]);
  });
});

describe('values are checked against their types, and null propagates through non-null fields', () => {
  it('nulls a leaf whose value is not of its type, with an error naming the runtime type and the path', () => {
    const output = shape('{ people { age active } files { status ... on ArchiveFile { score } } }', {
      people: [{ age: '7', active: 1 }, { age: 1.5, active: true }],
      files: [{ __typename: 'ArchiveFile', status: 'LOST', score: 'high' }],
    });
    expect(output.data).toEqual({ people: [{ age: null, active: null }, { age: null, active: true }], files: [{ status: null, score: null }] });
    expect(messages(output)).toEqual([
      { message: 'Invalid value found for field Person.age.', path: ['people', 0, 'age'] },
      { message: 'Invalid value found for field Person.active.', path: ['people', 0, 'active'] },
      { message: 'Invalid value found for field Person.age.', path: ['people', 1, 'age'] },
      { message: 'Invalid value found for field ArchiveFile.status.', path: ['files', 0, 'status'] },
      { message: 'Invalid value found for field ArchiveFile.score.', path: ['files', 0, 'score'] },
    ]);
  });

  it('passes a custom scalar through unchecked', () => {
    expect(shape('{ file { ... on CaseFile { opened } } }', { file: { __typename: 'CaseFile', opened: { any: 'shape' } } }).data).toEqual({ file: { opened: { any: 'shape' } } });
  });

  it('propagates a missing non-null field to the nearest nullable parent, with one error', () => {
    const output = shape('{ people { name age } version }', { people: [{ age: 1 }, { name: 'b', age: 2 }], version: '1' });
    expect(output.data).toEqual({ people: [null, { name: 'b', age: 2 }], version: '1' });
    expect(messages(output)).toEqual([{ message: 'Cannot return null for non-nullable field Person.name.', path: ['people', 0, 'name'] }]);
  });

  it('nulls a list whose non-null element is null, naming the element', () => {
    const output = shape('{ me { name friends { name } } }', { me: { name: 'a', friends: [null, { name: 'c' }] } });
    expect(output.data).toEqual({ me: { name: 'a', friends: null } });
    expect(messages(output)).toEqual([{ message: 'Cannot return null for non-nullable array element of type Person at index 0.', path: ['me', 'friends', 0] }]);
  });

  it('nulls the whole data when a non-null root field is null', () => {
    const output = shape('{ version me { name } }', { version: '1', me: null });
    expect(output.data).toBeNull();
    expect(messages(output)).toEqual([{ message: 'Cannot return null for non-nullable field Query.me.', path: ['me'] }]);
  });

  it('reports a nested violation once, where it happened, not again at each non-null parent', () => {
    const output = shape('{ files { id ... on ArchiveFile { reasons } } }', { files: [{ __typename: 'ArchiveFile', id: 'a', reasons: null }] });
    expect(output.data).toBeNull();
    expect(messages(output)).toEqual([{ message: 'Cannot return null for non-nullable field ArchiveFile.reasons.', path: ['files', 0, 'reasons'] }]);
  });
});

describe('names a plain object also answers from its prototype', () => {
  it('reads and writes them as own properties only', () => {
    const output = shape('{ me { constructor: name toString: age hasOwnProperty: active } }', { me: { constructor: 'a', toString: 3 } });
    expect(output.data).toEqual({ me: { constructor: 'a', toString: 3, hasOwnProperty: null } });
  });

  it('answers a prototype name the data lacks with null, not with the prototype\'s function', () => {
    const output = shape('{ me { name constructor: age } }', { me: { name: 'a' } });
    expect(JSON.stringify(output.data)).toBe('{"me":{"name":"a","constructor":null}}');
  });

  it('keeps __proto__ an ordinary key of the response', () => {
    const input = JSON.parse('{"me":{"__proto__":"a"}}') as Record<string, unknown>;
    const output = shape('{ me { __proto__: name } }', input);
    expect(Object.getPrototypeOf(output.data!.me)).toBe(Object.prototype);
    expect(JSON.stringify(output.data)).toBe('{"me":{"__proto__":"a"}}');
  });
});

describe('introspection and malformed data', () => {
  it('answers introspection fields through the callback it is given', () => {
    expect(shape('{ __schema { queryType { name } } version }', { version: '1' }).data).toEqual({ __schema: { introspected: true }, version: '1' });
  });

  it.each([
    ['an object where a list belongs', '{ people { name } }', { people: { name: 'a' } }],
    ['a string where an object belongs', '{ me { name } }', { me: 'a' }],
    ['a __typename that is not a string', '{ file { id } }', { file: { __typename: 7, id: 'x' } }],
    ['a __typename that is not a string, on a fragment', '{ item { ... on Person { name } } }', { item: { __typename: ['Person'], name: 'x' } }],
  ])('refuses %s, as Apollo does', (_, query, input) => {
    const { ours, apollo, difference } = shapeBothWays(schema, query, input);
    expect(ours).toBeInstanceOf(ShapingError);
    expect(apollo).toBeInstanceOf(Error);
    expect(difference).toBeNull();
  });

  it('never puts the refused value in its message (it may be personal data)', () => {
    const { ours } = shapeBothWays(schema, '{ me { name } }', { me: 'Synthetic Person' });
    expect((ours as Error).message).not.toContain('Synthetic');
  });

  it("never puts the client's names in its message (the operator's log gets it): no alias, no variable", () => {
    const refused = [
      shapeBothWays(schema, '{ clientAlias: people { name } }', { clientAlias: { name: 'a' } }).ours,
      shapeBothWays(schema, '{ clientAlias: me { name } }', { clientAlias: 'a' }).ours,
      shapeBothWays(schema, '{ clientAlias: file { id } }', { clientAlias: { __typename: 7, id: 'x' } }).ours,
      shapeBothWays(schema, 'query ($clientVariable: Boolean = true) { version @skip(if: $clientVariable) }', { version: '1' }, { clientVariable: null }).ours,
    ];
    for (const error of refused) {
      expect(error).toBeInstanceOf(ShapingError);
      expect((error as Error).message).not.toMatch(/clientAlias|clientVariable/);
    }
  });
});
