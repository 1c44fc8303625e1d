/**
 * The suite's view of an endpoint's data: from the schema, the selection of every field of an
 * entity type (recursively, every possible type of abstract fields), printed as an `_entities`
 * document — plain, with every field aliased, or through a named fragment — and, from an answer,
 * every categorised value it holds, with its path and the case it belongs to.
 */
import { getNamedType, isAbstractType, isLeafType, isNonNullType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type { DataCategory } from '../schema/vocabulary.js';

export interface Selected {
  /** The key in the answer: the field name, or its alias. */
  key: string;
  field: string;
  category?: DataCategory;
  nonNull: boolean;
  /** Sub-selections by concrete type name (objects: their own name). */
  children?: Map<string, Selected[]>;
  /** The field's type is an interface or union: selected with `__typename` and a fragment per type. */
  abstract?: boolean;
}

const MAX_DEPTH = 5;

export type Categories = ReadonlyMap<string, DataCategory>;

function categoryOf(categories: Categories, type: GraphQLObjectType, field: string): DataCategory | undefined {
  return categories.get(`${type.name}.${field}`) ?? type.getInterfaces().map((i) => categories.get(`${i.name}.${field}`)).find(Boolean);
}

/** Every field of `type` that takes no required argument, to `MAX_DEPTH`; `alias` renames each. */
export function selectAll(schema: GraphQLSchema, categories: Categories, type: GraphQLObjectType, alias: (field: string) => string = (f) => f, depth = 0): Selected[] {
  const selected: Selected[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    const entry: Selected = { key: alias(field.name), field: field.name, category: categoryOf(categories, type, field.name), nonNull: isNonNullType(field.type) };
    if (!isLeafType(named)) {
      if (depth >= MAX_DEPTH) continue;
      const possible = isAbstractType(named) ? schema.getPossibleTypes(named) : isObjectType(named) ? [named] : [];
      entry.children = new Map(possible.map((t) => [t.name, selectAll(schema, categories, t, alias, depth + 1)]));
      entry.abstract = isAbstractType(named);
    }
    selected.push(entry);
  }
  return selected;
}

function printSet(selections: Selected[]): string {
  const inner = selections
    .map((s) => {
      const head = s.key === s.field ? s.field : `${s.key}: ${s.field}`;
      if (!s.children) return head;
      const body = s.abstract
        ? `{ __typename ${[...s.children].map(([name, sub]) => `... on ${name} ${printSet(sub)}`).join(' ')} }`
        : printSet([...s.children.values()][0] ?? []);
      return `${head} ${body}`;
    })
    .join(' ');
  return `{ ${inner || '__typename'} }`;
}

export type Shape = 'plain' | 'fragment';

/** The `_entities` document selecting `selections` on `typeName`. */
export function entitiesDocument(typeName: string, selections: Selected[], shape: Shape = 'plain'): string {
  const set = printSet(selections);
  if (shape === 'fragment') {
    return `query ConformanceEntities($representations: [_Any!]!) { _entities(representations: $representations) { ...Everything } } fragment Everything on ${typeName} ${set}`;
  }
  return `query ConformanceEntities($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typeName} ${set} } }`;
}

export interface Found {
  path: (string | number)[];
  category: DataCategory;
  /** The field's coordinate, e.g. `Case.housing`. */
  coordinate: string;
  value: unknown;
  /** Depth below the entity: 1 for the entity's own fields. */
  depth: number;
  /** Whether the value sits inside a list item. */
  inList: boolean;
}

/** Every categorised non-null value in `value` (an object of `typeName` selected by `selections`). */
export function categorisedValues(value: unknown, typeName: string, selections: Selected[], path: (string | number)[], depth = 1, inList = false): Found[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const object = value as Record<string, unknown>;
  const found: Found[] = [];
  for (const s of selections) {
    const inner = object[s.key];
    if (inner === null || inner === undefined) continue;
    if (s.category && s.category !== 'NOT_PERSONAL') found.push({ path: [...path, s.key], category: s.category, coordinate: `${typeName}.${s.field}`, value: inner, depth, inList });
    if (!s.children) continue;
    const visit = (item: unknown, at: (string | number)[], listed: boolean) => {
      if (Array.isArray(item)) {
        item.forEach((element, i) => visit(element, [...at, i], true));
        return;
      }
      if (item === null || typeof item !== 'object') return;
      const name = s.abstract ? String((item as { __typename?: unknown }).__typename) : [...s.children!.keys()][0]!;
      const sub = s.children!.get(name);
      if (sub) found.push(...categorisedValues(item, name, sub, at, depth + 1, listed));
    };
    visit(inner, [...path, s.key], inList);
  }
  return found;
}
