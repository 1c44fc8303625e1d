/**
 * The EU-programme relationship end to end: it relates the programme's own organisation
 * (auth/policy.yaml, `parties.EU_PROGRAMME`) to the cases it takes part in, and nobody else. The
 * federation here runs a trust list with one mistake — the research institute's identity provider
 * is allowed the EU_PROGRAMME_MANAGER role — to show that a role, even one the hub accepted from a
 * trusted issuer, relates nobody to a case: the research institute lists no enrolled case and
 * reads none, on every store in `testStores`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevIdentities, issueDevToken, type DevIdentities } from '../../auth/dev-identities.js';
import { DEFAULT_POLICY_PATH, parsePolicy } from '../../auth/policy.js';
import type { TrustList } from '../../auth/trust.js';
import { startFederation, type RunningFederation } from '../../gateway/embedded.js';
import type { Db } from '../../store/index.js';
import { centralResolvers } from '../../subgraphs/central/resolvers.js';
import { claimsOf, sign } from '../auth/harness.js';
import { postGraphQL } from '../harness/graphql.js';
import { testStores } from '../harness/stores.js';
import { allCases, CASES, findCase } from './harness.js';

const RESEARCH = 'EU/EDU/EU-RETURN-RESEARCH';
const ENROLLED = allCases((c) => c.reintegration !== null).map((c) => c.ref).sort();
const AN_ENROLLED_CASE = findCase('a case enrolled in the EU programme', (c) => c.reintegration !== null);

const LIST_REFS = '{ cases(first: 100) { totalCount edges { node { ref } } } }';
const READ_CASE = 'query($ref: CaseRef!) { case(ref: $ref) { ref memberStateFile { person { familyName dateOfBirth } } } }';

/** The demo trust list, with the research institute's issuer wrongly allowed to assert the programme manager role. */
function trustWithResearchAsProgramme(identities: DevIdentities): TrustList {
  return {
    ...identities.trust,
    issuers: identities.trust.issuers.map((entry) =>
      entry.organisation === RESEARCH ? { ...entry, roles: [...entry.roles, 'EU_PROGRAMME_MANAGER'], purposes: [...entry.purposes, 'REINTEGRATION_ASSISTANCE'] } : entry,
    ),
  };
}

describe.each(testStores)('the EU-programme relationship on $name', (store) => {
  let federation: RunningFederation;
  let identities: DevIdentities;
  let drop: () => Promise<void>;
  let db: Db;

  beforeAll(async () => {
    const opened = await store.open();
    drop = opened.drop;
    db = opened.db;
    identities = await createDevIdentities();
    federation = await startFederation({ db: opened.db, trust: trustWithResearchAsProgramme(identities), seedCases: CASES, logLevel: 'silent', subgraphPortBase: 0, gatewayPort: 0 });
  }, 120_000);

  afterAll(async () => {
    await federation?.close();
    await drop?.();
  });

  const asProgramme = async () => ({ authorization: `Bearer ${await issueDevToken(identities, 'eurp-programme-manager')}`, 'x-purpose': 'REINTEGRATION_ASSISTANCE' });
  const asResearchProgrammeManager = async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...claimsOf(identities, 'researcher'), aud: identities.audience, iat: now, exp: now + 600, roles: ['EU_PROGRAMME_MANAGER'], purposes: ['REINTEGRATION_ASSISTANCE'] };
    return { authorization: `Bearer ${await sign(identities, claims, { organisation: RESEARCH })}`, 'x-purpose': 'REINTEGRATION_ASSISTANCE' };
  };

  it('lists the programme exactly the cases it takes part in (control)', async () => {
    const result = await postGraphQL(federation.gateway.url, LIST_REFS, {}, await asProgramme());
    expect(result.errors).toBeUndefined();
    const refs = (result.data?.cases.edges as { node: { ref: string } }[]).map((edge) => edge.node.ref);
    expect({ total: result.data?.cases.totalCount, refs: refs.sort() }).toStrictEqual({ total: ENROLLED.length, refs: ENROLLED.slice(0, 100) });
  });

  it('lists another organisation asserting EU_PROGRAMME_MANAGER no enrolled case', async () => {
    const result = await postGraphQL(federation.gateway.url, LIST_REFS, {}, await asResearchProgrammeManager());
    expect(result.errors).toBeUndefined();
    expect(result.data?.cases).toStrictEqual({ totalCount: 0, edges: [] });
  });

  it('releases another organisation asserting EU_PROGRAMME_MANAGER nothing of an enrolled case', async () => {
    const result = await postGraphQL(federation.gateway.url, READ_CASE, { ref: AN_ENROLLED_CASE.ref }, await asResearchProgrammeManager());
    expect(result.data?.case ?? null).toBeNull();
    expect(result.errors?.map((error) => error.extensions?.code)).toStrictEqual(['NO_RELATIONSHIP']);
  });

  it("refuses to start the central subgraph when the policy's programme is not the organisation of the programme's system", () => {
    const shipped = readFileSync(DEFAULT_POLICY_PATH, 'utf8');
    const other = parsePolicy(shipped.replace('EU_PROGRAMME: EU/GOV/EU-REINTEGRATION-PROGRAMME\n', 'EU_PROGRAMME: EU/GOV/EU-OTHER-PROGRAMME\n'), 'policy naming another programme');
    expect(() => centralResolvers(db, other)).toThrow(
      new TypeError('The policy names EU/GOV/EU-OTHER-PROGRAMME as the EU programme, but its system EU/GOV/EU-REINTEGRATION-PROGRAMME/riat belongs to another organisation.'),
    );
  });
});
