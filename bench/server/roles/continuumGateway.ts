/**
 * The split layout's Continuum gateway process: one gateway replica (`startGatewayReplica`, as
 * `CONTINUUM_ROLE=gateway` deploys it) over the run's PostgreSQL database, serving the supergraph
 * the systems process registered, with the keys and dev identities shared through the run's
 * folder. Its store is wrapped in a counting view, so the statements the gateway itself runs (case
 * facts, consents, transfer bases, audit records) are still counted apart from the subgraphs'.
 */
import { startGatewayReplica, type RunningReplica } from '../../../gateway/embedded.js';
import { openDb } from '../../../store/index.js';
import type { ContinuumGatewayOptions, GatewayStoreCounts, PlanFetches } from '../../protocol.js';
import { directCounting } from '../directCounting.js';
import { capturePlans } from '../plans.js';
import { closeAll, type RoleServer } from '../role.js';
import { sharedKeys } from '../sharedKeys.js';

export async function startContinuumGateway(options: ContinuumGatewayOptions): Promise<RoleServer<'continuum-gateway'>> {
  const db = await openDb({ url: options.databaseUrl });
  const hubStore = directCounting(db);
  let replica: RunningReplica | undefined;
  const close = () => closeAll([() => db.close(), () => replica?.close()]);
  try {
    const { identities, auditKeys, contextKeys } = await sharedKeys(options.runDir);
    replica = await startGatewayReplica({ db: hubStore, trust: identities.trust, auditKeys, contextKeys, host: '127.0.0.1', port: 0, logLevel: 'silent' });
  } catch (error) {
    await close();
    throw error;
  }
  const plans: Pick<PlanFetches, 'continuum'> = { continuum: {} };
  const gateway = replica.gateway.gateway;
  return {
    info: { url: replica.gateway.url, supergraphVersion: replica.watching.version },
    counts: (): GatewayStoreCounts => ({ continuumGatewayStore: hubStore.direct.statements }),
    capturePlans: (on) => capturePlans(gateway, on ? plans.continuum : null),
    plans: () => plans,
    close,
  };
}
