/**
 * `continuum audit verify [--public-key FILE] [--json]` — verifies the audit chain and its signed
 * checkpoints with the public key alone; names the first bad record. Exit 0 intact, 1 tampered.
 * `continuum audit purge --kind KIND --older-than-days N` — retention: removes the content of
 * older records of that kind, keeping the chain verifiable.
 *
 * The store is the hub's: DATABASE_URL, else the embedded PGlite folder (CONTINUUM_DATA_DIR,
 * default .data/pglite — stop the hub first: an embedded database has one user at a time).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyRetention, importAuditPublicKey, readPublicJwk, verifyChain } from '../../audit/index.js';
import { openDb } from '../../store/index.js';
import { EXIT_USAGE, type SubcommandHandler } from './types.js';

const KINDS = ['ACCESS', 'CONSENT_CHANGE', 'REGISTRY'] as const;

function storeFromEnvironment() {
  const url = process.env.DATABASE_URL;
  return openDb(url ? { url } : { dataDir: process.env.CONTINUUM_DATA_DIR ?? '.data/pglite' });
}

const verify: SubcommandHandler = async (args) => {
  const { values } = parseArgs({ args, options: { 'public-key': { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const keyFile = values['public-key'] ?? join(process.env.CONTINUUM_AUDIT_KEY_DIR ?? '.data/audit-keys', 'public.jwk.json');
  const publicKey = await importAuditPublicKey(readPublicJwk(keyFile));
  const db = await storeFromEnvironment();
  try {
    const report = await verifyChain(db, publicKey);
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else if (report.ok) {
      console.log(`Audit chain intact: ${report.records} records (${report.purged} purged by retention), ${report.checkpoints} signed checkpoints, sealed up to record ${report.sealedUpTo} of ${report.lastSeq}.`);
    } else {
      console.log(`Audit chain TAMPERED: first bad record ${report.firstBadSeq}.`);
      for (const problem of report.problems) console.log(`  record ${problem.seq}: ${problem.kind} — ${problem.message}`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await db.close();
  }
};

const purge: SubcommandHandler = async (args) => {
  const { values } = parseArgs({ args, options: { kind: { type: 'string' }, 'older-than-days': { type: 'string' } }, strict: true });
  const kind = values.kind as (typeof KINDS)[number] | undefined;
  const days = Number(values['older-than-days']);
  if (!kind || !KINDS.includes(kind) || !Number.isInteger(days) || days < 1) {
    console.error(`continuum audit purge: --kind must be one of ${KINDS.join(', ')} and --older-than-days a whole number of days.`);
    return EXIT_USAGE;
  }
  const db = await storeFromEnvironment();
  try {
    const { purged, withheld } = await applyRetention(db, { [kind]: days });
    console.log(`Purged the content of ${purged[kind] ?? 0} ${kind} records older than ${days} days; their place in the chain is kept.`);
    if (withheld.length === 0) return 0;
    console.log(`Kept ${withheld.length} records that do not verify (first: ${withheld[0]}): run continuum audit verify to see what is wrong with them.`);
    return 1;
  } finally {
    await db.close();
  }
};

export const run: SubcommandHandler = async (args) => {
  const [action, ...rest] = args;
  if (action === 'verify') return verify(rest);
  if (action === 'purge') return purge(rest);
  console.error('Usage: continuum audit verify [--public-key FILE] [--json]\n       continuum audit purge --kind ACCESS|CONSENT_CHANGE|REGISTRY --older-than-days N');
  return EXIT_USAGE;
};
