/**
 * `continuum subgraph` and `continuum participant` as a partner's IT team and the hub operator use
 * them: a declassifying publish is held (exit 3, with the command the operator runs), the operator
 * lists it, approves it and sees its changes, and suspension says what consumers get.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSubgraph } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';
import { operatorToken, PARTNER, REFERRAL_COUNT_SDL, startPartnerSubgraph } from './harness.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const DECLASSIFIED_SDL = REFERRAL_COUNT_SDL.replace('category: REFERRAL', 'category: NOT_PERSONAL');

describe('continuum subgraph and participant against a running hub', () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-registry-cli-'));
  let federation: TestFederation;
  let v1: RunningSubgraph;
  let v2: RunningSubgraph;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) =>
    run(process.execPath, ['bin/continuum.mjs', ...args], { cwd: ROOT, env }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const signed = ['--participant', PARTNER, '--key', join(dir, 'keys', 'private.jwk.json'), '--name', 'test-referrals'];

  beforeAll(async () => {
    federation = await startTestFederation(testStores[0]!, { cases: 40 });
    v1 = await startPartnerSubgraph(federation);
    v2 = await startPartnerSubgraph(federation, DECLASSIFIED_SDL);
    writeFileSync(join(dir, 'v1.graphql'), REFERRAL_COUNT_SDL);
    writeFileSync(join(dir, 'v2.graphql'), DECLASSIFIED_SDL);
    env = { ...process.env, CONTINUUM_HUB_URL: federation.gateway.url, CONTINUUM_TOKEN: await operatorToken(federation) };
  });
  afterAll(async () => {
    await v1?.close();
    await v2?.close();
    await federation?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('onboards the partner and publishes its first version', async () => {
    expect((await cli('subgraph', 'keygen', '--out', join(dir, 'keys'))).code).toBe(0);
    const added = await cli('participant', 'add', '--id', PARTNER, '--name', 'Test referrals (synthetic)', '--public-key', join(dir, 'keys', 'public.jwk.json'), '--categories', 'CASE_ADMIN,REFERRAL', '--contributions', 'Case.referralCount');
    expect(added.code).toBe(0);
    expect((await cli('participant', 'approve', '--id', PARTNER)).code).toBe(0);
    const published = await cli('subgraph', 'publish', ...signed, '--url', v1.url, '--schema', join(dir, 'v1.graphql'));
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/^Published: supergraph version \d+ is active; every gateway switches within seconds\.$/m);
  });

  it('holds a declassifying publish with exit 3 and tells the partner what the hub operator must run', async () => {
    const held = await cli('subgraph', 'publish', ...signed, '--url', v2.url, '--schema', join(dir, 'v2.graphql'), '--allow-breaking');
    expect(held.code).toBe(3);
    expect(held.stdout).toContain('  ! [REGISTRY_APPROVAL_WIDENING] 1 change(s) widen who may see a field');
    expect(held.stdout).toContain('    WIDENS CATEGORY_CHANGED: Case.referralCount changed category from REFERRAL to NOT_PERSONAL. Newly released to anyone.');
    const version = /Held as supergraph version (\d+)/.exec(held.stderr)?.[1];
    expect(held.stderr).toContain('✗ HTTP 202 HUB_REGISTRY_HELD: The subgraph passed its checks, but it breaks consumers or widens who may see a field');
    expect(held.stderr).toContain(`\`npx continuum subgraph approve --version ${version}\``);

    const listed = await cli('subgraph', 'list');
    expect(listed.stdout.split('\n').find((line) => line.includes(`v${version} `))).toMatch(/^ {2}v\d+ .*HELD$/);

    const approved = await cli('subgraph', 'approve', '--version', String(version), '--reason', 'counts only');
    expect(approved).toMatchObject({ code: 0 });
    expect(approved.stdout).toBe(
      `Approved v${version}: supergraph version ${version} is active.\n    WIDENS CATEGORY_CHANGED: Case.referralCount changed category from REFERRAL to NOT_PERSONAL. Newly released to anyone.\n`,
    );
  });

  it('says what a suspension and a second approval do for consumers', async () => {
    const suspended = await cli('participant', 'suspend', '--id', PARTNER);
    expect(suspended.stdout).toMatch(new RegExp(`^${PARTNER} is SUSPENDED\\. Its fields stay in the schema and answer null \\(HUB_SUBGRAPH_SUSPENDED\\); its subgraphs are not called \\(version \\d+ is active\\)\\.$`, 'm'));
    const approved = await cli('participant', 'approve', '--id', PARTNER);
    expect(approved.stdout).toMatch(new RegExp(`^${PARTNER} is APPROVED\\. Its last active subgraph versions are served again \\(version \\d+ is active\\)\\.$`, 'm'));
  });
});
