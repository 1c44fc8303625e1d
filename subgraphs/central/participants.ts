/**
 * Which Member State systems exist and which entity type carries each one's case file. Adding a
 * Member State means one line here plus its own subgraph implementing MemberStateFile.
 */
import { EU_PROGRAMME_SYSTEM } from '../../facts/index.js';
import type { SyntheticCase } from '../kit/synthetic.js';

export interface MemberStateSystem {
  memberState: string;
  /** Participant identifier of the system. */
  system: string;
  /** The entity type (implementing MemberStateFile) that the Member State's subgraph resolves. */
  fileType: string;
}

export const MEMBER_STATE_SYSTEMS: readonly MemberStateSystem[] = [
  { memberState: 'BE', system: 'EU/GOV/BE-RETURN/cases', fileType: 'BelgianCaseFile' },
  { memberState: 'DE', system: 'EU/GOV/DE-RETURN/cases', fileType: 'GermanCaseFile' },
];

export { EU_PROGRAMME_SYSTEM };
export const IQ_PARTNER_SYSTEM = 'IQ/NGO/IQ-REINTEGRATION-PARTNER/assist';

export function participatingSystemsOf(c: SyntheticCase): string[] {
  const systems: string[] = [];
  const ms = MEMBER_STATE_SYSTEMS.find((s) => s.memberState === c.owningMemberState);
  if (ms) systems.push(ms.system);
  if (c.reintegration) systems.push(EU_PROGRAMME_SYSTEM);
  if (c.partnerFile) systems.push(IQ_PARTNER_SYSTEM);
  return systems;
}
