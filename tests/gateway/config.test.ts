/** Configuration is validated at start-up; a bad setting is named, never half-applied. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, gatewayTuning, loadConfig } from '../../gateway/config.js';
import { DEFAULT_LIMITS } from '../../gateway/limits/index.js';
import { DEFAULT_RESILIENCE } from '../../gateway/resilience/index.js';
import { tracesUrl, tracingOptions } from '../../gateway/tracing.js';

describe('loadConfig', () => {
  it('applies the embedded defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      PORT: 4000,
      HOST: '127.0.0.1',
      SUBGRAPH_PORT_BASE: 4101,
      CONTINUUM_DATA_DIR: '.data/pglite',
      CONTINUUM_SEED_CASES: 2000,
      CONTINUUM_MODE: 'development',
      CONTINUUM_DEV_IDENTITIES_DIR: '.data/dev-identities',
      CONTINUUM_AUDIT_KEY_DIR: '.data/audit-keys',
      CONTINUUM_ROLE: 'all',
      CONTINUUM_CONTEXT_KEY_DIR: '.data/context-keys',
      LOG_LEVEL: 'info',
      CONTINUUM_MAX_DEPTH: 12,
      CONTINUUM_MAX_INTROSPECTION_DEPTH: 20,
      CONTINUUM_MAX_ALIASES: 30,
      CONTINUUM_MAX_TOKENS: 5000,
      CONTINUUM_MAX_COST: 70_000,
      CONTINUUM_BODY_LIMIT_BYTES: 1024 * 1024,
      CONTINUUM_RATE_LIMIT_PER_SECOND: 200,
      CONTINUUM_RATE_LIMIT_BURST: 400,
      CONTINUUM_SUBGRAPH_TIMEOUT_MS: 5000,
      CONTINUUM_SUBGRAPH_RETRIES: 2,
      CONTINUUM_BREAKER_FAILURES: 5,
      CONTINUUM_BREAKER_COOLDOWN_MS: 10_000,
      CONTINUUM_SHUTDOWN_GRACE_MS: 1000,
      CONTINUUM_STATISTICS_QUESTION_BUDGET: 200,
      CONTINUUM_TRACES: 'off',
    });
  });

  it('turns the defaults into the gateway defaults, and 0 into no rate limit', () => {
    expect(gatewayTuning(loadConfig({}))).toEqual({ limits: DEFAULT_LIMITS, resilience: DEFAULT_RESILIENCE, shutdownGraceMs: 1000, statisticsQuestionBudget: 200 });
    expect(gatewayTuning(loadConfig({ CONTINUUM_RATE_LIMIT_PER_SECOND: '0' })).limits.rateLimit).toBeNull();
    expect(gatewayTuning(loadConfig({ CONTINUUM_RATE_LIMIT_PER_SECOND: '0.5', CONTINUUM_RATE_LIMIT_BURST: '2' })).limits.rateLimit).toEqual({ perSecond: 0.5, burst: 2 });
  });

  it('names a limit out of range', () => {
    expect(() => loadConfig({ CONTINUUM_MAX_DEPTH: '0' })).toThrow(new ConfigError('Invalid configuration: CONTINUUM_MAX_DEPTH: Too small: expected number to be >=1'));
    expect(() => loadConfig({ CONTINUUM_SUBGRAPH_TIMEOUT_MS: 'soon' })).toThrow('CONTINUUM_SUBGRAPH_TIMEOUT_MS: Invalid input: expected number, received NaN');
  });

  it('refuses to start on a trusted documents manifest it cannot use, naming the setting', () => {
    expect(() => gatewayTuning(loadConfig({ CONTINUUM_TRUSTED_DOCUMENTS: '/nonexistent/manifest.json' }))).toThrow(
      /^Invalid configuration: CONTINUUM_TRUSTED_DOCUMENTS: cannot read the trusted documents manifest \/nonexistent\/manifest\.json/,
    );
  });

  it('leaves traces off unless told', () => {
    expect(tracingOptions(loadConfig({}))).toEqual({ mode: 'off' });
    expect(tracingOptions(loadConfig({ CONTINUUM_TRACES: 'stdout' }))).toEqual({ mode: 'stdout' });
    expect(tracingOptions(loadConfig({ CONTINUUM_TRACES: 'otlp', CONTINUUM_OTLP_ENDPOINT: 'http://otel-collector:4318' }))).toEqual({ mode: 'otlp', otlpEndpoint: 'http://otel-collector:4318' });
  });

  it("sends OTLP to the endpoint as given, adding OTLP/HTTP's /v1/traces to a collector address without a path", () => {
    expect(tracesUrl('http://otel-collector:4318')).toBe('http://otel-collector:4318/v1/traces');
    expect(tracesUrl('https://otel-collector/otlp/v1/traces')).toBe('https://otel-collector/otlp/v1/traces');
  });

  it('names a traces mode it does not know', () => {
    expect(() => loadConfig({ CONTINUUM_TRACES: 'jaeger' })).toThrow(new ConfigError('Invalid configuration: CONTINUUM_TRACES: Invalid option: expected one of "off"|"stdout"|"otlp"'));
  });

  it('refuses OTLP traces without a collector, or with an endpoint that is not an http(s) URL', () => {
    expect(() => loadConfig({ CONTINUUM_TRACES: 'otlp' })).toThrow(
      new ConfigError('Invalid configuration: CONTINUUM_OTLP_ENDPOINT: required when CONTINUUM_TRACES is otlp (the collector the spans are sent to)'),
    );
    expect(() => loadConfig({ CONTINUUM_TRACES: 'otlp', CONTINUUM_OTLP_ENDPOINT: 'otel-collector:4318' })).toThrow(
      new ConfigError('Invalid configuration: CONTINUUM_OTLP_ENDPOINT: must be an http:// or https:// URL'),
    );
    expect(() => loadConfig({ CONTINUUM_TRACES: 'otlp', CONTINUUM_OTLP_ENDPOINT: 'grpc://otel-collector:4317' })).toThrow('CONTINUUM_OTLP_ENDPOINT: must be an http:// or https:// URL');
  });

  it('names a port that is not a port', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(new ConfigError('Invalid configuration: PORT: Invalid input: expected number, received NaN'));
  });

  it('names a database URL that is not PostgreSQL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/continuum' })).toThrow('DATABASE_URL: must be a postgres:// or postgresql:// URL');
  });

  it('names every bad setting at once', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud', CONTINUUM_MODE: 'staging' })).toThrow(/CONTINUUM_MODE: .*; LOG_LEVEL: /);
  });

  it('refuses production without a trust list: demo identities are for development only', () => {
    expect(() => loadConfig({ CONTINUUM_MODE: 'production' })).toThrow('CONTINUUM_TRUST_FILE: required in production (demo identities are for development only)');
  });

  it('refuses a gateway replica without the shared PostgreSQL store', () => {
    expect(() => loadConfig({ CONTINUUM_ROLE: 'gateway' })).toThrow('DATABASE_URL: a gateway replica needs the shared PostgreSQL store');
  });

  it('ignores variables it does not own', () => {
    expect(loadConfig({ PATH: '/usr/bin', PORT: '4500' }).PORT).toBe(4500);
  });
});

describe('loadConfig with CONTINUUM_CONFIG (a JSON file; the environment overrides it)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('reads settings from the file, numbers as numbers', () => {
    const path = file('ok.json', JSON.stringify({ PORT: 4500, CONTINUUM_MAX_DEPTH: 8, LOG_LEVEL: 'warn' }));
    const config = loadConfig({ CONTINUUM_CONFIG: path });
    expect([config.PORT, config.CONTINUUM_MAX_DEPTH, config.LOG_LEVEL, config.CONTINUUM_CONFIG]).toEqual([4500, 8, 'warn', path]);
  });

  it('lets the environment override the file', () => {
    const path = file('override.json', JSON.stringify({ PORT: 4500, LOG_LEVEL: 'warn' }));
    expect(loadConfig({ CONTINUUM_CONFIG: path, PORT: '4600' })).toMatchObject({ PORT: 4600, LOG_LEVEL: 'warn' });
  });

  it('names a bad value and the file it came from', () => {
    const path = file('bad-value.json', JSON.stringify({ CONTINUUM_MAX_ALIASES: -1 }));
    expect(() => loadConfig({ CONTINUUM_CONFIG: path })).toThrow(new ConfigError(`Invalid configuration: CONTINUUM_MAX_ALIASES: Too small: expected number to be >=0 (in ${path})`));
  });

  it('names a setting that does not exist (a typo must not be ignored)', () => {
    const path = file('typo.json', JSON.stringify({ CONTINUUM_MAX_DEPHT: 8 }));
    expect(() => loadConfig({ CONTINUUM_CONFIG: path })).toThrow(new ConfigError(`Invalid configuration: CONTINUUM_MAX_DEPHT: not a setting (in ${path})`));
  });

  it('names a file that is missing or not JSON', () => {
    expect(() => loadConfig({ CONTINUUM_CONFIG: join(dir, 'missing.json') })).toThrow(/^Invalid configuration: CONTINUUM_CONFIG: cannot read .*missing\.json: ENOENT/);
    expect(() => loadConfig({ CONTINUUM_CONFIG: file('broken.json', '{ PORT: 1') })).toThrow(/^Invalid configuration: CONTINUUM_CONFIG: cannot read .*broken\.json: /);
    expect(() => loadConfig({ CONTINUUM_CONFIG: file('array.json', '[]') })).toThrow(/CONTINUUM_CONFIG: .*array\.json must hold a JSON object of settings/);
  });
});
