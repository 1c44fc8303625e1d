/**
 * The edge's enforcement beyond `_entities`, in-process: root fields attributed by each object's own
 * case reference, interfaces and unions resolved by the hidden `__typename`, named fragments, aliases,
 * `@skip`/`@include`, and the reserved alias prefix. The answers come from really executing the
 * forwarded document against a subgraph that releases everything (no enforcement of its own).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { encodeDecisions, type SubgraphContext } from '../../auth/context-token.js';
import { Enforcer, RefusedDocument } from '../../edge/enforce.js';
import { edgeSchema } from '../../edge/schema.js';

const SDL = `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  @link(url: "https://specs.continuum.example/gdpr/v1.0", import: ["@personalData"])
directive @personalData(category: DataCategory!) on FIELD_DEFINITION | OBJECT
enum DataCategory { IDENTITY CONTACT HEALTH REINTEGRATION CASE_ADMIN NOT_PERSONAL }
scalar CaseRef

type Query {
  files: [File!]!
  assistance: [Assistance!]!
}

interface File {
  caseRef: CaseRef! @personalData(category: CASE_ADMIN)
  note: String @personalData(category: HEALTH)
}

type MedicalFile implements File {
  caseRef: CaseRef! @personalData(category: CASE_ADMIN)
  note: String @personalData(category: HEALTH)
  clinic: String @personalData(category: CONTACT)
}

type HousingFile implements File {
  caseRef: CaseRef! @personalData(category: CASE_ADMIN)
  note: String @personalData(category: HEALTH)
  address: String @personalData(category: CONTACT)
  owner: Owner @personalData(category: IDENTITY)
}

type Owner {
  name: String @personalData(category: IDENTITY)
}

union Assistance = Cash | Training

type Cash {
  ref: CaseRef! @personalData(category: CASE_ADMIN)
  amountEur: Int @personalData(category: REINTEGRATION)
}

type Training {
  ref: CaseRef! @personalData(category: CASE_ADMIN)
  course: String @personalData(category: REINTEGRATION)
  label: String @personalData(category: NOT_PERSONAL)
}
`;

const FILES = [
  { __typename: 'MedicalFile', caseRef: 'EU-2024-000020', note: 'diabetic (synthetic)', clinic: 'Clinic A' },
  { __typename: 'HousingFile', caseRef: 'EU-2024-000015', note: 'asthma (synthetic)', address: '1 Example Street', owner: { name: 'Landlord B' } },
];
const ASSISTANCE = [
  { __typename: 'Cash', ref: 'EU-2024-000020', amountEur: 1500 },
  { __typename: 'Training', ref: 'EU-2024-000015', course: 'Welding', label: 'vocational' },
];

const subgraph = buildSubgraphSchema({
  typeDefs: parse(SDL),
  resolvers: {
    Query: { files: () => FILES, assistance: () => ASSISTANCE },
    File: { __resolveType: (file: { __typename: string }) => file.__typename },
    Assistance: { __resolveType: (item: { __typename: string }) => item.__typename },
  },
});
const enforcer = new Enforcer(edgeSchema(SDL));

const CALLER: SubgraphContext = {
  officialId: 'test-official-001',
  organisation: 'EU/GOV/BE-RETURN',
  country: 'BE',
  roles: ['MS_CASE_OFFICER'],
  purpose: 'RETURN_COUNSELLING',
  requestId: 'edge-enforce-test-01',
};

const ALL = ['IDENTITY', 'CONTACT', 'HEALTH', 'REINTEGRATION', 'CASE_ADMIN'];
const released = (...categories: string[]) => Object.fromEntries(ALL.map((c) => [c, categories.includes(c) ? 'R' : 'FORBIDDEN_FIELD policy.no-grant']));

/** The errors a refused document is answered with. */
function refusal(attempt: () => unknown): unknown {
  try {
    attempt();
  } catch (error) {
    if (error instanceof RefusedDocument) return error.errors;
    throw error;
  }
  return 'not refused';
}

