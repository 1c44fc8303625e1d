/**
 * Configuration from the environment and, optionally, a JSON file (CONTINUUM_CONFIG=path.json,
 * the same setting names; the environment overrides the file), validated with zod at start-up.
 * A bad setting stops the process with a message naming it (and the file it came from);
 * nothing starts half-configured.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_LIMITS, type LimitOptions } from './limits/index.js';
import { loadTrustedDocuments } from './limits/trustedDocuments.js';
import { DEFAULT_RESILIENCE, type ResilienceOptions } from './resilience/index.js';
import { DEFAULT_STATISTICS_QUESTION_BUDGET } from '../statistics/budget.js';
import { TRACES_MODES } from './tracing.js';

const port = z.coerce.number().int().min(0).max(65535);
const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

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
  /** A JSON file with any of these settings; the environment overrides it. */
  CONTINUUM_CONFIG: z.string().min(1).optional(),
  // Abuse limits (gateway/limits/).
  CONTINUUM_MAX_DEPTH: count(1, 100).default(DEFAULT_LIMITS.maxDepth),
  CONTINUUM_MAX_INTROSPECTION_DEPTH: count(1, 100).default(DEFAULT_LIMITS.maxIntrospectionDepth),
  CONTINUUM_MAX_ALIASES: count(0, 10_000).default(DEFAULT_LIMITS.maxAliases),
  CONTINUUM_MAX_TOKENS: count(100, 1_000_000).default(DEFAULT_LIMITS.maxTokens),
  CONTINUUM_MAX_COST: count(1, 100_000_000).default(DEFAULT_LIMITS.maxCost),
  CONTINUUM_BODY_LIMIT_BYTES: count(1024, 100 * 1024 * 1024).default(DEFAULT_LIMITS.bodyLimitBytes),
  /** Requests per second per organisation and replica; 0 turns the rate limit off. */
  CONTINUUM_RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).max(1_000_000).default(DEFAULT_LIMITS.rateLimit?.perSecond ?? 0),
  CONTINUUM_RATE_LIMIT_BURST: count(1, 1_000_000).default(DEFAULT_LIMITS.rateLimit?.burst ?? 1),
  /** A manifest of sha256 → query: only those operations run. Unset: any valid operation. */
  CONTINUUM_TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  // Resilience (gateway/resilience/).
  CONTINUUM_SUBGRAPH_TIMEOUT_MS: count(50, 600_000).default(DEFAULT_RESILIENCE.timeoutMs),
  CONTINUUM_SUBGRAPH_RETRIES: count(0, 10).default(DEFAULT_RESILIENCE.retries),
  CONTINUUM_BREAKER_FAILURES: count(1, 1000).default(DEFAULT_RESILIENCE.failureThreshold),
  CONTINUUM_BREAKER_COOLDOWN_MS: count(100, 3_600_000).default(DEFAULT_RESILIENCE.cooldownMs),
  /** Distinct statistics questions per organisation per month (docs/STATISTICS.md § Differencing). */
  CONTINUUM_STATISTICS_QUESTION_BUDGET: count(1, 100_000).default(DEFAULT_STATISTICS_QUESTION_BUDGET),
  /** On SIGTERM: keep serving this long with /readyz at 503 before closing (longer than the load balancer's health check interval). */
  CONTINUUM_SHUTDOWN_GRACE_MS: count(0, 120_000).default(1000),
  // Traces (gateway/tracing.ts): nothing is recorded or sent unless an operator turns them on.
  /** off: no spans; stdout: one JSON line per finished span; otlp: OTLP/HTTP (JSON) to CONTINUUM_OTLP_ENDPOINT. */
  CONTINUUM_TRACES: z.enum(TRACES_MODES).default('off'),
  /** The collector's OTLP/HTTP traces URL, e.g. http://otel-collector:4318/v1/traces (no path: /v1/traces is added). */
  CONTINUUM_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

