/**
 * The auditor API's SDL, part of the central subgraph (which shares the store holding `audit.*`).
 * Every object field is AUDIT: released to auditors and DPOs for purpose AUDIT by the policy's
 * `audit.accountability` rule, whatever the case, and to nobody else. Which records a caller
 * sees is decided per row by the resolvers (audit/query.ts).
 *
 * Record sequence numbers and counts of records are Float: GraphQL's Int is 32-bit and a busy
 * hub's log outgrows it. They are always whole numbers.
 */
export const auditTypeDefs = `
extend type Query {
  "Access-log records you may see, newest first (first: 1 to 200). A DPO sees every record; an AUDITOR only their own organisation's."
  auditRecords(filter: AuditFilter, first: Int! = 50, after: String): AuditRecordConnection!
  "Records you may see, counted per time bucket, purpose and outcome (for charts). Same visibility as auditRecords."
  auditTimeline(filter: AuditFilter, bucket: AuditBucket! = DAY): [AuditTimelinePoint!]!
  "Verifies the whole chain and its signed checkpoints with the hub's audit public key, now."
  auditChainStatus: AuditChainStatus!
  "The newest signed checkpoint, or the one sealing record seq: for a second party to keep outside the hub and later prove the log still holds what it sealed (continuum audit verify --checkpoint; docs/DEPLOYMENT.md)."
  auditCheckpoint(seq: Float): AuditCheckpoint
  "GDPR Art. 15: who received data about this case, when, for what and which categories — never which official (CJEU C-579/21). DPO: any case; AUDITOR: cases of their Member State."
  accessReport(caseRef: CaseRef!): AccessReport
}

enum AuditKind {
  ACCESS
  CONSENT_CHANGE
  TRANSFER_BASIS_CHANGE
  REGISTRY
}

enum AuditOutcome {
  OK
  PARTIAL
  DENIED
  REFUSED
  ERROR
}

enum AuditBucket {
  HOUR
  DAY
  WEEK
  MONTH
}

"Every condition is optional; given conditions must all hold. from and to are inclusive."
input AuditFilter {
  "Records of requests that touched this case."
  caseRef: CaseRef
  "The caller's organisation, e.g. EU/GOV/BE-RETURN."
  organisation: String
  "The official's identifier at their issuer (token subject)."
  officialId: String
  purpose: Purpose
  outcome: AuditOutcome
  kind: AuditKind
  from: DateTime
  to: DateTime
}

type AuditRecordConnection {
  edges: [AuditRecordEdge!]! @personalData(category: AUDIT)
  pageInfo: AuditPageInfo! @personalData(category: AUDIT)
  "Records matching the filter that you may see, all pages together."
  totalCount: Float! @personalData(category: AUDIT)
}

type AuditRecordEdge {
  cursor: String! @personalData(category: AUDIT)
  node: AuditRecord! @personalData(category: AUDIT)
}

type AuditPageInfo {
  hasNextPage: Boolean! @personalData(category: AUDIT)
  endCursor: String @personalData(category: AUDIT)
}

"One request (or consent change, or registry action) as the hub recorded it. Never a personal data value. Every value is read from the record's hashed content; records purged by retention are not listed (auditChainStatus counts them)."
type AuditRecord {
  "Place in the hash chain (a whole number)."
  seq: Float! @personalData(category: AUDIT)
  id: ID! @personalData(category: AUDIT)
  time: DateTime! @personalData(category: AUDIT)
  kind: AuditKind! @personalData(category: AUDIT)
  requestId: String! @personalData(category: AUDIT)
  organisation: String @personalData(category: AUDIT)
  country: String @personalData(category: AUDIT)
  officialId: String @personalData(category: AUDIT)
  roles: [String!] @personalData(category: AUDIT)
  purpose: Purpose @personalData(category: AUDIT)
  operationName: String @personalData(category: AUDIT)
  "query, mutation, or export."
  operationType: String @personalData(category: AUDIT)
  outcome: AuditOutcome! @personalData(category: AUDIT)
  "Catalogue code of a refusal or failure."
  code: String @personalData(category: AUDIT)
  subgraphs: [String!] @personalData(category: AUDIT)
  "Per case touched: the categories released and denied, with rule, basis and field paths."
  cases: [AuditCaseAccess!] @personalData(category: AUDIT)
  "Fields a subgraph returned although they were denied (stripped by the gateway)."
  incidents: [AuditIncident!] @personalData(category: AUDIT)
  requestHash: String @personalData(category: AUDIT)
  responseHash: String @personalData(category: AUDIT)
  contentHash: String! @personalData(category: AUDIT)
  hash: String! @personalData(category: AUDIT)
  "Always false: records purged by retention are no longer listed; auditChainStatus counts them."
  purged: Boolean! @personalData(category: AUDIT) @deprecated(reason: "Purged records are not listed; see AuditChainStatus.purged.")
}

type AuditCaseAccess {
  caseRef: CaseRef! @personalData(category: AUDIT)
  released: [AuditRelease!]! @personalData(category: AUDIT)
  denied: [AuditDenial!]! @personalData(category: AUDIT)
}

type AuditRelease {
  category: String! @personalData(category: AUDIT)
  "Legal basis (see auth/policy.yaml legalBases)."
  basis: String! @personalData(category: AUDIT)
  rule: String! @personalData(category: AUDIT)
  paths: [String!]! @personalData(category: AUDIT)
}

type AuditDenial {
  category: String! @personalData(category: AUDIT)
  code: String! @personalData(category: AUDIT)
  rule: String! @personalData(category: AUDIT)
  paths: [String!]! @personalData(category: AUDIT)
}

type AuditIncident {
  subgraph: String! @personalData(category: AUDIT)
  coordinate: String! @personalData(category: AUDIT)
  code: String! @personalData(category: AUDIT)
  rule: String! @personalData(category: AUDIT)
}

type AuditTimelinePoint {
  "Start of the bucket (UTC)."
  start: DateTime! @personalData(category: AUDIT)
  purpose: Purpose @personalData(category: AUDIT)
  outcome: AuditOutcome! @personalData(category: AUDIT)
  count: Int! @personalData(category: AUDIT)
}

type AuditChainStatus {
  "True when every record, link and checkpoint verifies."
  ok: Boolean! @personalData(category: AUDIT)
  records: Float! @personalData(category: AUDIT)
  purged: Float! @personalData(category: AUDIT)
  checkpoints: Float! @personalData(category: AUDIT)
  lastSeq: Float! @personalData(category: AUDIT)
  "Highest record covered by a valid signed checkpoint."
  sealedUpTo: Float! @personalData(category: AUDIT)
  "The first record that does not verify."
  firstBadSeq: Float @personalData(category: AUDIT)
  "The first 20 problems, in chain order."
  problems: [AuditChainProblem!]! @personalData(category: AUDIT)
  checkedAt: DateTime! @personalData(category: AUDIT)
}

"A signed checkpoint: every value is read from the signed JWS, which is what to keep."
type AuditCheckpoint {
  "The record it seals (a whole number)."
  seq: Float! @personalData(category: AUDIT)
  "That record's chain hash."
  hash: String! @personalData(category: AUDIT)
  signedAt: DateTime! @personalData(category: AUDIT)
  "The compact JWS, signed with the hub's audit key: one line of a checkpoint file."
  jws: String! @personalData(category: AUDIT)
}

type AuditChainProblem {
  seq: Float! @personalData(category: AUDIT)
  "ALTERED, COLUMN_MISMATCH, BROKEN_LINK, MISSING, BAD_CHECKPOINT, CHECKPOINT_MISMATCH, TRUNCATED or UNANCHORED."
  kind: String! @personalData(category: AUDIT)
  message: String! @personalData(category: AUDIT)
}

"The answer to a data subject's access request (GDPR Art. 15(1)(a)-(c)) about one case."
type AccessReport {
  caseRef: CaseRef! @personalData(category: AUDIT)
  owningMemberState: CountryCode! @personalData(category: AUDIT)
  generatedAt: DateTime! @personalData(category: AUDIT)
  "One entry per request that released data about the case, oldest first."
  accesses: [AccessReportEntry!]! @personalData(category: AUDIT)
  accessCount: Int! @personalData(category: AUDIT)
  "Distinct recipient organisations."
  recipientCount: Int! @personalData(category: AUDIT)
  "Always 0: retention removes which case a purged record concerned, so purged records cannot be counted per case."
  purgedCount: Int! @personalData(category: AUDIT) @deprecated(reason: "A purged record no longer names its case.")
  "What the report contains and leaves out, for the data subject."
  notice: String! @personalData(category: AUDIT)
}

type AccessReportEntry {
  "When the data was released (UTC)."
  time: DateTime! @personalData(category: AUDIT)
  purpose: Purpose @personalData(category: AUDIT)
  recipient: AccessRecipient! @personalData(category: AUDIT)
  categories: [DataCategory!]! @personalData(category: AUDIT)
  "Legal bases the categories were released under."
  bases: [String!]! @personalData(category: AUDIT)
}

"The organisation that received the data. Individual officials are never named."
type AccessRecipient {
  id: String! @personalData(category: AUDIT)
  name: String @personalData(category: AUDIT)
  country: String @personalData(category: AUDIT)
}
`;
