/**
 * What changes between two versions of a subgraph, as data (graphql-js findBreakingChanges and
 * findDangerousChanges, plus Continuum's own: a field whose data category changes). A category
 * change is judged by who may receive the field before and after (`classify`, computed from the
 * policy by the registry): it is *breaking* when someone who received the field no longer does,
 * and *widening* when someone receives it who did not. Without a classifier every category change
 * counts as both. The registry gates publication on the list (docs/ARCHITECTURE.md, "Registry").
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { findBreakingChanges, findDangerousChanges, parse, specifiedScalarTypes } from 'graphql';
import { fieldCategories } from '../contract/index.js';
import type { DataCategory } from '../contract/index.js';

export interface SchemaChange {
  type: string;
  /** Consumers that use the subgraph today may fail or lose data. */
  breaking: boolean;
  /** Someone may receive data they could not receive before. */
  widens: boolean;
  description: string;
}

/**
 * How a category change moves a field's audience. `null` is a field without `@personalData`,
 * which the subgraph kit does not enforce: the registry treats it like NOT_PERSONAL.
 */
export type CategoryClassifier = (from: DataCategory | null, to: DataCategory | null) => { breaking: boolean; widens: boolean; gained: string[] };

const EVERY_CHANGE_COUNTS: CategoryClassifier = () => ({ breaking: true, widens: true, gained: [] });

export function diffSubgraphSdl(previous: string, next: string, classify: CategoryClassifier = EVERY_CHANGE_COUNTS): SchemaChange[] {
  const before = buildSubgraphSchema(parse(previous));
  const after = buildSubgraphSchema(parse(next));
  const changes: SchemaChange[] = [
    ...findBreakingChanges(before, after).map((c) => ({ type: c.type, breaking: true, widens: false, description: c.description })),
    ...findDangerousChanges(before, after).map((c) => ({ type: c.type, breaking: false, widens: false, description: c.description })),
  ];
  const oldCategories = fieldCategories(previous);
  const newCategories = fieldCategories(next);
  const fieldsAfter = new Set(Object.values(after.getTypeMap()).flatMap((type) => ('getFields' in type ? Object.keys(type.getFields()).map((f) => `${type.name}.${f}`) : [])));
  for (const [coordinate, category] of newCategories) {
    const old = oldCategories.get(coordinate);
    if (old === undefined && !fieldExisted(before, coordinate)) changes.push({ type: 'FIELD_ADDED', breaking: false, widens: false, description: `${coordinate} was added (${category}).` });
    else if (old !== category) changes.push(categoryChange(coordinate, old ?? null, category, classify));
  }
  // A field that stays but loses its category: the kit stops enforcing it.
  for (const [coordinate, category] of oldCategories) {
    if (!newCategories.has(coordinate) && fieldsAfter.has(coordinate)) changes.push(categoryChange(coordinate, category, null, classify));
  }
  return changes.filter((c) => !c.description.startsWith('_') && !STANDARD_SCALAR_NOTES.some((note) => c.description.startsWith(note)));
}

/**
 * graphql-js reports a standard scalar no longer used by this subgraph as removed; the supergraph
 * always has them, so no consumer can break on it.
 */
const STANDARD_SCALAR_NOTES = specifiedScalarTypes.map((t) => `Standard scalar ${t.name} `);

function fieldExisted(schema: ReturnType<typeof buildSubgraphSchema>, coordinate: string): boolean {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  const type = schema.getType(typeName);
  return !!type && 'getFields' in type && Object.hasOwn(type.getFields(), fieldName);
}

function categoryChange(coordinate: string, from: DataCategory | null, to: DataCategory | null, classify: CategoryClassifier): SchemaChange {
  const { breaking, widens, gained } = classify(from, to);
  const name = (c: DataCategory | null) => c ?? 'no category';
  const who = widens ? (gained.length > 0 ? ` Newly released to ${gained.join(', ')}.` : ' Newly released to anyone.') : '';
  return { type: to === null ? 'CATEGORY_REMOVED' : 'CATEGORY_CHANGED', breaking, widens, description: `${coordinate} changed category from ${name(from)} to ${name(to)}.${who}` };
}
