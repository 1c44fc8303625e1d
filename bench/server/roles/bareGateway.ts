/**
 * The split layout's bare gateway process: the baseline (bare Apollo Gateway over the baseline's
 * subgraph copies) and, with W4, bare Apollo Gateway over the federation gateways benchmark's
 * subgraphs — the same `startBareGateway` as the single-process layout, over the supergraphs the
 * systems process wrote to files (too large for argv). Only one of the two is loaded at a time.
 */
import { readFileSync } from 'node:fs';
import type { BareGatewayOptions, PlanFetches } from '../../protocol.js';
import { startBareGateway, type BareGateway } from '../bareGateway.js';
import { capturePlans } from '../plans.js';
import { closeAll, type RoleServer } from '../role.js';

export async function startBareGateways(options: BareGatewayOptions): Promise<RoleServer<'bare-gateway'>> {
  let baseline: BareGateway | undefined;
  let benchmark: BareGateway | undefined;
  const close = () => closeAll([() => baseline?.close(), () => benchmark?.close()]);
  try {
    baseline = await startBareGateway(readFileSync(options.baselineSupergraphFile, 'utf8'));
    if (options.federationBenchmarkSupergraphFile) benchmark = await startBareGateway(readFileSync(options.federationBenchmarkSupergraphFile, 'utf8'));
  } catch (error) {
    await close();
    throw error;
  }
  const plans: Pick<PlanFetches, 'baseline'> = { baseline: {} };
  const gateway = baseline.gateway;
  return {
    info: { urls: { baseline: baseline.url, federationBenchmark: benchmark?.url ?? null } },
    capturePlans: (on) => capturePlans(gateway, on ? plans.baseline : null),
    plans: () => plans,
    close,
  };
}
