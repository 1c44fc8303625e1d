/**
 * `npm run compose`: lints and composes the static subgraphs into schema/supergraph.graphql, with
 * the routing URLs the embedded default uses (127.0.0.1, ports from SUBGRAPH_PORT_BASE). The
 * committed file lets reviewers read the whole API in one place; a test keeps it current.
 */
import { writeFileSync } from 'node:fs';
import { STATIC_SYSTEMS } from '../subgraphs/index.js';
import { composeStaticSupergraph } from './static.js';

const base = Number(process.env.SUBGRAPH_PORT_BASE ?? 4101);
const result = await composeStaticSupergraph(STATIC_SYSTEMS, base);
if (!result.ok) {
  for (const error of result.errors) console.error(`[${error.code}]${error.subgraph ? ` ${error.subgraph}:` : ''} ${error.message}`);
  process.exit(1);
}
const target = new URL('./supergraph.graphql', import.meta.url);
writeFileSync(target, result.supergraphSdl);
console.log(`wrote ${target.pathname} (${STATIC_SYSTEMS.length} subgraphs)`);
