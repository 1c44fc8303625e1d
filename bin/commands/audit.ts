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
import { parseCommand, type CommandSpec } from './usage.js';

const KINDS = ['ACCESS', 'CONSENT_CHANGE', 'TRANSFER_BASIS_CHANGE', 'REGISTRY'] as const;

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
    const purged = await applyRetention(db, { [kind]: days });
    console.log(`Purged the content of ${purged[kind] ?? 0} ${kind} records older than ${days} days; their place in the chain is kept.`);
    return 0;
  } finally {
    await db.close();
  }
};

export const SPEC = {
  name: 'audit',
  summary: "Check the audit log with the hub's public key alone, or apply retention.",
  options: {
    'public-key': { type: 'string', value: 'FILE', description: "the hub's audit public key (default: CONTINUUM_AUDIT_KEY_DIR/public.jwk.json, else .data/audit-keys/public.jwk.json)" },
    json: { type: 'boolean', default: false, description: 'print the whole verification report as JSON' },
    kind: { type: 'string', value: KINDS.join('|'), description: 'which kind of record retention applies to' },
    'older-than-days': { type: 'string', value: 'N', description: 'remove the content of records older than N whole days' },
  },
  actions: {
    verify: { summary: 'Verify the hash chain and its signed checkpoints; name the first bad record.', options: ['public-key', 'json'] },
    purge: { summary: 'Retention: remove the content of older records of one kind, keeping the chain verifiable.', options: ['kind', 'older-than-days'], required: ['kind', 'older-than-days'] },
  },
  notes:
    'The store is the hub\'s: DATABASE_URL, else the embedded PGlite folder (CONTINUUM_DATA_DIR, default .data/pglite;\n' +
    'stop the hub first: an embedded database has one user at a time).\n' +
    'Exit status: 0 intact (verify) or done (purge), 1 tampered or failed, 2 usage error.',
} satisfies CommandSpec;

export const run: SubcommandHandler = async (args) => {
  // The declaration answers --help and refuses what no action takes; each action reads its own.
  const parsed = parseCommand(SPEC, args);
  if (typeof parsed === 'number') return parsed;
  return parsed.action === 'verify' ? verify(args.slice(1)) : purge(args.slice(1));
};
