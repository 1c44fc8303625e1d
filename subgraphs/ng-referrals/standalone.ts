/**
 * Running the NRM subgraph as the partner does: its own process, its own database, trusting the
 * hub's gateway through the context public key the hub publishes as a JWKS. Kept apart from
 * ./main.ts (which only wires the process) so tests can drive every step.
 */
import { mkdirSync } from 'node:fs';
import { CONTEXT_JWKS_PATH, contextPublicKeyFromJwk, type ContextPublicKey } from '@continuum/contract';
import { startSubgraph, syntheticCases, type RunningSubgraph } from '@continuum/subgraph-kit';
import { z } from 'zod';
import { isSeeded, migrateNgReferrals, seed } from './backend.js';
import { openNrmDatabase, type NrmDatabase } from './database.js';
import { ngReferralsSubgraph } from './subgraph.js';

export const DEFAULT_CONTEXT_JWKS_URL = `http://127.0.0.1:4000${CONTEXT_JWKS_PATH}`;

const port = z.coerce.number().int().min(0).max(65535);

export const StandaloneConfigSchema = z.object({
  PORT: port.default(4106),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** A PostgreSQL server for the NRM database; absent: embedded PGlite in NG_REFERRALS_DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  NG_REFERRALS_DATA_DIR: z.string().min(1).default('.data/ng-referrals'),
  /** Where the hub publishes its gateway context public key, as a JWKS `{ keys: [jwk] }`. */
  CONTINUUM_CONTEXT_JWKS_URL: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).default(DEFAULT_CONTEXT_JWKS_URL),
  /** Synthetic cases to derive NRM records from on first start (only Nigerian returnees get a file). */
  NG_REFERRALS_SEED_CASES: z.coerce.number().int().min(0).max(1_000_000).default(2000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type StandaloneConfig = z.infer<typeof StandaloneConfigSchema>;

/** A start-up failure with a message meant for the operator (printed as is, then exit 1). */
export class StandaloneStartError extends Error {
  override name = 'StandaloneStartError';
}

/** Validates the environment; empty variables count as unset. */
export function loadStandaloneConfig(env: Record<string, string | undefined> = process.env): StandaloneConfig {
  const relevant = Object.fromEntries(
    Object.keys(StandaloneConfigSchema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const result = StandaloneConfigSchema.safeParse(relevant);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new StandaloneStartError(`ng-referrals: invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

// A published public key: an Ed25519 OKP key, never with its private part.
const PublicJwk = z.looseObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(1),
  d: z.undefined({ message: 'a private key was published; refusing to use it' }).optional(),
});
const Jwks = z.object({ keys: z.array(z.looseObject({})).min(1, 'the key set is empty') });

/**
 * Fetches the hub's context JWKS and imports its first key. Fails with a `StandaloneStartError`
 * that says what to do when the hub is unreachable or publishes something unusable.
 */
export async function fetchContextKey(url: string, options: { timeoutMs?: number } = {}): Promise<ContextPublicKey> {
  const where = `the hub's gateway context key at ${url}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs ?? 5_000) });
  } catch (error) {
    const failure = error as Error & { cause?: { code?: string; message?: string } };
    const cause = failure.name === 'TimeoutError' ? 'timed out' : (failure.cause?.code ?? failure.cause?.message ?? failure.message);
    throw new StandaloneStartError(
      `ng-referrals: cannot reach ${where} (${cause}). Start the hub first, or set CONTINUUM_CONTEXT_JWKS_URL to where it publishes the key.`,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new StandaloneStartError(`ng-referrals: ${where} answered HTTP ${response.status}; expected a JWKS.`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new StandaloneStartError(`ng-referrals: ${where} is not JSON; expected a JWKS { "keys": [ … ] }.`);
  }
  const jwks = Jwks.safeParse(body);
  if (!jwks.success) throw new StandaloneStartError(`ng-referrals: ${where} is not a JWKS: ${jwks.error.issues[0]?.message ?? 'invalid'}.`);
  const first = PublicJwk.safeParse(jwks.data.keys[0]);
  if (!first.success) {
    const issue = first.error.issues[0];
    throw new StandaloneStartError(`ng-referrals: the first key of ${where} is not an Ed25519 public key (${issue?.path.join('.')}: ${issue?.message}).`);
  }
  try {
    return contextPublicKeyFromJwk(first.data);
  } catch {
    throw new StandaloneStartError(`ng-referrals: the first key of ${where} cannot be imported as an Ed25519 public key.`);
  }
}

const SEED_CHUNK = 1_000;

/** Migrates the NRM schema and, when it holds nothing yet, seeds it from `cases` synthetic cases. */
export async function prepareNgReferrals(db: NrmDatabase, cases: number): Promise<{ seeded: boolean }> {
  await migrateNgReferrals(db);
  if (cases === 0 || (await isSeeded(db))) return { seeded: false };
  // One transaction, as the hub's runner seeds each system: a stopped start leaves nothing half-seeded.
  await db.transaction(async (tx) => {
    for (let start = 0; start < cases; start += SEED_CHUNK) {
      await seed(tx, [...syntheticCases(Math.min(SEED_CHUNK, cases - start), start)]);
    }
  });
  return { seeded: true };
}

export interface RunningNgReferrals {
  subgraph: RunningSubgraph;
  /** True when this start seeded the database (first start). */
  seeded: boolean;
  close(): Promise<void>;
}

/**
 * Fetches the hub's context key (first, so an unreachable hub fails before any database work),
 * opens the NRM database, migrates and seeds it, and serves the subgraph with the kit.
 */
export async function startNgReferrals(config: StandaloneConfig): Promise<RunningNgReferrals> {
  const contextKey = await fetchContextKey(config.CONTINUUM_CONTEXT_JWKS_URL);
  if (!config.DATABASE_URL) mkdirSync(config.NG_REFERRALS_DATA_DIR, { recursive: true });
  const db = await openNrmDatabase({ url: config.DATABASE_URL, dataDir: config.NG_REFERRALS_DATA_DIR });
  try {
    const { seeded } = await prepareNgReferrals(db, config.NG_REFERRALS_SEED_CASES);
    const subgraph = await startSubgraph(ngReferralsSubgraph(db, db), { port: config.PORT, host: config.HOST, contextKey, logLevel: config.LOG_LEVEL });
    return {
      subgraph,
      seeded,
      async close() {
        await subgraph.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
