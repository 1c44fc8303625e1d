/**
 * The common Member State case-file model in TypeScript: what every Member State subgraph's mapping
 * produces (the shape of schema/member-state.graphql). Enum values are the GraphQL enum names.
 */
export interface IdentityDocument { type: string; number: string; issuingCountry: string; validUntil: string | null }
export interface Contact { phone: string | null; email: string | null; addressInCountryOfOrigin: string | null }
export interface Person {
  familyName: string;
  givenNames: string;
  dateOfBirth: string;
  sex: string;
  nationality: string;
  documents: IdentityDocument[];
  contact: Contact | null;
}
export interface CounsellingSession { date: string; topic: string; interpreterLanguage: string | null; returnAccepted: boolean }
export interface VulnerabilityAssessment {
  assessedOn: string;
  unaccompaniedMinor: boolean;
  victimOfTrafficking: boolean;
  disability: boolean;
  singleParent: boolean;
}
export interface MedicalInformation { assessedOn: string; fitToTravel: boolean; continuityOfCareNeeds: string[]; medicationSupplyDays: number | null }
export interface ReturnDecision { decidedOn: string; voluntaryDepartureDeadline: string | null; appealPending: boolean }
export interface AsylumHistory { lodgedOn: string; outcome: string; decidedOn: string }
export interface TravelArrangement { plannedDeparture: string; actualDeparture: string | null; arrivalAirport: string; escortRequired: boolean }

