/**
 * A switch of supergraph while a request is in flight loses nothing silently: the request is
 * planned, enforced and re-checked against the version it started with. The iq-partner subgraph
 * is routed through a small HTTP server on 127.0.0.1 that holds its calls until the test lets them
 * go; meanwhile a supergraph without iq-partner is activated (as when a participant is suspended).
 * Before the fix, the held request came back with the partner's field `null` and no error, and a
 * false SUBGRAPH_RETURNED_DENIED_FIELD incident against the partner: the re-check judged the old
 * plan's answer by the new version, where the partner's fields no longer exist.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditContent } from '../../audit/index.js';
import { composeSupergraph } from '../../schema/compose.js';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { postGraphQL } from '../harness/graphql.js';
import { testStores } from '../harness/stores.js';

const CASES = 40;
const IQ_PARTNER = 'IQ/NGO/IQ-REINTEGRATION-PARTNER';
const CASE = [...syntheticCases(CASES)].find((c) => c.assignedPartner === IQ_PARTNER && c.partnerFile)!;
const QUERY = 'query PartnerFile($ref: CaseRef!) { case(ref: $ref) { ref partnerFile { partner } } }';

/** Forwards to the real subgraph, holding every call until `release()`. */
async function holdingStand(target: string) {
  let open!: () => void;
  let gate = new Promise<void>((resolve) => (open = resolve));
  const state = { held: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.held++;
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
      void gate
        .then(() => fetch(target, { method: 'POST', headers, body: Buffer.concat(chunks) }))
        .then(async (upstream) => response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text()))
        .catch(() => response.socket?.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    hold: () => (gate = new Promise<void>((resolve) => (open = resolve))),
    release: () => open(),
  };
}

describe.each(testStores)('a supergraph switch during a request on $name', (store) => {
  let federation: TestFederation;
  let stand: Awaited<ReturnType<typeof holdingStand>>;
  let withPartner: string;
  let withoutPartner: string;

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
    const partner = federation.systems.get('iq-partner')!.subgraph;
    stand = await holdingStand(partner.url);
    stand.release();
    const subgraphs = [...federation.systems.values()].map(({ subgraph }) => ({ name: subgraph.name, url: subgraph === partner ? stand.url : subgraph.url, sdl: subgraph.sdl }));
    const composed = composeSupergraph(subgraphs);
    const without = composeSupergraph(subgraphs.filter((s) => s.name !== 'iq-partner'));
    if (!composed.ok || !without.ok) throw new Error('composition failed');
    withPartner = composed.supergraphSdl;
    withoutPartner = without.supergraphSdl;
    await federation.gateway.supergraph.publish(withPartner);
  });
  afterAll(async () => {
    stand?.release();
    await federation?.stop();
    await new Promise((resolve) => stand?.server.close(resolve));
  });

  it("answers a request in flight across the switch with the version it started on: the partner's data, no error, no incident", async () => {
    stand.hold();
    const requestId = randomUUID();
    const before = stand.state.held;
    const pending = postGraphQL(federation.gateway.url, QUERY, { ref: CASE.ref }, { ...(await federation.as('iq-partner', 'REINTEGRATION_ASSISTANCE')), 'x-request-id': requestId });
    while (stand.state.held === before) await new Promise((resolve) => setTimeout(resolve, 10));
    // The partner's subgraph leaves the supergraph while its answer is on the way.
    await federation.gateway.supergraph.publish(withoutPartner);
    stand.release();
    const result = await pending;

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ case: { ref: CASE.ref, partnerFile: { partner: expect.stringContaining(IQ_PARTNER) } } });
    const [record] = await federation.db.query<{ content: AuditContent }>('SELECT body::jsonb AS content FROM audit.record WHERE request_id = $1', [requestId]);
    expect(record!.content.incidents).toEqual([]);
    expect(record!.content.subgraphs).toContain('iq-partner');
  });

  it('serves the next request on the new version, where the partner no longer is', async () => {
    const result = await federation.query('iq-partner', 'REINTEGRATION_ASSISTANCE', 'query($ref: CaseRef!) { case(ref: $ref) { ref } }', { ref: CASE.ref });
    expect(result.errors).toBeUndefined();
    const partnerField = await federation.query('iq-partner', 'REINTEGRATION_ASSISTANCE', QUERY, { ref: CASE.ref });
    expect(partnerField.status).toBe(400);
    expect(partnerField.errors).toMatchObject([{ message: 'Cannot query field "partnerFile" on type "Case".' }]);
  });
});
