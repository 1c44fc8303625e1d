/** Configuration is validated at start-up; a bad setting is named, never half-applied. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../gateway/config.js';

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
    });
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
