/**
 * What changes between two versions of a subgraph, as data (graphql-js findBreakingChanges and
 * findDangerousChanges, plus Continuum's own: a field whose data category changes is a breaking
 * change — what callers may receive changes meaning). The registry gates publication on it.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { findBreakingChanges, findDangerousChanges, parse } from 'graphql';
import { fieldCategories } from '../subgraphs/kit/access.js';

export interface SchemaChange {
  type: string;
  breaking: boolean;
  description: string;
}

export function diffSubgraphSdl(previous: string, next: string): SchemaChange[] {
  const before = buildSubgraphSchema(parse(previous));
  const after = buildSubgraphSchema(parse(next));
  const changes: SchemaChange[] = [
    ...findBreakingChanges(before, after).map((c) => ({ type: c.type, breaking: true, description: c.description })),
    ...findDangerousChanges(before, after).map((c) => ({ type: c.type, breaking: false, description: c.description })),
  ];
  const oldCategories = fieldCategories(previous);
  const newCategories = fieldCategories(next);
  for (const [coordinate, category] of newCategories) {
    const old = oldCategories.get(coordinate);
    if (old === undefined) changes.push({ type: 'FIELD_ADDED', breaking: false, description: `${coordinate} was added (${category}).` });
    else if (old !== category) changes.push({ type: 'CATEGORY_CHANGED', breaking: true, description: `${coordinate} changed category from ${old} to ${category}.` });
  }
  return changes.filter((c) => !c.description.startsWith('_'));
}