/** The edge around one call: prepare, execute the forwarded document for real, enforce. */
async function through(query: string, perCase: Record<string, Record<string, string>>, variables: Record<string, unknown> = {}) {
  const caller = { ...CALLER, decisions: encodeDecisions(new Map(Object.entries(perCase))) };
  const operation = enforcer.operationOf(query, undefined);
  const forwarded = enforcer.prepareForward(query, operation, enforcer.deniedForAll(caller, operation, variables));
  const answer = await graphql({ schema: subgraph, source: forwarded, variableValues: variables });
  return { forwarded, result: enforcer.enforceAnswer(caller, operation, variables, answer as { data?: unknown; errors?: unknown }) };
}

describe('edge enforcement outside _entities', () => {
  it('attributes each object of a root list to its own case, through an interface', async () => {
    const { result } = await through('{ files { caseRef note ... on MedicalFile { clinic } ... on HousingFile { address } } }', {
      'EU-2024-000020': released('CASE_ADMIN', 'HEALTH', 'CONTACT'),
      'EU-2024-000015': released('CASE_ADMIN', 'CONTACT'),
    });
    expect(result).toEqual({
      data: {
        files: [
          { caseRef: 'EU-2024-000020', note: 'diabetic (synthetic)', clinic: 'Clinic A' },
          { caseRef: 'EU-2024-000015', note: null, address: '1 Example Street' },
        ],
      },
      errors: [
        {
          message: 'Field "HousingFile.note" (HEALTH) is not released to you: FORBIDDEN_FIELD by rule policy.no-grant.',
          path: ['files', 1, 'note'],
          extensions: { code: 'FORBIDDEN_FIELD', rule: 'policy.no-grant', category: 'HEALTH' },
        },
      ],
    });
  });

  it('releases a field of an object without a case reference only when it is null', async () => {
    const { result } = await through('{ files { ... on HousingFile { owner { name } } } }', { 'EU-2024-000015': released('CASE_ADMIN', 'IDENTITY') });
    expect(result).toEqual({
      data: { files: [{}, { owner: { name: null } }] },
      errors: [
        {
          message: 'Field "Owner.name" (IDENTITY) is not released to you: NO_RELATIONSHIP by rule case.unknown.',
          path: ['files', 1, 'owner', 'name'],
          extensions: { code: 'NO_RELATIONSHIP', rule: 'case.unknown', category: 'IDENTITY' },
        },
      ],
    });
  });

  it('resolves union members by type and keeps NOT_PERSONAL fields whatever the decisions', async () => {
    const { result } = await through('{ assistance { ... on Cash { amountEur } ... on Training { course label } } }', {
      'EU-2024-000020': released('CASE_ADMIN', 'REINTEGRATION'),
      'EU-2024-000015': released('CASE_ADMIN'),
    });
    expect(result.data).toEqual({ assistance: [{ amountEur: 1500 }, { course: null, label: 'vocational' }] });
    expect(result.errors?.map((e) => e.path)).toEqual([['assistance', 1, 'course']]);
  });

  it('applies decisions through named fragments and aliases, and removes what every case denies', async () => {
    const { forwarded, result } = await through('{ a: files { ...F } } fragment F on File { secret: note c: caseRef }', {
      'EU-2024-000020': released('CASE_ADMIN'),
      'EU-2024-000015': released('CASE_ADMIN'),
    });
    expect(forwarded).not.toMatch(/note/);
    expect(result.data).toEqual({ a: [{ secret: null, c: 'EU-2024-000020' }, { secret: null, c: 'EU-2024-000015' }] });
  });

  it('honours @skip and @include as execution does', async () => {
    const { result } = await through('query($with: Boolean!) { files { caseRef note @include(if: $with) } }', { 'EU-2024-000020': released(...ALL), 'EU-2024-000015': released(...ALL) }, { with: false });
    expect(result).toEqual({ data: { files: [{ caseRef: 'EU-2024-000020' }, { caseRef: 'EU-2024-000015' }] } });
  });

  it('refuses a document that uses the edge’s reserved alias prefix', () => {
    const query = '{ files { __continuumEdgeRef_MedicalFile: note } }';
    expect(refusal(() => enforcer.prepareForward(query, enforcer.operationOf(query, undefined), new Set()))).toEqual([
      { message: 'Aliases starting with __continuumEdge are reserved by the Continuum edge.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
  });

  it('refuses a document the subgraph’s schema does not validate, before anything is forwarded', () => {
    expect(refusal(() => enforcer.operationOf('{ files { nationalId } }', undefined))).toEqual([
      { message: 'Cannot query field "nationalId" on type "File".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
  });
});