const CheckedConfig = ConfigSchema.superRefine((config, ctx) => {
  if (config.CONTINUUM_ROLE === 'gateway' && !config.DATABASE_URL) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'a gateway replica needs the shared PostgreSQL store' });
  }
  if (config.CONTINUUM_TRACES === 'otlp' && !config.CONTINUUM_OTLP_ENDPOINT) {
    ctx.addIssue({ code: 'custom', path: ['CONTINUUM_OTLP_ENDPOINT'], message: 'required when CONTINUUM_TRACES is otlp (the collector the spans are sent to)' });
  }
  if (config.CONTINUUM_MODE === 'production' && !config.CONTINUUM_TRUST_FILE) {
    ctx.addIssue({ code: 'custom', path: ['CONTINUUM_TRUST_FILE'], message: 'required in production (demo identities are for development only)' });
  }
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const SETTINGS = new Set(Object.keys(ConfigSchema.shape));

/** The settings in a CONTINUUM_CONFIG file, as strings like the environment's. */
function readConfigFile(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Invalid configuration: CONTINUUM_CONFIG: cannot read ${path}: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`Invalid configuration: CONTINUUM_CONFIG: ${path} must hold a JSON object of settings`);
  const settings: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (!SETTINGS.has(key) || key === 'CONTINUUM_CONFIG') problems.push(`${key}: not a setting (in ${path})`);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') settings[key] = String(value);
    else problems.push(`${key}: must be a string or a number (in ${path})`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return settings;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const fromEnv = Object.fromEntries([...SETTINGS].filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key] as string]));
  const fromFile = fromEnv.CONTINUUM_CONFIG ? readConfigFile(fromEnv.CONTINUUM_CONFIG) : {};
  const result = CheckedConfig.safeParse({ ...fromFile, ...fromEnv });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const origin = key in fromFile && !(key in fromEnv) ? ` (in ${fromEnv.CONTINUUM_CONFIG})` : '';
      return `${issue.path.join('.')}: ${issue.message}${origin}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/** The gateway's limits and resilience settings; reads the trusted documents manifest, if any. */
export function gatewayTuning(config: Config): { limits: LimitOptions; resilience: ResilienceOptions; shutdownGraceMs: number; statisticsQuestionBudget: number } {
  let trustedDocuments: LimitOptions['trustedDocuments'] = null;
  if (config.CONTINUUM_TRUSTED_DOCUMENTS) {
    try {
      trustedDocuments = loadTrustedDocuments(config.CONTINUUM_TRUSTED_DOCUMENTS);
    } catch (error) {
      throw new ConfigError(`Invalid configuration: CONTINUUM_TRUSTED_DOCUMENTS: ${(error as Error).message}`);
    }
  }
  return {
    limits: {
      ...DEFAULT_LIMITS,
      maxDepth: config.CONTINUUM_MAX_DEPTH,
      maxIntrospectionDepth: config.CONTINUUM_MAX_INTROSPECTION_DEPTH,
      maxAliases: config.CONTINUUM_MAX_ALIASES,
      maxTokens: config.CONTINUUM_MAX_TOKENS,
      maxCost: config.CONTINUUM_MAX_COST,
      bodyLimitBytes: config.CONTINUUM_BODY_LIMIT_BYTES,
      rateLimit: config.CONTINUUM_RATE_LIMIT_PER_SECOND > 0 ? { perSecond: config.CONTINUUM_RATE_LIMIT_PER_SECOND, burst: config.CONTINUUM_RATE_LIMIT_BURST } : null,
      trustedDocuments,
    },
    resilience: {
      ...DEFAULT_RESILIENCE,
      timeoutMs: config.CONTINUUM_SUBGRAPH_TIMEOUT_MS,
      retries: config.CONTINUUM_SUBGRAPH_RETRIES,
      failureThreshold: config.CONTINUUM_BREAKER_FAILURES,
      cooldownMs: config.CONTINUUM_BREAKER_COOLDOWN_MS,
    },
    shutdownGraceMs: config.CONTINUUM_SHUTDOWN_GRACE_MS,
    statisticsQuestionBudget: config.CONTINUUM_STATISTICS_QUESTION_BUDGET,
  };
}
