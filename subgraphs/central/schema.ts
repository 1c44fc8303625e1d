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
  "Transfer bases your Member State recorded, revoked ones included, newest first. Only the roles the policy names (changes.transferBases)."
  transferBases: [TransferBasis!]!
}

type Mutation {
  "Records a data subject's consent. Only officers of the Member State that owns the case."
  recordConsent(input: RecordConsentInput!): Consent!
  "Withdraws a consent; it stops counting from the very next request. Only the owning Member State."
  withdrawConsent(id: ID!): Consent!
  "Records a GDPR Chapter V basis for sending your Member State's case data to a recipient outside the EU/EEA; the gate counts it from the next request within its validity. Only the roles the policy names."
  recordTransferBasis(input: RecordTransferBasisInput!): TransferBasis!
  "Revokes a transfer basis your Member State recorded; it stops counting from the very next request."
  revokeTransferBasis(id: ID!): TransferBasis!
}

"The GDPR Chapter V instrument a transfer rests on."
enum TransferInstrument {
  "Art. 45: a Commission adequacy decision for the recipient's country."
  ADEQUACY_DECISION
  "Art. 46: appropriate safeguards (standard contractual clauses, an administrative arrangement, binding corporate rules)."
  APPROPRIATE_SAFEGUARDS
  "Art. 49: a derogation for a specific situation; must end within the policy's derogationMaxDays."
  DEROGATION
}

input RecordTransferBasisInput {
  "Organisation identifier of the recipient outside the EU/EEA, e.g. IQ/GOV/IQ-MIGRATION-AUTHORITY."
  recipient: ID!
  instrument: TransferInstrument!
  "Identifier of the instrument (decision number, arrangement or contract reference), 3 to 120 characters: letters, digits, space and . , / ( ) : - _"
  reference: String!
  "First day the basis counts (UTC)."
  validFrom: Date!
  "Last day the basis counts (UTC); none for an open-ended instrument. Required for a derogation."
  validUntil: Date
}

"A recorded basis for transfers from one Member State (the exporter) to one recipient outside the EU/EEA."
type TransferBasis {
  id: ID! @personalData(category: NOT_PERSONAL)
  "The Member State whose case data the basis lets leave the EU/EEA."
  exporter: CountryCode! @personalData(category: NOT_PERSONAL)
  recipient: String! @personalData(category: NOT_PERSONAL)
  instrument: TransferInstrument! @personalData(category: NOT_PERSONAL)
  reference: String! @personalData(category: NOT_PERSONAL)
  validFrom: Date! @personalData(category: NOT_PERSONAL)
  validUntil: Date @personalData(category: NOT_PERSONAL)
  "Organisation that recorded it; null for a basis recorded before the typed API existed."
  recordedBy: String @personalData(category: NOT_PERSONAL)
  recordedAt: DateTime! @personalData(category: NOT_PERSONAL)
  revokedAt: DateTime @personalData(category: NOT_PERSONAL)
  revokedBy: String @personalData(category: NOT_PERSONAL)
  "Whether the gate counts it today: not revoked, and today within validFrom..validUntil."
  inForce: Boolean! @personalData(category: NOT_PERSONAL)
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
