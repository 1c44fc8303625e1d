/**
 * `continuum audit verify [--public-key FILE] [--checkpoint FILE]... [--json]` — verifies the audit
 * chain and its signed checkpoints with the public key alone; names the first bad record. Exit 0
 * intact, 1 tampered. Each `--checkpoint` file holds checkpoints exported earlier (one JWS a
 * line) and proves the log still holds the records they sealed — the store's own checkpoints
 * cannot show newest records deleted together with their checkpoints.
 * `continuum audit checkpoint export [--seq N] [--out FILE] [--public-key FILE]` — writes the
 * newest signed checkpoint (or the one sealing record N) for a second party to keep.
 * `continuum audit purge --kind KIND --older-than-days N` — retention: removes the content of
 * older records of that kind, keeping the chain verifiable.
 *
 * The store is the hub's: DATABASE_URL, else the embedded PGlite folder (CONTINUUM_DATA_DIR,
 * default .data/pglite), which has one user at a time: while the hub runs, these commands refuse
 * to open it (see store/pglite.ts) and say so.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyRetention, importAuditPublicKey, readPublicJwk, storedCheckpoint, verifyChain, verifyCheckpoint, type ExternalCheckpoint } from '../../audit/index.js';
import { openDb, StoreInUseError } from '../../store/index.js';
import { EXIT_USAGE, type SubcommandHandler } from './types.js';
import { parseCommand, type CommandSpec } from './usage.js';

const KINDS = ['ACCESS', 'CONSENT_CHANGE', 'TRANSFER_BASIS_CHANGE', 'REGISTRY'] as const;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const CHECKPOINT_USAGE = 'Usage: continuum audit checkpoint export [--seq N] [--out FILE] [--public-key FILE]';

/** Exit code when the store cannot be opened: nothing was verified (not the same as 1, tampered). */
export const EXIT_STORE_IN_USE = 3;

/** Opens the hub's store, or says why it cannot and returns null. */
async function storeFromEnvironment(command: string) {
  const url = process.env.DATABASE_URL;
  try {
    return await openDb(url ? { url } : { dataDir: process.env.CONTINUUM_DATA_DIR ?? '.data/pglite' });
  } catch (error) {
    if (!(error instanceof StoreInUseError)) throw error;
    console.error(
      `continuum audit ${command}: the embedded store ${error.dataDir} is in use by process ${error.pid} (since ${error.since}) — ` +
        'most likely the running hub; an embedded store has one user at a time. Stop the hub and run this again, ' +
        'or ask the running hub: auditChainStatus through the auditor API checks the same chain.',
    );
    return null;
  }
}

function publicKeyOf(file: string | undefined) {
  const keyFile = file ?? join(process.env.CONTINUUM_AUDIT_KEY_DIR ?? '.data/audit-keys', 'public.jwk.json');
  if (!existsSync(keyFile)) throw new Error(`no audit public key at ${keyFile}: pass --public-key FILE (the hub's public.jwk.json)`);
  return importAuditPublicKey(readPublicJwk(keyFile));
}

/** Reads checkpoint files: one compact JWS a line, blank lines ignored. Null (after saying why) when one is unusable. */
function checkpointFiles(files: readonly string[]): ExternalCheckpoint[] | null {
  const checkpoints: ExternalCheckpoint[] = [];
  for (const file of files) {
    if (!existsSync(file)) {
      console.error(`continuum audit verify: --checkpoint ${file}: no such file.`);
      return null;
    }
    const lines = readFileSync(file, 'utf8').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
    if (lines.length === 0 || lines.some((line) => !COMPACT_JWS.test(line))) {
      console.error(`continuum audit verify: --checkpoint ${file}: not a checkpoint file (one signed checkpoint, as written by "continuum audit checkpoint export", per line).`);
      return null;
    }
    lines.forEach((jws, i) => checkpoints.push({ source: lines.length === 1 ? file : `${file} line ${i + 1}`, jws }));
  }
  return checkpoints;
}

