/**
 * The persona × purpose × category matrix, end to end through the gateway over real HTTP, on every
 * store in `testStores` (PGlite always; PostgreSQL too when CONTINUUM_TEST_DATABASE_URL is set).
 *
 * EXPECTED below is written out by hand from auth/policy.yaml and the seeded facts of the probed
 * case — it is deliberately not computed with auth/decide.ts, which is what is under test. Each
 * (persona, purpose) row is fetched with ONE query selecting a probe field of every category; every
 * cell is then asserted on that response:
 * - released → the probe holds the synthetic case's own value, and no error lies on its path;
 * - denied   → the probe is null, and one error sits at the field that carries the category, with
 *              that code and rule;
 * - withheld with the case → the caller may not see the case at all (its CASE_ADMIN cell is
 *              denied): `case` is null and the one error sits at `case`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DenialCode } from '../../auth/decide.js';
import { PERSONAS, type PersonaName } from '../../auth/dev-identities.js';
import type { Purpose } from '../../contract/index.js';
import { syntheticConsents, type SyntheticCase } from '../../subgraphs/kit/index.js';
import type { GraphQLResponse } from '../harness/graphql.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';
import {
  assignedTo,
  CASES,
  complete,
  consentTo,
  errorsAt,
  errorsOnTheWayTo,
  EU_PROGRAMME,
  findCase,
  fromCountry,
  IQ_AUTHORITY,
  IQ_PARTNER,
  ownedBy,
  returned,
  valueAt,
  type Path,
} from './harness.js';

/** A Belgian case of an Iraqi returnee, assigned to the Iraqi partner, with its CoO authority's consent. */
const BE_CASE = findCase(
  'a complete, returned BE-owned IQ case of the Iraqi partner with monitoring visits and a consent to the Iraqi authority',
  ownedBy('BE'), fromCountry('IQ'), assignedTo(IQ_PARTNER), returned, complete,
  (c) => (c.partnerFile?.visits.length ?? 0) > 0,
  consentTo(IQ_AUTHORITY, 'IDENTITY'),
);
/** A German case of an Iraqi returnee, assigned to the Iraqi partner, with health and vulnerability consents. */
const DE_CASE = findCase(
  'a complete, returned DE-owned IQ case of the Iraqi partner with health (partner) and vulnerability (programme) consents',
  ownedBy('DE'), fromCountry('IQ'), assignedTo(IQ_PARTNER), returned, complete,
  consentTo(IQ_PARTNER, 'HEALTH'), consentTo(EU_PROGRAMME, 'VULNERABILITY'),
);

const CATEGORIES = [
  'CASE_ADMIN', 'IDENTITY', 'CONTACT', 'COUNSELLING', 'VULNERABILITY', 'HEALTH',
  'RETURN_DECISION', 'ASYLUM_HISTORY', 'TRAVEL', 'REINTEGRATION', 'MONITORING', 'CONSENT',
] as const;
type Category = (typeof CATEGORIES)[number];

interface Probe {
  /** Path (under `case`) to the value asserted. */
  value: Path;
  /** Path (under `case`) to the field that carries the category: where a denial is reported. */
  decidedAt: Path;
  /** What the seeded case holds there. */
  truth(c: SyntheticCase): unknown;
}

