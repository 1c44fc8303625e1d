/** The committed supergraph is what the static subgraphs compose to today. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { composeStaticSupergraph } from '../../schema/static.js';
import { STATIC_SYSTEMS } from '../../subgraphs/index.js';

it('schema/supergraph.graphql is current (run `npm run compose` after changing a subgraph)', async () => {
  const result = await composeStaticSupergraph(STATIC_SYSTEMS, 4101);
  expect(result.ok).toBe(true);
  if (result.ok) expect(readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8')).toBe(result.supergraphSdl);
});
