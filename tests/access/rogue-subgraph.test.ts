/**
 * The gateway's last line of defence, on every store in `testStores`: a subgraph that returns a
 * field it was told was denied has it stripped, answered `null` with the denial's error marked as
 * an incident, and the incident logged.
 *
 * Built honestly: the federation starts as usual; then a second instance of the iq-partner module
 * is started with enforcement off (it ignores the signed decisions — a misbehaving or compromised
 * partner system), the supergraph is recomposed with iq-partner routed to it, and published to the
 * running gateway. Only a field that passes the static policy reaches a subgraph at all (statically
 * denied fields are removed before planning), so the probe is one denied per case: the Iraqi
 * partner's health assistance, for continuity of care, on an assigned case without a health consent.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeSupergraph } from '../../schema/compose.js';
import { startSubgraph, type RunningSubgraph, type SyntheticCase } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import type { GraphQLResponse } from '../harness/graphql.js';
import { testStores } from '../harness/stores.js';
import { assignedTo, CASES, findCase, IQ_PARTNER, noConsentTo } from './harness.js';

const CASE: SyntheticCase = findCase(
  'a case of the Iraqi partner with health assistance and no health consent',
  assignedTo(IQ_PARTNER),
  noConsentTo(IQ_PARTNER, 'HEALTH'),
  (c) => (c.partnerFile?.healthAssistance.length ?? 0) > 0,
);
const QUERY = 'query($ref: CaseRef!) { case(ref: $ref) { ref partnerFile { partner healthAssistance { kind } } } }';
/** Only `healthAssistance` is withheld (it is nullable: schema/lint/DenialStaysLocalRule.ts); the partner's file stands. */
const ANSWER = { case: { ref: CASE.ref, partnerFile: { partner: 'IQ/NGO/IQ-REINTEGRATION-PARTNER/assist', healthAssistance: null } } };
const DENIAL = {
  message: 'Field "ReintegrationPartnerFile.healthAssistance" (HEALTH) is not released to you: CONSENT_REQUIRED by rule partner.continuity-of-care.',
  path: ['case', 'partnerFile', 'healthAssistance'],
};

describe.each(testStores)('a rogue subgraph on $name', (store) => {
  let federation: TestFederation;
  let rogue: RunningSubgraph;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let honest: GraphQLResponse<Record<string, any>>;
  const ask = () => federation.query('iq-partner', 'CONTINUITY_OF_CARE', QUERY, { ref: CASE.ref });

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
    honest = await ask();

    const iqPartner = federation.systems.get('iq-partner')!;
    rogue = await startSubgraph(iqPartner.opened.module, { port: 0, logLevel: 'silent', enforcement: 'off-for-baseline-benchmark' });
    const composed = composeSupergraph(
      [...federation.systems.values()].map(({ subgraph }) => ({ name: subgraph.name, url: subgraph === iqPartner.subgraph ? rogue.url : subgraph.url, sdl: subgraph.sdl })),
    );
    if (!composed.ok) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
    await federation.gateway.supergraph.publish(composed.supergraphSdl);
    // Served once the rogue, not the honest subgraph, answers the partner's part of the query.
    for (let attempt = 0; rogue.stats.requests === 0; attempt++) {
      if (attempt === 50) throw new Error('the gateway never called the rogue subgraph');
      await ask();
      if (rogue.stats.requests === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    await federation?.stop();
    await rogue?.close();
  });

  it('is a real rogue: asked directly, it returns the health assistance it should withhold', async () => {
    const response = await fetch(rogue.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Case { partnerFile { healthAssistance { kind } } } } }',
        variables: { r: [{ __typename: 'Case', ref: CASE.ref }] },
      }),
    });
    const body = (await response.json()) as { data: { _entities: { partnerFile: { healthAssistance: { kind: string }[] } }[] } };
    expect(body.data._entities[0]!.partnerFile.healthAssistance).toEqual(CASE.partnerFile!.healthAssistance.map(({ kind }) => ({ kind })));
  });

  it('the honest subgraph withholds the field itself: no incident', () => {
    expect(honest.data).toEqual(ANSWER);
    // The gateway answers the denial itself, at its exact path (the subgraph returned a quiet null).
    expect(honest.errors).toEqual([{ ...DENIAL, extensions: { code: 'CONSENT_REQUIRED', rule: 'partner.continuity-of-care', category: 'HEALTH' } }]);
  });

  it('strips the field the rogue returned, answers it null with the denial marked as an incident, and keeps the rest', async () => {
    const result = await ask();
    expect(result.data).toEqual(ANSWER);
    expect(result.errors).toEqual([
      {
        ...DENIAL,
        extensions: { code: 'CONSENT_REQUIRED', rule: 'partner.continuity-of-care', category: 'HEALTH', incident: 'SUBGRAPH_RETURNED_DENIED_FIELD' },
      },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/"kind"/);
  });

  it('reports the incident in the gateway log, naming the subgraph, field, code, rule and request', async () => {
    const warn = vi.spyOn(federation.gateway.app.log, 'warn');
    try {
      const requestId = '00000000-0000-4000-8000-0000000a0001'; // a UUID: the gateway replaces any other x-request-id
      const headers = { ...(await federation.as('iq-partner', 'CONTINUITY_OF_CARE')), 'content-type': 'application/json', 'x-request-id': requestId };
      const response = await fetch(federation.gateway.url, { method: 'POST', headers, body: JSON.stringify({ query: QUERY, variables: { ref: CASE.ref } }) });
      expect(response.status).toBe(200);
      const incidents = warn.mock.calls.filter(([entry]) => (entry as { incident?: string }).incident === 'SUBGRAPH_RETURNED_DENIED_FIELD');
      expect(incidents).toEqual([
        [
          {
            requestId,
            subgraph: 'iq-partner',
            coordinate: 'ReintegrationPartnerFile.healthAssistance',
            code: 'CONSENT_REQUIRED',
            rule: 'partner.continuity-of-care',
            incident: 'SUBGRAPH_RETURNED_DENIED_FIELD',
          },
          'stripped a denied field a subgraph returned',
        ],
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