/** One probe field per category, all selected by PROBE_QUERY. */
const PROBES: Record<Category, Probe> = {
  CASE_ADMIN: { value: ['status'], decidedAt: ['status'], truth: (c) => c.status },
  IDENTITY: { value: ['memberStateFile', 'person', 'familyName'], decidedAt: ['memberStateFile', 'person'], truth: (c) => c.person.familyName },
  CONTACT: { value: ['memberStateFile', 'person', 'contact', 'phone'], decidedAt: ['memberStateFile', 'person', 'contact'], truth: (c) => c.person.contact.phone },
  COUNSELLING: { value: ['memberStateFile', 'counsellingSessions'], decidedAt: ['memberStateFile', 'counsellingSessions'], truth: (c) => c.counselling.map(({ topic }) => ({ topic })) },
  VULNERABILITY: { value: ['memberStateFile', 'vulnerability', 'assessedOn'], decidedAt: ['memberStateFile', 'vulnerability'], truth: (c) => c.vulnerability?.assessedOn },
  HEALTH: { value: ['memberStateFile', 'medical', 'fitToTravel'], decidedAt: ['memberStateFile', 'medical'], truth: (c) => c.medical?.fitToTravel },
  RETURN_DECISION: { value: ['memberStateFile', 'returnDecision', 'decidedOn'], decidedAt: ['memberStateFile', 'returnDecision'], truth: (c) => c.returnDecision?.decidedOn },
  ASYLUM_HISTORY: { value: ['memberStateFile', 'asylumHistory', 'outcome'], decidedAt: ['memberStateFile', 'asylumHistory'], truth: (c) => c.asylumHistory?.outcome },
  TRAVEL: { value: ['memberStateFile', 'travel', 'arrivalAirport'], decidedAt: ['memberStateFile', 'travel'], truth: (c) => c.travel?.arrivalAirport },
  REINTEGRATION: { value: ['reintegrationPlan', 'approvedOn'], decidedAt: ['reintegrationPlan'], truth: (c) => c.reintegration?.approvedOn },
  MONITORING: { value: ['partnerFile', 'monitoringVisits'], decidedAt: ['partnerFile', 'monitoringVisits'], truth: (c) => c.partnerFile?.visits.map(({ date }) => ({ date })) },
  CONSENT: {
    value: ['consents'],
    decidedAt: ['consents'],
    truth: (c) => syntheticConsents(c).map(({ recipient }) => ({ recipient })).sort((a, b) => a.recipient.localeCompare(b.recipient)),
  },
};

const PROBE_QUERY = /* GraphQL */ `
  query Probe($ref: CaseRef!) {
    case(ref: $ref) {
      status
      memberStateFile {
        person { familyName contact { phone } }
        counsellingSessions { topic }
        vulnerability { assessedOn }
        medical { fitToTravel }
        returnDecision { decidedOn }
        asylumHistory { outcome }
        travel { arrivalAirport }
      }
      reintegrationPlan { approvedOn }
      partnerFile { monitoringVisits { date } }
      consents { recipient }
    }
  }
`;

type Denial = { code: DenialCode; rule: string };
type Cell = 'released' | Denial | 'withheld with the case';

const R = 'released' as const;
const WITH_CASE = 'withheld with the case' as const;
const deny = (code: DenialCode, rule: string): Denial => ({ code, rule });
const NO_GRANT = deny('FORBIDDEN_FIELD', 'policy.no-grant');

interface Row {
  persona: PersonaName;
  purpose: Purpose;
  /** The case probed: one the persona is related to wherever a relationship is possible. */
  case: SyntheticCase;
  cells: Record<Category, Cell>;
}

/** An officer on its own Member State's case: everything, under legal obligation / public task. */
const OWN_CASE_OFFICER: Row['cells'] = {
  CASE_ADMIN: R, IDENTITY: R, CONTACT: R, COUNSELLING: R, VULNERABILITY: R, HEALTH: R,
  RETURN_DECISION: R, ASYLUM_HISTORY: R, TRAVEL: R, REINTEGRATION: R, MONITORING: R, CONSENT: R,
};
/** The EU programme on an enrolled case: admin, identity, travel, plan, monitoring; vulnerability by consent. */
const EU_PROGRAMME_CELLS: Row['cells'] = {
  CASE_ADMIN: R, IDENTITY: R, CONTACT: NO_GRANT, COUNSELLING: NO_GRANT, VULNERABILITY: R, HEALTH: NO_GRANT,
  RETURN_DECISION: NO_GRANT, ASYLUM_HISTORY: NO_GRANT, TRAVEL: R, REINTEGRATION: R, MONITORING: R, CONSENT: NO_GRANT,
};
/** The CoO authority after return, BE → IQ authority basis recorded, consent to identity, contact, reintegration. */
const COO_AUTHORITY_CELLS: Row['cells'] = {
  CASE_ADMIN: R, IDENTITY: R, CONTACT: R, COUNSELLING: NO_GRANT, VULNERABILITY: NO_GRANT, HEALTH: NO_GRANT,
  RETURN_DECISION: NO_GRANT, ASYLUM_HISTORY: NO_GRANT, TRAVEL: NO_GRANT, REINTEGRATION: R, MONITORING: NO_GRANT, CONSENT: NO_GRANT,
};
/** The whole case refused at `case`, for the reason given: no cell is reachable. */
const withheld = (denial: Denial): Row['cells'] => ({
  CASE_ADMIN: denial, IDENTITY: WITH_CASE, CONTACT: WITH_CASE, COUNSELLING: WITH_CASE, VULNERABILITY: WITH_CASE, HEALTH: WITH_CASE,
  RETURN_DECISION: WITH_CASE, ASYLUM_HISTORY: WITH_CASE, TRAVEL: WITH_CASE, REINTEGRATION: WITH_CASE, MONITORING: WITH_CASE, CONSENT: WITH_CASE,
});

