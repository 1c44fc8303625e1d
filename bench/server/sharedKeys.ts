/**
 * The keys the split layout's processes must share, kept in the run's temporary folder: the dev
 * identity providers (the gateway trusts the tokens the driver is given), the audit key (central
 * verifies the chain the gateway replica writes) and the context key (subgraphs verify what the
 * replica signs). The first process to ask creates them; every later one loads the same files,
 * exactly as replicas of a deployment do (gateway/main.ts).
 */
import { join } from 'node:path';
import { ensureAuditKeys, type AuditKeys } from '../../audit/index.js';
import { ensureContextKeys, type ContextKeys } from '../../auth/context-token.js';
import { ensureDevIdentities, type DevIdentities } from '../../auth/dev-identities.js';

export interface SharedKeys {
  identities: DevIdentities;
  auditKeys: AuditKeys;
  contextKeys: ContextKeys;
}

export async function sharedKeys(runDir: string): Promise<SharedKeys> {
  return {
    identities: await ensureDevIdentities(join(runDir, 'dev-identities')),
    auditKeys: await ensureAuditKeys(join(runDir, 'audit-keys')),
    contextKeys: await ensureContextKeys(join(runDir, 'context-keys')),
  };
}
