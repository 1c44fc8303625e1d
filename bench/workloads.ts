/**
 * The benchmark's workloads: who asks, for which purpose, and the exact request body both
 * targets receive. Fields are those the persona's policy rules may release (some only with the
 * data subject's consent), as a well-behaved client would ask — so Continuum plans the same
 * document as the bare gateway instead of winning by removing fields nobody may see.
 */
import type { PersonaName } from '../auth/dev-identities.js';
import type { Purpose } from '../contract/index.js';
import { syntheticCases } from '../subgraphs/kit/index.js';
import { BENCHMARK_QUERY } from './federation-benchmark/data.js';
import type { Target } from './protocol.js';

export type WorkloadId = 'case' | 'programme-page' | 'partner-care' | 'federation-benchmark';
export const WORKLOAD_IDS: readonly WorkloadId[] = ['case', 'programme-page', 'partner-care', 'federation-benchmark'];

export interface Workload {
  id: WorkloadId;
  title: string;
  /** Who asks Continuum (the baseline gets no auth headers); absent for the federation benchmark. */
  persona?: PersonaName;
  purpose?: Purpose;
  operationName: string;
  body: string;
  targets: readonly Target[];
}

/** Every field of a case from all five systems: W1's request, and the integration test's full case. */
export const FULL_CASE = /* GraphQL */ `
  fragment FullCase on Case {
    ref owningMemberState countryOfOrigin status returnType openedOn returnedOn updatedAt participatingSystems
    assignedPartner { id name country }
    memberStateFile {
      __typename caseRef memberState localReference
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
    reintegrationPlan {
      planReference approvedOn durationMonths beneficiaryCategory needs partnerAssignedOn
      budget { capEuro committedEuro }
      postArrivalPackage { airportReception temporaryAccommodationNights cashOnArrivalEuro deliveredOn }
    }
    partnerFile {
      partner beneficiaryCode
      assistance { kind deliveredOn amountEuro }
      healthAssistance { kind deliveredOn sessions }
      monitoringVisits { date mode stillInCountry }
      sustainability { assessedOn economic social psychosocial }
    }
  }
`;

/** The EU programme's view: case admin, identity, travel, reintegration, monitoring; vulnerability with consent. */
const PROGRAMME_PAGE = /* GraphQL */ `
  query BenchProgrammePage {
    cases(first: 50) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        ref owningMemberState countryOfOrigin status returnType returnedOn participatingSystems
        assignedPartner { id name country }
        memberStateFile {
          __typename caseRef memberState localReference
          person { familyName givenNames dateOfBirth sex nationality documents { type number issuingCountry validUntil } }
          vulnerability { assessedOn unaccompaniedMinor victimOfTrafficking disability singleParent }
          travel { plannedDeparture actualDeparture arrivalAirport escortRequired }
        }
        reintegrationPlan {
          planReference approvedOn durationMonths beneficiaryCategory needs partnerAssignedOn
          budget { capEuro committedEuro }
          postArrivalPackage { airportReception temporaryAccommodationNights cashOnArrivalEuro deliveredOn }
        }
        partnerFile {
          partner beneficiaryCode
          assistance { kind deliveredOn amountEuro }
          monitoringVisits { date mode stillInCountry }
          sustainability { assessedOn economic social psychosocial }
        }
      } }
    }
  }
`;

/** The Iraqi partner arranging continuity of care: identity, contact, travel; health only with explicit consent. */
const PARTNER_CARE = /* GraphQL */ `
  query BenchPartnerCare {
    cases(first: 50) {
      totalCount
      edges { node {
        ref owningMemberState countryOfOrigin status returnedOn
        memberStateFile {
          caseRef
          person { familyName givenNames dateOfBirth sex nationality contact { phone email addressInCountryOfOrigin } }
          medical { assessedOn fitToTravel continuityOfCareNeeds medicationSupplyDays }
          travel { plannedDeparture actualDeparture arrivalAirport escortRequired }
        }
        partnerFile { partner healthAssistance { kind deliveredOn sessions } }
      } }
    }
  }
`;

/** A Belgian case every system holds part of (partner file with sustainability, medical, travel, documents). */
export function benchCaseRef(cases: number): string {
  const found = [...syntheticCases(Math.min(cases, 2000))].find(
    (c) => c.owningMemberState === 'BE' && c.partnerFile?.sustainability && c.medical && c.travel && c.person.documents.length > 0,
  );
  if (!found) throw new Error(`no complete Belgian case among the first ${cases} synthetic cases`);
  return found.ref;
}

const body = (query: string, variables: Record<string, unknown> = {}, operationName?: string) => JSON.stringify({ query, variables, ...(operationName ? { operationName } : {}) });

export function workloads(cases: number): Workload[] {
  return [
    {
      id: 'case',
      title: 'W1 one case, all systems (be-counsellor, RETURN_COUNSELLING)',
      persona: 'be-counsellor',
      purpose: 'RETURN_COUNSELLING',
      operationName: 'BenchCase',
      body: body(`${FULL_CASE} query BenchCase($ref: CaseRef!) { case(ref: $ref) { ...FullCase } }`, { ref: benchCaseRef(cases) }, 'BenchCase'),
      targets: ['baseline', 'continuum'],
    },
    {
      id: 'programme-page',
      title: 'W2 page of 50 (eurp-programme-manager, REINTEGRATION_ASSISTANCE)',
      persona: 'eurp-programme-manager',
      purpose: 'REINTEGRATION_ASSISTANCE',
      operationName: 'BenchProgrammePage',
      body: body(PROGRAMME_PAGE, {}, 'BenchProgrammePage'),
      targets: ['baseline', 'continuum'],
    },
    {
      id: 'partner-care',
      title: 'W3 partner page of 50, consent per case (iq-partner, CONTINUITY_OF_CARE)',
      persona: 'iq-partner',
      purpose: 'CONTINUITY_OF_CARE',
      operationName: 'BenchPartnerCare',
      body: body(PARTNER_CARE, {}, 'BenchPartnerCare'),
      targets: ['baseline', 'continuum'],
    },
    {
      id: 'federation-benchmark',
      title: 'W4 federation gateways benchmark deep query (bare Apollo Gateway only)',
      operationName: 'TestQuery',
      body: body(BENCHMARK_QUERY, {}),
      targets: ['baseline'],
    },
  ];
}