const EXPECTED: readonly Row[] = [
  { persona: 'be-counsellor', purpose: 'RETURN_COUNSELLING', case: BE_CASE, cells: OWN_CASE_OFFICER },
  { persona: 'be-counsellor', purpose: 'RETURN_PREPARATION', case: BE_CASE, cells: OWN_CASE_OFFICER },
  { persona: 'be-counsellor', purpose: 'CONTINUITY_OF_CARE', case: BE_CASE, cells: OWN_CASE_OFFICER },
  { persona: 'de-case-officer', purpose: 'RETURN_COUNSELLING', case: DE_CASE, cells: OWN_CASE_OFFICER },
  { persona: 'de-case-officer', purpose: 'RETURN_PREPARATION', case: DE_CASE, cells: OWN_CASE_OFFICER },
  { persona: 'de-case-officer', purpose: 'CONTINUITY_OF_CARE', case: DE_CASE, cells: OWN_CASE_OFFICER },
  { persona: 'eurp-programme-manager', purpose: 'REINTEGRATION_ASSISTANCE', case: DE_CASE, cells: EU_PROGRAMME_CELLS },
  { persona: 'eurp-programme-manager', purpose: 'MONITORING_EVALUATION', case: DE_CASE, cells: EU_PROGRAMME_CELLS },
  {
    persona: 'iq-partner', purpose: 'REINTEGRATION_ASSISTANCE', case: DE_CASE,
    cells: {
      CASE_ADMIN: R, IDENTITY: R, CONTACT: R, COUNSELLING: NO_GRANT, VULNERABILITY: NO_GRANT, HEALTH: NO_GRANT,
      RETURN_DECISION: NO_GRANT, ASYLUM_HISTORY: NO_GRANT, TRAVEL: R, REINTEGRATION: R, MONITORING: R, CONSENT: NO_GRANT,
    },
  },
  {
    persona: 'iq-partner', purpose: 'CONTINUITY_OF_CARE', case: DE_CASE,
    cells: {
      CASE_ADMIN: R, IDENTITY: R, CONTACT: R, COUNSELLING: NO_GRANT, VULNERABILITY: NO_GRANT, HEALTH: R,
      RETURN_DECISION: NO_GRANT, ASYLUM_HISTORY: NO_GRANT, TRAVEL: R, REINTEGRATION: NO_GRANT, MONITORING: NO_GRANT, CONSENT: NO_GRANT,
    },
  },
  // The other Iraqi partner is not assigned to the case: it is refused the case itself.
  { persona: 'other-partner', purpose: 'REINTEGRATION_ASSISTANCE', case: DE_CASE, cells: withheld(deny('NO_RELATIONSHIP', 'case.not-a-party')) },
  { persona: 'other-partner', purpose: 'CONTINUITY_OF_CARE', case: DE_CASE, cells: withheld(deny('NO_RELATIONSHIP', 'case.not-a-party')) },
  { persona: 'iq-authority', purpose: 'REINTEGRATION_ASSISTANCE', case: BE_CASE, cells: COO_AUTHORITY_CELLS },
  { persona: 'iq-authority', purpose: 'REFERRAL', case: BE_CASE, cells: COO_AUTHORITY_CELLS },
  // No rule gives these roles any case category: aggregates, audit records and the registry only.
  { persona: 'researcher', purpose: 'MONITORING_EVALUATION', case: DE_CASE, cells: withheld(NO_GRANT) },
  { persona: 'researcher', purpose: 'STATISTICS', case: DE_CASE, cells: withheld(NO_GRANT) },
  { persona: 'auditor', purpose: 'AUDIT', case: DE_CASE, cells: withheld(NO_GRANT) },
  { persona: 'dpo', purpose: 'AUDIT', case: DE_CASE, cells: withheld(NO_GRANT) },
  { persona: 'hub-operator', purpose: 'OPERATIONS', case: DE_CASE, cells: withheld(NO_GRANT) },
];

