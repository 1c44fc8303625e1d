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
  "One case by its EU reference; null when the index holds no such case."
  case(ref: CaseRef!): Case
  "Cases in the index, in reference order, a page at a time (first: 1 to 100)."
  cases(filter: CaseFilter, first: Int! = 20, after: String): CaseConnection!
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
