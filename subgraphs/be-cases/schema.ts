/**
 * The be-cases subgraph's own SDL: the common MemberStateFile interface and value types, plus the
 * one entity the Belgian system contributes. Field categories repeat the interface's on purpose:
 * the gateway reads `@personalData` from the object type the planner actually fetches.
 */
import { MEMBER_STATE_SDL } from '../kit/index.js';

export const BE_CASES_SDL = `${MEMBER_STATE_SDL}
"A case file held by the Belgian return authority's system."
type BelgianCaseFile implements MemberStateFile @key(fields: "caseRef") {
  caseRef: CaseRef! @personalData(category: CASE_ADMIN)
  memberState: CountryCode! @personalData(category: CASE_ADMIN)
  localReference: String! @personalData(category: CASE_ADMIN)
  person: Person @personalData(category: IDENTITY)
  counsellingSessions: [CounsellingSession!] @personalData(category: COUNSELLING)
  vulnerability: VulnerabilityAssessment @personalData(category: VULNERABILITY)
  medical: MedicalInformation @personalData(category: HEALTH)
  returnDecision: ReturnDecision @personalData(category: RETURN_DECISION)
  asylumHistory: AsylumHistory @personalData(category: ASYLUM_HISTORY)
  travel: TravelArrangement @personalData(category: TRAVEL)
}
`;
