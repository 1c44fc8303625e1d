/**
 * `npm start`: the whole hub on its embedded default — PGlite in .data/, seeded with synthetic
 * cases on first start, every subgraph and the gateway on 127.0.0.1. Set DATABASE_URL to use
 * a PostgreSQL server instead. With CONTINUUM_ROLE=gateway it runs one more gateway replica on
 * the shared PostgreSQL store, serving whatever supergraph the registry has active.
 */
import './airgap.js';
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ensureAuditKeys } from '../audit/index.js';
import { ensureContextKeys } from '../auth/context-token.js';
import { ensureDevIdentities, PERSONA_NAMES } from '../auth/dev-identities.js';
import { loadTrustList } from '../auth/trust.js';
import { openDb } from '../store/index.js';
import { ConfigError, gatewayTuning, loadConfig } from './config.js';
import { startFederation, startGatewayReplica } from './embedded.js';
import { tracesUrl, tracingOptions } from './tracing.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cases: { type: 'string' } }, strict: true });
  const config = loadConfig({ ...process.env, ...(values.cases ? { CONTINUUM_SEED_CASES: values.cases } : {}) });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const tuning = gatewayTuning(config);
  const traces = tracingOptions(config);

  if (!config.DATABASE_URL) mkdirSync(config.CONTINUUM_DATA_DIR, { recursive: true });
  out(config.DATABASE_URL ? 'Continuum: using PostgreSQL from DATABASE_URL' : `Continuum: embedded PGlite in ${config.CONTINUUM_DATA_DIR}`);
  const development = config.CONTINUUM_MODE === 'development';
  // Production trusts the identity providers in the trust file; development makes demo issuers.
  const trust = config.CONTINUUM_TRUST_FILE
    ? loadTrustList(config.CONTINUUM_TRUST_FILE)
    : (await ensureDevIdentities(config.CONTINUUM_DEV_IDENTITIES_DIR)).trust;
  const db = await openDb({ url: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : config.CONTINUUM_DATA_DIR });
  const auditKeys = await ensureAuditKeys(config.CONTINUUM_AUDIT_KEY_DIR);
  const contextKeys = await ensureContextKeys(config.CONTINUUM_CONTEXT_KEY_DIR);
  if (traces.mode === 'stdout') out('Continuum: traces on, one JSON line per finished span on stdout');
  if (traces.mode === 'otlp') out(`Continuum: traces on, sent to the collector at ${new URL(tracesUrl(traces.otlpEndpoint)).host}`);

  let stopping = false;
  const onSignals = (close: () => Promise<void>) => {
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      out(`Continuum: ${signal} received, draining…`);
      await close();
      await db.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  };

  if (config.CONTINUUM_ROLE === 'gateway') {
    const replica = await startGatewayReplica({ db, trust, auditKeys, contextKeys, host: config.HOST, port: config.PORT, logLevel: config.LOG_LEVEL, development, traces, ...tuning });
    out(`  GraphQL   ${replica.gateway.url}   (gateway replica, supergraph version ${replica.watching.version})`);
    onSignals(() => replica.close());
    return;
  }

  // Seeding: one structured line per system for the logs, and lines for people at a terminal.
  // Synchronous, so each structured line lands beside the terminal line it belongs to.
  const seedLog = pino({ level: config.LOG_LEVEL, base: { component: 'seed' } }, pino.destination({ dest: 1, sync: true }));
  const human = (line: string) => process.stdout.isTTY && out(line);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  let seeding: { started: number; systems: number } | undefined;
  const federation = await startFederation({
    db,
    trust,
    auditKeys,
    contextKeys,
    seedCases: config.CONTINUUM_SEED_CASES,
    onSeeding: {
      starting(systems, cases) {
        seeding = { started: performance.now(), systems: systems.length };
        human(`Continuum: first start, seeding ${cases.toLocaleString('en')} synthetic cases into ${systems.join(', ')}…`);
      },
      seeded({ system, cases, ms }) {
        seedLog.info({ system, cases, ms }, 'system seeded');
        human(`  seeded    ${system.padEnd(14)} ${seconds(ms)}`);
        if (seeding && --seeding.systems === 0) {
          const total = Math.round(performance.now() - seeding.started);
          seedLog.info({ cases, ms: total }, 'seeding done');
          human(`  seeding took ${seconds(total)}`);
        }
      },
    },
    host: config.HOST,
    gatewayPort: config.PORT,
    subgraphPortBase: config.SUBGRAPH_PORT_BASE,
    logLevel: config.LOG_LEVEL,
    development,
    traces,
    ...tuning,
  });
  const base = federation.gateway.url.replace(/\/graphql$/, '');
  out('');
  out(`  GraphQL   ${federation.gateway.url}`);
  out(`  Explorer  ${base}/explorer`);
  out(`  Console   ${base}/console   (auditors and DPOs: access log, chain status, Art. 15 reports)`);
  out(`  Health    ${base}/healthz   Ready ${base}/readyz`);
  for (const { subgraph } of federation.systems.values()) out(`  subgraph  ${subgraph.name.padEnd(14)} ${subgraph.url}`);
  out('');
  out('  Synthetic data only. Every request needs a token and a declared purpose:');
  if (!config.CONTINUUM_TRUST_FILE) {
    out(`    TOKEN=$(npx continuum token --persona be-counsellor)     # personas: ${PERSONA_NAMES.join(', ')}`);
  }
  out(`    curl -s ${federation.gateway.url} -H "authorization: Bearer $TOKEN" -H 'x-purpose: RETURN_COUNSELLING' \\`);
  out(`      -H 'content-type: application/json' -d '{"query":"{ cases(first: 3) { edges { node { ref status countryOfOrigin } } } }"}'`);

  onSignals(() => federation.close());
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(JSON.stringify({ level: 'fatal', msg: 'Continuum failed to start', error: (error as Error).message }));
  }
  process.exit(1);
});
