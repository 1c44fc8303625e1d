/**
 * Continuum's compiled result shaping agrees with Apollo Gateway's own on generated operations and
 * data — as a property, over the small shaping schema (tests/harness/shaping.ts).
 *
 * fast-check builds each operation: random fields of every type down to four levels, aliases
 * (among them names of `Object.prototype`), the same response key selected twice, `__typename`
 * aliased or not, inline fragments and named fragments (spread again now and then) on every type
 * whose possible types meet the parent's, `@skip`/`@include` with literals and variables. Then the
 * merged subgraph data for it, as a planner's fetches would leave it but imperfect: fields missing,
 * nulls where the schema says non-null, values of the wrong type, unknown or missing
 * `__typename`s, keys nobody asked for. Both shapings get their own copy; they must agree on the
 * data (as JSON text: keys, order, values) and on every error (message, path, extensions).
 */
import fc from 'fast-check';
import {
  getNullableType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  validate,
  parse,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { shapeBothWays, shapingSchema } from '../harness/shaping.js';

const RUNS = Number(process.env.CONTINUUM_PROPERTY_RUNS ?? 400);
const schema = shapingSchema();
const graphqlSchema: GraphQLSchema = schema.toGraphQLJSSchema();
const MAX_DEPTH = 4;

type Gen = fc.GeneratorValue;

/** One of `items` (schema objects are cyclic: fast-check's constantFrom would compare them deeply). */
const pick = <T>(g: Gen, items: readonly T[]): T => items[g(fc.integer, { min: 0, max: items.length - 1 })]!;

type Selection =
  | { kind: 'field'; name: string; alias: string | null; directive: string; sub: Selection[] | null }
  | { kind: 'typename'; alias: string | null; directive: string }
  | { kind: 'inline'; on: string | null; directive: string; sub: Selection[] }
  | { kind: 'spread'; name: string; directive: string };

interface Fragment {
  on: string;
  sub: Selection[];
}

const possible = (type: GraphQLCompositeType): readonly GraphQLObjectType[] => (isAbstractType(type) ? graphqlSchema.getPossibleTypes(type) : [type]);
const composites = Object.values(graphqlSchema.getTypeMap()).filter((t): t is GraphQLCompositeType => isCompositeType(t) && !t.name.startsWith('__'));

/** Types a fragment may be spread on inside `parent`: those sharing a possible type with it. */
function conditionsFor(parent: GraphQLCompositeType): GraphQLCompositeType[] {
  const mine = new Set(possible(parent).map((t) => t.name));
  return composites.filter((t) => possible(t).some((p) => mine.has(p.name)));
}

class OperationBuilder {
  readonly fragments = new Map<string, Fragment>();
  readonly variables = new Set<string>();

  constructor(private readonly g: Gen) {}

  directive(): string {
    const choice = this.g(fc.constantFrom, '', '', '', '', '@skip(if: $s)', '@include(if: $i)', '@skip(if: false)', '@include(if: false)', '@skip(if: true)', '@include(if: $d)');
    for (const name of ['s', 'i', 'd']) if (choice.includes(`$${name}`)) this.variables.add(name);
    return choice;
  }

  selections(parent: GraphQLCompositeType, depth: number): Selection[] {
    const g = this.g;
    const count = g(fc.integer, { min: 1, max: depth === 0 ? 4 : 3 });
    const selections: Selection[] = [];
    for (let n = 0; n < count; n++) {
      const fields = isUnionType(parent) ? [] : Object.values(parent.getFields());
      const kind = g(fc.constantFrom, ...(fields.length > 0 ? (['field', 'field', 'field', 'typename', 'inline', 'spread'] as const) : (['typename', 'inline', 'spread'] as const)));
      if (kind === 'field' && fields.length > 0) {
        const field = pick(g, fields);
        // Aliases carry the field's name so two fields never share a response key (which
        // validation refuses); `constructor` and `toString` only ever alias one field each.
        const alias = g(fc.constantFrom, null, null, null, `${field.name}1`, `${field.name}2`, ...(field.name === 'name' ? ['constructor'] : field.name === 'id' ? ['toString'] : []));
        const named = getNamedTypeOf(field.type);
        const sub = isCompositeType(named) ? (depth >= MAX_DEPTH ? [{ kind: 'typename', alias: null, directive: '' } as Selection] : this.selections(named, depth + 1)) : null;
        selections.push({ kind: 'field', name: field.name, alias, directive: this.directive(), sub });
      } else if (kind === 'typename') {
        selections.push({ kind: 'typename', alias: g(fc.constantFrom, null, null, 'kind'), directive: this.directive() });
      } else if (depth < MAX_DEPTH) {
        const on = pick(g, conditionsFor(parent));
        if (kind === 'inline') {
          const bare = g(fc.boolean);
          selections.push({ kind: 'inline', on: bare ? null : on.name, directive: this.directive(), sub: this.selections(bare ? parent : on, depth + 1) });
        } else {
          const reusable = [...this.fragments].filter(([, f]) => f.on === on.name);
          let name: string;
          if (reusable.length > 0 && g(fc.boolean)) name = g(fc.constantFrom, ...reusable.map(([n]) => n));
          else {
            name = `F${this.fragments.size}`;
            this.fragments.set(name, { on: on.name, sub: [] });
            this.fragments.get(name)!.sub = this.selections(on, depth + 1);
          }
          selections.push({ kind: 'spread', name, directive: this.directive() });
        }
      }
    }
    if (selections.length === 0) selections.push({ kind: 'typename', alias: null, directive: '' });
    return selections;
  }

  print(root: Selection[]): string {
    const printSet = (set: Selection[]): string =>
      `{ ${set
        .map((s) => {
          switch (s.kind) {
            case 'field':
              return `${s.alias ? `${s.alias}: ` : ''}${s.name} ${s.directive}${s.sub ? ` ${printSet(s.sub)}` : ''}`;
            case 'typename':
              return `${s.alias ? `${s.alias}: ` : ''}__typename ${s.directive}`;
            case 'inline':
              return `...${s.on ? ` on ${s.on}` : ''} ${s.directive} ${printSet(s.sub)}`;
            case 'spread':
              return `...${s.name} ${s.directive}`;
          }
        })
        .join(' ')} }`;
    const declared = [...this.variables].map((v) => `$${v}: Boolean${v === 'd' ? ' = true' : '!'}`);
    const header = declared.length > 0 ? `query (${declared.join(', ')}) ` : '';
    const fragments = [...this.fragments].map(([name, f]) => `fragment ${name} on ${f.on} ${printSet(f.sub)}`);
    return [header + printSet(root), ...fragments].join('\n');
  }
}

function getNamedTypeOf(type: GraphQLOutputType): GraphQLOutputType {
  let t: GraphQLOutputType = type;
  while (isNonNullType(t) || isListType(t)) t = t.ofType as GraphQLOutputType;
  return t;
}

/** Merged subgraph data for an operation: mostly what the planner's fetches leave, imperfect on purpose. */
class DataBuilder {
  constructor(
    private readonly g: Gen,
    private readonly fragments: ReadonlyMap<string, Fragment>,
  ) {}

  fill(object: Record<string, unknown>, selections: Selection[], parent: GraphQLCompositeType): void {
    const g = this.g;
    for (const selection of selections) {
      if (selection.kind === 'field') {
        const key = selection.alias ?? selection.name;
        const field = isUnionType(parent) ? undefined : parent.getFields()[selection.name];
        if (!field) continue;
        if (Object.prototype.hasOwnProperty.call(object, key)) {
          this.merge(object[key], selection.sub, field.type);
          continue;
        }
        if (g(fc.integer, { min: 0, max: 19 }) === 0) continue; // missing
        object[key] = this.value(field.type, selection.sub);
      } else if (selection.kind === 'typename') {
        if (selection.alias && !Object.prototype.hasOwnProperty.call(object, selection.alias) && g(fc.boolean)) object[selection.alias] = object.__typename ?? parent.name;
      } else {
        const on = selection.kind === 'inline' ? selection.on : this.fragments.get(selection.name)!.on;
        const sub = selection.kind === 'inline' ? selection.sub : this.fragments.get(selection.name)!.sub;
        const type = on ? (graphqlSchema.getType(on) as GraphQLCompositeType) : parent;
        // Fetches answer the fragments that apply to the runtime type; now and then others too.
        const runtime = typeof object.__typename === 'string' ? graphqlSchema.getType(object.__typename) : parent;
        const applies = runtime && isCompositeType(runtime) && possible(type).some((p) => possible(runtime).some((r) => r.name === p.name));
        if (applies || g(fc.integer, { min: 0, max: 9 }) === 0) this.fill(object, sub, type);
      }
    }
    if (g(fc.integer, { min: 0, max: 9 }) === 0) object.notAsked = 'extra';
  }

  private merge(existing: unknown, sub: Selection[] | null, type: GraphQLOutputType): void {
    if (!sub || existing === null || typeof existing !== 'object') return;
    const named = getNamedTypeOf(type) as GraphQLCompositeType;
    const items = Array.isArray(existing) ? existing : [existing];
    for (const item of items) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
      const record = item as Record<string, unknown>;
      const runtime = typeof record.__typename === 'string' ? graphqlSchema.getType(record.__typename) : undefined;
      this.fill(record, sub, runtime && isCompositeType(runtime) ? runtime : named);
    }
  }

  value(type: GraphQLOutputType, sub: Selection[] | null): unknown {
    const g = this.g;
    const roll = g(fc.integer, { min: 0, max: 99 });
    if (isNonNullType(type)) return roll < 6 ? null : this.value(type.ofType, sub);
    if (roll < 10) return null;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      if (roll < 12) return this.wrongLeaf();
      const length = g(fc.integer, { min: 0, max: 3 });
      return Array.from({ length }, () => this.value(nullable.ofType as GraphQLOutputType, sub));
    }
    if (isCompositeType(nullable)) {
      const object: Record<string, unknown> = {};
      const candidates = possible(nullable);
      let runtime: GraphQLCompositeType = candidates.length > 0 ? pick(g, candidates) : nullable;
      const typename = g(fc.integer, { min: 0, max: 19 });
      if (typename === 0) object.__typename = 'Unknown';
      else if (typename === 1 && isAbstractType(nullable)) runtime = nullable;
      else if (typename > 3 || isAbstractType(nullable)) object.__typename = runtime.name;
      else runtime = isObjectType(nullable) ? nullable : runtime;
      this.fill(object, sub ?? [], runtime);
      return object;
    }
    if (roll < 16) return this.wrongLeaf();
    if (isEnumType(nullable)) return g(fc.constantFrom, ...nullable.getValues().map((v) => v.name));
    if (isScalarType(nullable)) {
      switch (nullable.name) {
        case 'Int':
          return g(fc.integer, { min: -5, max: 100 });
        case 'Float':
          return g(fc.constantFrom, 1.5, 0, -2, 1e21);
        case 'Boolean':
          return g(fc.boolean);
        case 'ID':
          return g(fc.constantFrom, 'c-1', 7);
        case 'String':
          return g(fc.constantFrom, 'synthetic', '', 'x');
        default:
          return g(fc.constantFrom, '2026-01-01T00:00:00Z', { nested: true }, 3);
      }
    }
    return null;
  }

  private wrongLeaf(): unknown {
    return this.g(fc.constantFrom, 'text', 42, 4.2, true, 'NOT_AN_ENUM_VALUE', { an: 'object' }, ['a', 'list']);
  }
}

