/**
 * Writes the full SDL of the ng-referrals subgraph (link header, shared vocabulary, own types) to
 * subgraphs/ng-referrals/schema.graphql, the file the registry CLI publishes. Run it after editing
 * referrals.graphql: `npx tsx subgraphs/ng-referrals/write-schema.ts`.
 */
import { writeFileSync } from 'node:fs';
import { NG_REFERRALS_FULL_SDL, NG_REFERRALS_SCHEMA_FILE } from './subgraph.js';

writeFileSync(NG_REFERRALS_SCHEMA_FILE, NG_REFERRALS_FULL_SDL);
process.stdout.write(`wrote ${NG_REFERRALS_SCHEMA_FILE.pathname}\n`);
