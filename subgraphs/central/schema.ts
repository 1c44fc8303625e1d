/**
 * The central subgraph's SDL. It owns `Case` and routes `Case.memberStateFile` to the entity type
 * of the owning Member State's system (see participants.ts).
 */
import { MEMBER_STATE_SYSTEMS } from './participants.js';

const memberStateFileStubs = MEMBER_STATE_SYSTEMS.map(
  ({ fileType, memberState }) => `
"Case file held by the ${memberState} case system (resolved by that system's subgraph)."
type ${fileType} implements MemberStateFile @key(fields: "caseRef", resolvable: false) {
  caseRef: CaseRef! @personalData(category: CASE_ADMIN)
}`,
).join('\n');

export const centralTypeDefs = `
type Query {
  "One case by its EU reference; null with NO_RELATIONSHIP (rule case.not-a-party) when the caller is not a party to it or the index holds no such case: the two cannot be told apart."
  case(ref: CaseRef!): Case
  "Cases in the index, in reference order, a page at a time (first: 1 to 100)."
  cases(filter: CaseFilter, first: Int! = 20, after: String): CaseConnection!
}

type Mutation {
  "Records a data subject's consent. Only officers of the Member State that owns the case."
  recordConsent(input: RecordConsentInput!): Consent!
  "Withdraws a consent; it stops counting from the very next request. Only the owning Member State."
  withdrawConsent(id: ID!): Consent!
}

input RecordConsentInput {
  caseRef: CaseRef!
  "Organisation identifier of the recipient, e.g. IQ/NGO/IQ-REINTEGRATION-PARTNER."
  recipient: ID!
  categories: [DataCategory!]!
  purposes: [Purpose!]!
  validFrom: DateTime!
  validUntil: DateTime
  "SHA-256 (hex) of the signed consent form kept by the Member State; the form never enters the hub."
  evidenceHash: String!
}

"A data subject's consent to release some categories of their case to one recipient, for some purposes."
type Consent {
  id: ID! @personalData(category: CONSENT)
  caseRef: CaseRef! @personalData(category: CONSENT)
  recipient: String! @personalData(category: CONSENT)
  categories: [DataCategory!]! @personalData(category: CONSENT)
  purposes: [Purpose!]! @personalData(category: CONSENT)
  validFrom: DateTime! @personalData(category: CONSENT)
  validUntil: DateTime @personalData(category: CONSENT)
  evidenceHash: String! @personalData(category: CONSENT)
  recordedAt: DateTime! @personalData(category: CONSENT)
  withdrawnAt: DateTime @personalData(category: CONSENT)
}

input CaseFilter {
  countryOfOrigin: CountryCode
  memberState: CountryCode
  status: ContinuumStatus
  "Only cases changed at or after this instant."
  updatedSince: DateTime
}

type CaseConnection {
  edges: [CaseEdge!]! @personalData(category: NOT_PERSONAL)
  pageInfo: PageInfo! @personalData(category: NOT_PERSONAL)
  "Cases matching the filter, all pages together."
  totalCount: Int! @personalData(category: NOT_PERSONAL)
}

type CaseEdge {
  "Opaque; encodes the case reference, hence CASE_ADMIN."
  cursor: String! @personalData(category: CASE_ADMIN)
  node: Case! @personalData(category: CASE_ADMIN)
}

type PageInfo {
  hasNextPage: Boolean! @personalData(category: NOT_PERSONAL)
  endCursor: String @personalData(category: CASE_ADMIN)
}

"A return and reintegration case, across every system that holds part of it."
type Case @key(fields: "ref") {
  ref: CaseRef! @personalData(category: CASE_ADMIN)
  owningMemberState: CountryCode! @personalData(category: CASE_ADMIN)
  countryOfOrigin: CountryCode! @personalData(category: CASE_ADMIN)
  status: ContinuumStatus! @personalData(category: CASE_ADMIN)
  returnType: ReturnType! @personalData(category: CASE_ADMIN)
  openedOn: Date! @personalData(category: CASE_ADMIN)
  "Date of arrival in the country of origin; null before return."
  returnedOn: Date @personalData(category: CASE_ADMIN)
  updatedAt: DateTime! @personalData(category: CASE_ADMIN)
  assignedPartner: Organisation @personalData(category: CASE_ADMIN)
  "Participant identifiers of the systems that hold part of this case."
  participatingSystems: [String!]! @personalData(category: CASE_ADMIN)
  "The owning Member State's case file."
  memberStateFile: MemberStateFile @personalData(category: CASE_ADMIN)
  "Consents the data subject has given, including withdrawn and expired ones."
  consents: [Consent!] @personalData(category: CONSENT)
}

"An organisation taking part in the hub (X-Road style identifier, e.g. IQ/NGO/IQ-REINTEGRATION-PARTNER)."
type Organisation {
  id: ID! @personalData(category: NOT_PERSONAL)
  name: String! @personalData(category: NOT_PERSONAL)
  "ISO 3166-1 alpha-2, or EU for EU bodies."
  country: String! @personalData(category: NOT_PERSONAL)
}

interface MemberStateFile {
  caseRef: CaseRef! @personalData(category: CASE_ADMIN)
}
${memberStateFileStubs}
`;