describe('Continuum shapes generated operations and data as Apollo Gateway does', () => {
  it('agrees on data, key order and errors, or both refuse the data', () => {
    let compared = 0;
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const builder = new OperationBuilder(g);
        const root = builder.selections(graphqlSchema.getQueryType()!, 0);
        const query = builder.print(root);
        // The generator keeps to valid operations (validation runs before shaping in the gateway).
        fc.pre(validate(graphqlSchema, parse(query)).length === 0);
        const input: Record<string, unknown> = {};
        new DataBuilder(g, builder.fragments).fill(input, root, graphqlSchema.getQueryType()!);
        const variables = { s: g(fc.boolean), i: g(fc.boolean), ...(g(fc.boolean) ? { d: g(fc.boolean) } : {}) };
        const used = Object.fromEntries(Object.entries(variables).filter(([name]) => builder.variables.has(name)));
        const { difference } = shapeBothWays(schema, query, input, used);
        compared++;
        if (difference !== null) throw new Error(`${difference}\noperation: ${query}\ndata: ${JSON.stringify(input)}\nvariables: ${JSON.stringify(used)}`);
      }),
      { numRuns: RUNS },
    );
    expect(compared).toBeGreaterThanOrEqual(RUNS);
  });

  it('agrees on a page of many objects selected through nested fragments', () => {
    // What the benchmark's pages look like: fifty objects of the same selection, so compiled
    // selections are reused and objects share their shape.
    const query = '{ files { id status ...Owner ... on CaseFile { count tags opened } ... on ArchiveFile { score reasons } } } fragment Owner on File { owner { name age friends { name } } }';
    const files = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? { __typename: 'CaseFile', id: `c-${i}`, status: 'OPEN', count: i, tags: ['a', 'b'], opened: '2026-01-01', owner: { name: `synthetic ${i}`, age: i, friends: [{ name: 'f' }] } }
        : { __typename: 'ArchiveFile', id: `a-${i}`, status: 'CLOSED', score: i / 2, reasons: ['r', null], owner: i % 5 === 0 ? null : { name: `synthetic ${i}`, age: null, friends: null } },
    );
    const { ours, difference } = shapeBothWays(schema, query, { files });
    expect(difference).toBeNull();
    expect(ours).not.toBeInstanceOf(Error);
  });
});
