/**
 * The leaky subgraph (demos/leaky-subgraph) registered with a running hub, first as it is and then
 * behind the edge. As it is, the gateway's re-check catches what it returns although denied
 * (`SUBGRAPH_RETURNED_DENIED_FIELD`): the data has left the partner's premises. Behind the edge,
 * the same queries answer the same to the caller and the gateway finds nothing to strip: the edge
 * kept it on the partner's side.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLeakySubgraph, type RunningLeakySubgraph } from '../../demos/leaky-subgraph/server.js';
import { edgeLogger, startEdge, type RunningEdge } from '../../edge/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';
import { operatorToken } from '../registry/harness.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const PARTICIPANT = 'NG/NGO/NG-HOUSING-SUPPORT/housing';
const QUERY = '{ cases(first: 40) { edges { node { ref housing { address movedInOn needs { kind healthNote } } } } } }';

describe('a leaky subgraph registered with the hub, without and with the edge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'continuum-edge-leaky-'));
  let federation: TestFederation;
  let leaky: RunningLeakySubgraph;
  let edge: RunningEdge;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) =>
    run(process.execPath, ['bin/continuum.mjs', ...args], { cwd: ROOT, env }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const publish = (url: string) =>
    cli('subgraph', 'publish', '--participant', PARTICIPANT, '--key', join(dir, 'keys', 'private.jwk.json'), '--name', 'housing', '--url', url, '--schema', 'demos/housing.graphql');

  beforeAll(async () => {
    federation = await startTestFederation(testStores[0]!, { cases: 40 });
    leaky = await startLeakySubgraph();
    edge = await startEdge(
      {
        subgraphName: 'housing',
        upstreamUrl: leaky.url,
        host: '127.0.0.1',
        port: 0,
        jwksUrl: `${new URL(federation.gateway.url).origin}/.well-known/continuum/context-jwks.json`,
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
    expect((await cli('subgraph', 'keygen', '--out', join(dir, 'keys'))).code).toBe(0);
    const added = await cli(
      'participant', 'add', '--id', PARTICIPANT, '--name', 'Housing support partner (synthetic)', '--public-key', join(dir, 'keys', 'public.jwk.json'),
      '--categories', 'CASE_ADMIN,REINTEGRATION,CONTACT,HEALTH', '--contributions', 'Case.housing,HousingSupport,HousingNeed,HousingNeedKind',
    );
    expect(added.code).toBe(0);
    expect((await cli('participant', 'approve', '--id', PARTICIPANT)).code).toBe(0);
  });

  afterAll(async () => {
    await edge?.close();
    await leaky?.close();
    await federation?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Asks until the gateway serves `Case.housing` from the routing URL just published. */
  async function ask(persona: 'iq-partner' | 'be-counsellor', purpose: 'REINTEGRATION_ASSISTANCE' | 'CONTINUITY_OF_CARE' | 'RETURN_COUNSELLING') {
    let result = await federation.query(persona, purpose, QUERY);
    for (let attempt = 0; attempt < 100 && result.errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await federation.query(persona, purpose, QUERY);
    }
    return result;
  }

  const incidents = (result: { errors?: { extensions?: Record<string, unknown> }[] }) => (result.errors ?? []).filter((e) => e.extensions?.incident === 'SUBGRAPH_RETURNED_DENIED_FIELD');
  const node = (result: { data?: unknown }, ref: string) =>
    ((result.data as { cases: { edges: { node: { ref: string; housing: unknown } }[] } }).cases.edges.find((e) => e.node.ref === ref) ?? { node: undefined }).node;

  it('as it is: the gateway has to strip what the subgraph sent although denied', async () => {
    expect((await publish(leaky.url)).code).toBe(0);
    const result = await ask('iq-partner', 'REINTEGRATION_ASSISTANCE');
    expect(incidents(result).length).toBeGreaterThan(0);
  });

  it('behind the edge: nothing denied arrives at the hub, and the caller gets what it may see', async () => {
    expect((await publish(edge.url)).code).toBe(0);
    let result = await ask('iq-partner', 'REINTEGRATION_ASSISTANCE');
    // The gateways switch to the new routing URL within seconds.
    for (let attempt = 0; attempt < 100 && incidents(result).length > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await ask('iq-partner', 'REINTEGRATION_ASSISTANCE');
    }
    expect(incidents(result)).toEqual([]);
    // The assigned partner's case: the file, the Date the leaky subgraph sent as an object withheld,
    // and the health note denied by the policy (removed by the gateway before planning).
    expect(node(result, 'EU-2024-000015')).toEqual({
      ref: 'EU-2024-000015',
      housing: { address: '3 Example Road, Benin City', movedInOn: null, needs: [{ kind: 'FURNITURE', healthNote: null }] },
    });
    expect(node(result, 'EU-2024-000019')).toEqual({ ref: 'EU-2024-000019', housing: null });
  });
});
