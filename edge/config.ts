/**
 * The edge's configuration: a JSON file (`--config FILE`), environment variables, or both (a
 * variable overrides the file). Validated with zod at start; an invalid configuration stops the
 * edge with every problem listed, before it listens.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' });

export const EdgeConfigSchema = z
  .object({
    /** The subgraph's name in the hub's registry: the audience of every context token it gets. */
    subgraphName: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be the registered subgraph name: lower case, digits and dashes'),
    /** The subgraph behind the edge (its GraphQL endpoint, on the partner's own network). */
    upstreamUrl: httpUrl,
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(4300),
    /** Where the hub publishes its context keys (GET /.well-known/continuum/context-jwks.json on a gateway). */
    jwksUrl: httpUrl.optional(),
    /** Or a JWKS file, for a network that cannot reach the hub's gateway. */
    jwksFile: z.string().min(1).optional(),
    refreshSeconds: z.coerce.number().int().min(10).max(86_400).default(300),
    cooldownSeconds: z.coerce.number().int().min(1).max(3_600).default(30),
    upstreamTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
    bodyLimitBytes: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
    logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .strict()
  .refine((config) => (config.jwksUrl === undefined) !== (config.jwksFile === undefined), { message: 'set exactly one of jwksUrl and jwksFile', path: ['jwksUrl'] });

export type EdgeConfig = z.infer<typeof EdgeConfigSchema>;

/** Each setting's environment variable. */
export const EDGE_ENV: Record<keyof EdgeConfig, string> = {
  subgraphName: 'CONTINUUM_EDGE_SUBGRAPH',
  upstreamUrl: 'CONTINUUM_EDGE_UPSTREAM_URL',
  host: 'CONTINUUM_EDGE_HOST',
  port: 'CONTINUUM_EDGE_PORT',
  jwksUrl: 'CONTINUUM_EDGE_JWKS_URL',
  jwksFile: 'CONTINUUM_EDGE_JWKS_FILE',
  refreshSeconds: 'CONTINUUM_EDGE_KEY_REFRESH_SECONDS',
  cooldownSeconds: 'CONTINUUM_EDGE_KEY_COOLDOWN_SECONDS',
  upstreamTimeoutMs: 'CONTINUUM_EDGE_UPSTREAM_TIMEOUT_MS',
  bodyLimitBytes: 'CONTINUUM_EDGE_BODY_LIMIT_BYTES',
  logLevel: 'CONTINUUM_EDGE_LOG_LEVEL',
};

/** A configuration problem, for the operator (printed as is, exit 1). */
export class EdgeConfigError extends Error {
  override name = 'EdgeConfigError';
}

/** Reads the file (if any), lays the environment over it (empty variables count as unset), validates. */
export function loadEdgeConfig(options: { file?: string; env?: Record<string, string | undefined> } = {}): EdgeConfig {
  const env = options.env ?? process.env;
  let fromFile: Record<string, unknown> = {};
  if (options.file) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (error) {
      throw new EdgeConfigError(`edge: cannot read the configuration file ${options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new EdgeConfigError(`edge: the configuration file ${options.file} is not JSON.`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) throw new EdgeConfigError(`edge: the configuration file ${options.file} must hold a JSON object.`);
  }
  const fromEnv = Object.fromEntries(
    Object.entries(EDGE_ENV)
      .filter(([, variable]) => env[variable] !== undefined && env[variable] !== '')
      .map(([key, variable]) => [key, env[variable]]),
  );
  const result = EdgeConfigSchema.safeParse({ ...fromFile, ...fromEnv });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path[0] as keyof EdgeConfig | undefined;
      const where = key && key in EDGE_ENV ? `${String(key)} (${EDGE_ENV[key]})` : issue.path.join('.') || 'configuration';
      return `${where}: ${issue.message}`;
    });
    throw new EdgeConfigError(`edge: invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