const rowName = (row: Row) => `${row.persona}/${row.purpose}`;
const CELLS = EXPECTED.flatMap((row) => CATEGORIES.map((category) => ({ row, category, cell: row.cells[category], name: `${rowName(row)} × ${category}` })));

/** Where the error for a denied cell must be, with its extensions. */
function expectedError(row: Row, category: Category): { path: Path; extensions: Record<string, unknown> } | null {
  const cell = row.cells[category];
  if (cell === R) return null;
  if (cell === WITH_CASE) {
    const caseDenial = row.cells.CASE_ADMIN as Denial;
    return { path: ['case'], extensions: { code: caseDenial.code, rule: caseDenial.rule, category: 'CASE_ADMIN' } };
  }
  if (category === 'CASE_ADMIN') return { path: ['case'], extensions: { code: cell.code, rule: cell.rule, category } };
  return { path: ['case', ...PROBES[category].decidedAt], extensions: { code: cell.code, rule: cell.rule, category } };
}

describe('the expectation table', () => {
  it('has one row for every persona and every purpose its token allows, and no other', () => {
    const personas = Object.entries(PERSONAS).flatMap(([persona, definition]) => definition.purposes.map((purpose) => `${persona}/${purpose}`));
    expect(EXPECTED.map(rowName).sort()).toEqual(personas.sort());
  });

  it('withholds every cell with the case exactly when the case itself (CASE_ADMIN) is denied', () => {
    for (const row of EXPECTED) {
      const caseDenied = row.cells.CASE_ADMIN !== R;
      const withheldCells = CATEGORIES.filter((c) => row.cells[c] === WITH_CASE);
      expect({ row: rowName(row), withheld: withheldCells.length }).toEqual({ row: rowName(row), withheld: caseDenied ? CATEGORIES.length - 1 : 0 });
    }
  });
});

describe.each(testStores)('persona × purpose × category through the gateway on $name', (store) => {
  let federation: TestFederation;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const responses = new Map<string, GraphQLResponse<Record<string, any>>>();

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
    for (const row of EXPECTED) responses.set(rowName(row), await federation.query(row.persona, row.purpose, PROBE_QUERY, { ref: row.case.ref }));
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it.each(CELLS)('$name: $cell', ({ row, category, cell }) => {
    const response = responses.get(rowName(row))!;
    const probe = PROBES[category];
    const value = valueAt(response.data, ['case', ...probe.value]);
    if (cell === R) {
      const truth = probe.truth(row.case);
      expect(truth, 'the probed case must hold a value here').not.toBeNull();
      expect(truth).not.toBeUndefined();
      const answered = category === 'CONSENT' ? [...(value as { recipient: string }[])].sort((a, b) => a.recipient.localeCompare(b.recipient)) : value;
      expect(answered).toEqual(truth);
      expect(errorsOnTheWayTo(response, ['case', ...probe.value])).toEqual([]);
      return;
    }
    const expected = expectedError(row, category)!;
    expect(value).toBeNull();
    const errors = errorsAt(response, expected.path);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: expected.path, extensions: expected.extensions });
    // Errors decided in a subgraph (central refusing the case, the kit refusing a field) also name it.
    const { serviceName: _serviceName, ...extensions } = errors[0]!.extensions ?? {};
    expect(extensions).toEqual(expected.extensions);
    expect(errors[0]!.message).toMatch(new RegExp(`is not released to you: ${expected.extensions.code as string} by rule ${(expected.extensions.rule as string).replace(/\./g, '\\.')}\\.$`));
  });

  it.each(EXPECTED.map((row) => ({ row, name: rowName(row) })))('$name: no error beyond the denied cells', ({ row }) => {
    const response = responses.get(rowName(row))!;
    const expectedPaths = new Set(CATEGORIES.map((c) => expectedError(row, c)).filter((e) => e !== null).map((e) => e.path.join('.')));
    expect(response.status).toBe(200);
    expect((response.errors ?? []).map((e) => e.path?.join('.')).sort()).toEqual([...expectedPaths].sort());
  });
});
