/**
 * The README's partner flow for a team on another stack: a Python subgraph (python3-graphene, no
 * Continuum code) behind `continuum edge`, which trusts the hub's published context key set; the
 * team makes its key pair, the hub operator onboards it, the team checks and publishes with the
 * CLI, and the hub's callers query the new fields through the gateway under the same rules as
 * every other field — the edge enforcing the decisions on the partner's side.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeLogger, startEdge, type RunningEdge } from '../../edge/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';
import { operatorToken } from '../registry/harness.js';
import { startPythonSubgraph, type RunningPython } from './python.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const PARTICIPANT = 'NG/NGO/NG-HOUSING-SUPPORT/housing';

/** Synthetic housing files for Belgian cases and a German one of the hub's synthetic set. */
const DATA = {
  cases: {
    'EU-2024-000020': { address: '9 Synthetic Close, Lagos', movedInOn: '2024-07-01', needs: [{ kind: 'RENT', healthNote: null }] },
    'EU-2024-000001': { address: '5 Example Avenue, Erbil', movedInOn: '2024-09-10', needs: [{ kind: 'REPAIRS', healthNote: null }] },
    'EU-2024-000015': { address: '21 Synthetic Road, Erbil', movedInOn: '2025-03-02', needs: [{ kind: 'ACCESSIBILITY', healthNote: 'Needs a ground-floor flat (synthetic).' }] },
  },
};

describe('a Python subgraph behind the edge, registered and queried the README way', () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-edge-partner-'));
  let federation: TestFederation;
  let python: RunningPython;
  let edge: RunningEdge;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) =>
    run(process.execPath, ['bin/continuum.mjs', ...args], { cwd: ROOT, env }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  beforeAll(async () => {
    federation = await startTestFederation(testStores[0]!, { cases: 40 });
    writeFileSync(join(dir, 'housing-data.json'), JSON.stringify(DATA));
    python = await startPythonSubgraph({ data: join(dir, 'housing-data.json') });
    const hub = new URL(federation.gateway.url).origin;
    edge = await startEdge(
      {
        subgraphName: 'housing',
        upstreamUrl: python.url,
        host: '127.0.0.1',
        port: 0,
        jwksUrl: `${hub}/.well-known/continuum/context-jwks.json`,
        refreshSeconds: 300,
        cooldownSeconds: 30,
        upstreamTimeoutMs: 5_000,
        bodyLimitBytes: 1024 * 1024,
        logLevel: 'silent',
      },
      { logger: edgeLogger('silent', 'housing'), retryMs: 50 },
    );
    await edge.ready();
    env = { ...process.env, CONTINUUM_HUB_URL: federation.gateway.url, CONTINUUM_TOKEN: await operatorToken(federation) };
  });

  afterAll(async () => {
    await edge?.close();
    await python?.close();
    await federation?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('onboards the partner, checks and publishes the edge as its routing URL', async () => {
    expect((await cli('subgraph', 'keygen', '--out', join(dir, 'keys'))).code).toBe(0);
    const added = await cli(
      'participant', 'add', '--id', PARTICIPANT, '--name', 'Housing support partner (synthetic)', '--public-key', join(dir, 'keys', 'public.jwk.json'),
      '--categories', 'CASE_ADMIN,REINTEGRATION,CONTACT,HEALTH', '--contributions', 'Case.housing,HousingSupport,HousingNeed,HousingNeedKind',
    );
    expect(added.code).toBe(0);
    expect((await cli('participant', 'approve', '--id', PARTICIPANT)).code).toBe(0);
    const signed = ['--participant', PARTICIPANT, '--key', join(dir, 'keys', 'private.jwk.json'), '--name', 'housing', '--url', edge.url, '--schema', 'demos/housing.graphql'];
    const checked = await cli('subgraph', 'check', ...signed);
    expect(checked).toEqual({ code: 0, stdout: '✓ housing: every check passed.\n', stderr: '' });
    const published = await cli('subgraph', 'publish', ...signed);
    expect(published.stdout).toMatch(/^Published: supergraph version \d+ is active; every gateway switches within seconds\.$/m);
  });

  it("answers the partner's fields through the gateway, each case as the hub decides", async () => {
    const query = '{ own: case(ref: "EU-2024-000020") { housing { address movedInOn needs { kind } } } other: case(ref: "EU-2024-000001") { housing { movedInOn } } }';
    let result = await federation.query('be-counsellor', 'RETURN_COUNSELLING', query);
    for (let attempt = 0; attempt < 100 && result.errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await federation.query('be-counsellor', 'RETURN_COUNSELLING', query);
    }
    const answer = ({ status, data, errors }: { status: number; data?: unknown; errors?: unknown }) => ({ status, data, ...(errors ? { errors } : {}) });
    // The Belgian counsellor: its own case's housing file; a German case is not theirs to see at all.
    expect(answer(result)).toEqual({
      status: 200,
      data: { own: { housing: { address: '9 Synthetic Close, Lagos', movedInOn: '2024-07-01', needs: [{ kind: 'RENT' }] } }, other: null },
      errors: [
        {
          message: 'Case "EU-2024-000001" is not released to you: NO_RELATIONSHIP by rule case.not-a-party.',
          path: ['other'],
          extensions: { code: 'NO_RELATIONSHIP', rule: 'case.not-a-party', category: 'CASE_ADMIN', serviceName: 'central' },
        },
      ],
    });
    const housing = '{ case(ref: "EU-2024-000015") { housing { address movedInOn needs { kind healthNote } } } }';
    // The assigned Iraqi partner: the file, but not the health note (no grant of HEALTH for its purpose).
    expect(answer(await federation.query('iq-partner', 'REINTEGRATION_ASSISTANCE', housing))).toEqual({
      status: 200,
      data: { case: { housing: { address: '21 Synthetic Road, Erbil', movedInOn: '2025-03-02', needs: [{ kind: 'ACCESSIBILITY', healthNote: null }] } } },
      errors: [
        {
          message: 'Field "HousingNeed.healthNote" (HEALTH) is not released to you: FORBIDDEN_FIELD by rule policy.no-grant.',
          path: ['case', 'housing', 'needs', 0, 'healthNote'],
          extensions: { code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', category: 'HEALTH' },
        },
      ],
    });
    // The owning Member State's counsellor: everything, the health note included.
    expect(answer(await federation.query('be-counsellor', 'RETURN_COUNSELLING', housing))).toEqual({
      status: 200,
      data: { case: { housing: { address: '21 Synthetic Road, Erbil', movedInOn: '2025-03-02', needs: [{ kind: 'ACCESSIBILITY', healthNote: 'Needs a ground-floor flat (synthetic).' }] } } },
    });
  });
});
