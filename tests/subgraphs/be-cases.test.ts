/**
 * The be-cases subgraph over real HTTP: Belgian native records (French model, schema be_dossiers)
 * seeded from synthetic cases must come back through `_entities` exactly as generated, in one
 * SQL statement per batch, with mapping failures reported without personal values.
 */
import { signedFetch, startTestSubgraph } from '../harness/subgraph.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beCasesSystem } from '../../subgraphs/be-cases/index.js';
import { syntheticCase, syntheticCases, type RunningSubgraph, type SyntheticCase } from '../../subgraphs/kit/index.js';
import type { OpenedSystem } from '../../subgraphs/system.js';
import { openPglite, type Db } from '../../store/index.js';

const SEEDED = 300;

const FILE_QUERY = `query($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on BelgianCaseFile {
      caseRef memberState localReference
      person {
        familyName givenNames dateOfBirth sex nationality
        documents { type number issuingCountry validUntil }
        contact { phone email addressInCountryOfOrigin }
      }
      counsellingSessions { date topic interpreterLanguage returnAccepted }
      vulnerability { assessedOn unaccompaniedMinor victimOfTrafficking disability singleParent }
      medical { assessedOn fitToTravel continuityOfCareNeeds medicationSupplyDays }
      returnDecision { decidedOn voluntaryDepartureDeadline appealPending }
      asylumHistory { lodgedOn outcome decidedOn }
      travel { plannedDeparture actualDeparture arrivalAirport escortRequired }
    }
  }
}`;

interface GraphQLResponse {
  data?: { _entities: (Record<string, unknown> | null)[] } | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

let db: Db;
let system: OpenedSystem;
let server: RunningSubgraph;

async function entities(refs: readonly string[]): Promise<GraphQLResponse> {
  const response = await signedFetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: FILE_QUERY, variables: { r: refs.map((caseRef) => ({ __typename: 'BelgianCaseFile', caseRef })) } }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as GraphQLResponse;
}

/** What the common model must say for a synthetic case, whatever the Belgian system stores. */
function expectedFile(c: SyntheticCase) {
  return {
    caseRef: c.ref,
    memberState: 'BE',
    localReference: `BE/${c.openedOn.slice(0, 4)}/${String(c.index + 1).padStart(6, '0')}`,
    person: c.person,
    counsellingSessions: c.counselling,
    vulnerability: c.vulnerability,
    medical: c.medical,
    returnDecision: c.returnDecision,
    asylumHistory: c.asylumHistory,
    travel: c.travel,
  };
}

const belgian = [...syntheticCases(SEEDED)].filter((c) => c.owningMemberState === 'BE');
const german = [...syntheticCases(SEEDED)].filter((c) => c.owningMemberState === 'DE');

beforeAll(async () => {
  db = await openPglite();
  await beCasesSystem.migrate(db);
  expect(await beCasesSystem.isSeeded(db)).toBe(false);
  await beCasesSystem.seed(db, [...syntheticCases(SEEDED)]);
  expect(await beCasesSystem.isSeeded(db)).toBe(true);
  system = await beCasesSystem.open(db);
  server = await startTestSubgraph(system.module);
});

afterAll(async () => {
  await server?.close();
  await system?.close();
  await db?.close();
});

describe('be-cases subgraph', () => {
  it('maps every native field of a Belgian file back to the common model exactly', async () => {
    // Few cases have every optional part at once, so pick one case per part that must be non-null.
    const covering = [
      (c: SyntheticCase) => c.vulnerability !== null && c.medical !== null && c.returnDecision !== null && c.asylumHistory !== null && c.travel !== null,
      (c: SyntheticCase) => (c.medical?.continuityOfCareNeeds.length ?? 0) > 0 && c.medical?.medicationSupplyDays !== null,
      (c: SyntheticCase) => c.returnDecision?.voluntaryDepartureDeadline != null,
      (c: SyntheticCase) => c.travel?.actualDeparture != null,
      (c: SyntheticCase) => c.person.documents.length > 0 && c.person.contact.email !== null && c.person.contact.addressInCountryOfOrigin !== null,
      (c: SyntheticCase) => c.counselling.length > 1 && c.counselling.some((s) => s.interpreterLanguage !== null),
      (c: SyntheticCase) => c.vulnerability !== null && Object.values(c.vulnerability).includes(true),
      // And cases whose optional parts are absent: they must come back as null or [], not as empty objects.
      (c: SyntheticCase) => !c.medical && !c.returnDecision && !c.travel,
      (c: SyntheticCase) => !c.vulnerability && !c.asylumHistory,
      (c: SyntheticCase) => c.person.documents.length === 0 && c.person.contact.email === null,
    ];
    const picked = [...new Set(covering.map((matches) => belgian.find(matches)))];
    expect(picked.every((c) => c !== undefined)).toBe(true);

    const result = await entities(picked.map((c) => (c as SyntheticCase).ref));

    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual(picked.map((c) => expectedFile(syntheticCase((c as SyntheticCase).index))));
  });

  it('costs exactly one backend SQL statement for 50 representations', async () => {
    const refs = belgian.slice(0, 50).map((c) => c.ref);
    expect(refs).toHaveLength(50);
    const before = system.backendCalls();

    const result = await entities(refs);

    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.every((file) => file !== null)).toBe(true);
    expect(system.backendCalls() - before).toBe(1);
  });

  it('resolves a ref the Belgian system does not hold to null', async () => {
    const held = belgian[0] as SyntheticCase;
    const result = await entities([(german[0] as SyntheticCase).ref, 'EU-2099-999999', held.ref]);

    expect(result.errors).toBeUndefined();
    expect(result.data?._entities[0]).toBeNull();
    expect(result.data?._entities[1]).toBeNull();
    expect(result.data?._entities[2]).toMatchObject({ caseRef: held.ref });
  });

  it('fails an unknown native code with MAPPING_FAILED and no personal value in the message', async () => {
    const familyName = 'Zorbulixan';
    const dateOfBirth = '17/03/1981';
    await db.query(`INSERT INTO be_dossiers.dossier (numero_dossier, ref_ue, date_ouverture) VALUES ('BE/2024/999001', 'EU-2024-999001', '01/02/2024')`);
    await db.query(
      `INSERT INTO be_dossiers.personne (numero_dossier, nom, prenoms, date_naissance, sexe, nationalite, telephone)
       VALUES ('BE/2024/999001', $1, 'Quelmira', $2, 'INCONNU', 'IRQ', '+000 555 0101')`,
      [familyName, dateOfBirth],
    );

    const result = await entities(['EU-2024-999001']);

    const error = result.errors?.[0];
    expect(error?.extensions?.code).toBe('MAPPING_FAILED');
    expect(error?.path).toEqual(['_entities', 0, 'person']);
    const text = JSON.stringify(result);
    for (const personal of [familyName, 'Quelmira', dateOfBirth, 'INCONNU', '+000 555 0101']) expect(text).not.toContain(personal);
  });

  it('answers GET /healthz with 200 when its backend is reachable', async () => {
    const response = await fetch(server.url.replace(/\/graphql$/, '/healthz'));

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', subgraph: 'be-cases' });
  });
});
