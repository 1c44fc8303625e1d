/**
 * Configuration from the environment, validated with zod at start-up. A bad setting stops the
 * process with a message naming it; nothing starts half-configured.
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

export const ConfigSchema = z.object({
  PORT: port.default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** First port of the embedded subgraphs (central, then each system in order). 0: ephemeral. */
  SUBGRAPH_PORT_BASE: port.default(4101),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  CONTINUUM_DATA_DIR: z.string().min(1).default('.data/pglite'),
  CONTINUUM_SEED_CASES: z.coerce.number().int().min(0).max(1_000_000).default(2000),
  CONTINUUM_MODE: z.enum(['development', 'production']).default('development'),
  /** Trust list (JSON) of the identity providers whose tokens the hub accepts. Required in production. */
  CONTINUUM_TRUST_FILE: z.string().min(1).optional(),
  /** all: the whole embedded hub; gateway: one more gateway replica on the shared store (PostgreSQL). */
  CONTINUUM_ROLE: z.enum(['all', 'gateway']).default('all'),
  /** The gateway's context-signing key pair, shared by every replica (created there on first start). */
  CONTINUUM_CONTEXT_KEY_DIR: z.string().min(1).default('.data/context-keys'),
  /** The hub's audit signing key pair (created there on first start; public.jwk.json is for verifiers). */
  CONTINUUM_AUDIT_KEY_DIR: z.string().min(1).default('.data/audit-keys'),
  /** Development only: where the demo issuers' keys are kept (`npx continuum token` reads them). */
  CONTINUUM_DEV_IDENTITIES_DIR: z.string().min(1).default('.data/dev-identities'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema>;

const CheckedConfig = ConfigSchema.superRefine((config, ctx) => {
  if (config.CONTINUUM_ROLE === 'gateway' && !config.DATABASE_URL) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'a gateway replica needs the shared PostgreSQL store' });
  }
  if (config.CONTINUUM_MODE === 'production' && !config.CONTINUUM_TRUST_FILE) {
    ctx.addIssue({ code: 'custom', path: ['CONTINUUM_TRUST_FILE'], message: 'required in production (demo identities are for development only)' });
  }
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(Object.keys(ConfigSchema.shape).filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]));
  const result = CheckedConfig.safeParse(relevant);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