const verify: SubcommandHandler = async (args) => {
  const { values } = parseArgs({
    args,
    options: { 'public-key': { type: 'string' }, checkpoint: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const external = checkpointFiles(values.checkpoint ?? []);
  if (!external) return EXIT_USAGE;
  const publicKey = await publicKeyOf(values['public-key']);
  const db = await storeFromEnvironment('verify');
  if (!db) return EXIT_STORE_IN_USE;
  try {
    const report = await verifyChain(db, publicKey, { checkpoints: external });
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else if (report.ok) {
      console.log(`Audit chain intact: ${report.records} records (${report.purged} purged by retention), ${report.checkpoints} signed checkpoints, sealed up to record ${report.sealedUpTo} of ${report.lastSeq}.`);
      for (const e of report.external) console.log(`  ${e.source}: record ${e.seq}, sealed on ${e.time}, is still in the log as signed.`);
      if (report.external.length === 0) console.log('  Without --checkpoint, newest records deleted together with their checkpoints cannot be told apart from a shorter log.');
    } else {
      const chainProblem = report.problems.find((p) => p.seq > 0);
      console.log(chainProblem ? `Audit chain TAMPERED: first bad record ${chainProblem.seq}.` : 'Audit chain NOT VERIFIED: a checkpoint given is not the hub\'s.');
      for (const problem of report.problems) console.log(problem.seq > 0 ? `  record ${problem.seq}: ${problem.kind} — ${problem.message}` : `  ${problem.kind} — ${problem.message}`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await db.close();
  }
};

const checkpoint: SubcommandHandler = async (args) => {
  const [action, ...rest] = args;
  if (action !== 'export') {
    console.error(`continuum audit checkpoint: ${action === undefined ? 'say what to do' : 'unknown action'}; the one action is "export".\n${CHECKPOINT_USAGE}`);
    return EXIT_USAGE;
  }
  const { values } = parseArgs({ args: rest, options: { seq: { type: 'string' }, out: { type: 'string' }, 'public-key': { type: 'string' } }, strict: true });
  const seq = values.seq === undefined ? undefined : Number(values.seq);
  if (seq !== undefined && (!/^[1-9][0-9]{0,15}$/.test(values.seq!) || !Number.isSafeInteger(seq))) {
    console.error('continuum audit checkpoint export: --seq must be a record number (a whole number from 1).');
    return EXIT_USAGE;
  }
  const publicKey = await publicKeyOf(values['public-key']);
  const db = await storeFromEnvironment('checkpoint export');
  if (!db) return EXIT_STORE_IN_USE;
  try {
    const found = await storedCheckpoint(db, seq);
    if (!found) {
      const newest = await storedCheckpoint(db);
      console.error(
        seq === undefined
          ? 'continuum audit checkpoint export: the log has no signed checkpoint yet.'
          : `continuum audit checkpoint export: no signed checkpoint seals record ${seq}${newest ? ` (the newest seals record ${newest.seq})` : ''}.`,
      );
      return 1;
    }
    // Hand out only what a verifier will accept.
    let claims;
    try {
      claims = await verifyCheckpoint(publicKey, found.jws);
    } catch {
      console.error(`continuum audit checkpoint export: the stored checkpoint of record ${found.seq} is not signed by this public key; run continuum audit verify.`);
      return 1;
    }
    if (values.out === undefined) {
      process.stdout.write(`${found.jws}\n`);
    } else {
      if (existsSync(values.out)) {
        console.error(`continuum audit checkpoint export: ${values.out} already exists; checkpoints handed out are kept, never overwritten — choose another file.`);
        return 1;
      }
      writeFileSync(values.out, `${found.jws}\n`, { flag: 'wx' });
      console.log(`Wrote the checkpoint of record ${claims.seq} (signed ${claims.time}) to ${values.out}.`);
    }
    return 0;
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
  const db = await storeFromEnvironment('purge');
  if (!db) return EXIT_STORE_IN_USE;
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

export const SPEC = {
  name: 'audit',
  summary: "Check the audit log with the hub's public key alone, or apply retention.",
  options: {
    'public-key': { type: 'string', value: 'FILE', description: "the hub's audit public key (default: CONTINUUM_AUDIT_KEY_DIR/public.jwk.json, else .data/audit-keys/public.jwk.json)" },
    json: { type: 'boolean', default: false, description: 'print the whole verification report as JSON' },
    checkpoint: { type: 'string', value: 'FILE', description: 'checkpoints exported earlier (repeatable; one per line in a file): proves the log still holds what they sealed' },
    seq: { type: 'string', value: 'N', description: 'checkpoint export: the checkpoint sealing record N (default: the newest)' },
    out: { type: 'string', value: 'FILE', description: 'checkpoint export: write it to a new FILE instead of standard output' },
    kind: { type: 'string', value: KINDS.join('|'), description: 'which kind of record retention applies to' },
    'older-than-days': { type: 'string', value: 'N', description: 'remove the content of records older than N whole days' },
  },
  actions: {
    verify: { summary: 'Verify every record, column, link and signed checkpoint; name the first bad record.', options: ['public-key', 'checkpoint', 'json'] },
    checkpoint: { summary: 'Export (`checkpoint export`) a signed checkpoint for a second party to keep (docs/DEPLOYMENT.md).', options: ['seq', 'out', 'public-key'] },
    purge: { summary: 'Retention: remove the content of older records of one kind, keeping the chain verifiable.', options: ['kind', 'older-than-days'], required: ['kind', 'older-than-days'] },
  },
  notes:
    'The store is the hub\'s: DATABASE_URL, else the embedded PGlite folder (CONTINUUM_DATA_DIR, default .data/pglite),\n' +
    'which cannot be opened while the hub runs: stop the hub, or ask the running hub (auditChainStatus).\n' +
    'Exit status: 0 intact (verify) or done (purge), 1 tampered or failed, 2 usage error, 3 the embedded store is in use.',
} satisfies CommandSpec;

export const run: SubcommandHandler = async (args) => {
  // `checkpoint export` has an action of its own under the action; --help on it is the declaration's.
  if (args[0] === 'checkpoint' && !args.includes('--help') && !args.includes('-h')) return checkpoint(args.slice(1));
  // The declaration answers --help and refuses what no action takes; each action reads its own.
  const parsed = parseCommand(SPEC, args);
  if (typeof parsed === 'number') return parsed;
  return parsed.action === 'verify' ? verify(args.slice(1)) : purge(args.slice(1));
};
