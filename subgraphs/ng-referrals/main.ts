/**
 * `npm run start:ng-referrals`: Nigeria's national referral mechanism as the partner runs it, in
 * its own process. Reads PORT (4106), HOST (127.0.0.1), DATABASE_URL (else embedded PGlite in
 * NG_REFERRALS_DATA_DIR, default .data/ng-referrals), CONTINUUM_CONTEXT_JWKS_URL (the hub's
 * published gateway context key), NG_REFERRALS_SEED_CASES (2000) and LOG_LEVEL. SYNTHETIC DATA.
 */
import '@continuum/subgraph-kit';
import { NG_REFERRALS_PARTICIPANT } from './subgraph.js';
import { loadStandaloneConfig, startNgReferrals, StandaloneStartError } from './standalone.js';

async function main(): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const config = loadStandaloneConfig(process.env);
  out(config.DATABASE_URL ? 'ng-referrals: using PostgreSQL from DATABASE_URL' : `ng-referrals: embedded PGlite in ${config.NG_REFERRALS_DATA_DIR}`);
  out(`ng-referrals: gateway context key from ${config.CONTINUUM_CONTEXT_JWKS_URL}`);
  const running = await startNgReferrals(config);
  out('');
  out(`  subgraph     ${running.subgraph.name}   ${running.subgraph.url}`);
  out(`  health       ${running.subgraph.url.replace(/\/graphql$/, '/healthz')}`);
  out(`  participant  ${NG_REFERRALS_PARTICIPANT}`);
  out(`  SDL          subgraphs/ng-referrals/schema.graphql (publish it to the hub's registry with this routing URL)`);
  out(`  data         synthetic only${running.seeded ? `, seeded from ${config.NG_REFERRALS_SEED_CASES} synthetic cases` : ''}`);
  out('');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    out(`ng-referrals: ${signal} received, stopping…`);
    try {
      await running.close();
      process.exit(0);
    } catch (error) {
      console.error(`ng-referrals: unclean shutdown: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof StandaloneStartError ? error.message : `ng-referrals: failed to start: ${(error as Error).message}`);
  process.exit(1);
});
