/**
 * The Iraqi reintegration partner as a wrapped system: its own database (schema `iq_partner`),
 * its own REST service in front of it, and the `iq-partner` subgraph that calls that service over
 * HTTP and maps the partner's JSON to the common model.
 * @module subgraphs/iq-partner
 */
import { ORGANISATIONS } from '../kit/index.js';
import type { OpenedSystem, WrappedSystem } from '../system.js';
import type { Db } from '../../store/index.js';
import { isSeeded, migrateIqPartner, seed } from './backend.js';
import { PartnerClient } from './client.js';
import { startPartnerRestService } from './rest-service.js';
import { iqPartnerSubgraph } from './subgraph.js';

export const IQ_PARTNER_PARTICIPANT = `${ORGANISATIONS.IQ_PARTNER}/assist`;

export interface OpenedIqPartner extends OpenedSystem {
  /** Base URL of the partner's REST service. */
  restUrl: string;
}

/** Starts the partner's REST service and returns the subgraph wired to it; `close()` stops the service. */
export async function openIqPartner(db: Db, options: { logLevel?: string } = {}): Promise<OpenedIqPartner> {
  const rest = await startPartnerRestService(db.scoped('iq-partner'), options);
  return {
    module: iqPartnerSubgraph(new PartnerClient(rest.url), IQ_PARTNER_PARTICIPANT),
    restUrl: rest.url,
    backendCalls: () => rest.lookups(),
    close: () => rest.close(),
  };
}

export const iqPartnerSystem: WrappedSystem = {
  name: 'iq-partner',
  participant: IQ_PARTNER_PARTICIPANT,
  migrate: migrateIqPartner,
  isSeeded,
  seed,
  open: openIqPartner,
};

export { startPartnerRestService, type PartnerRestService, type PartnerRestOptions } from './rest-service.js';
export { PartnerClient } from './client.js';
export { mapPartnerFile, SERVICE_TYPE_CODES, VISIT_CHANNEL_CODES, type ReintegrationPartnerFile } from './mapping.js';
export { iqPartnerSubgraph, IQ_PARTNER_SDL, type IqPartnerLoaders } from './subgraph.js';
export { LOOKUP_PATH, HEALTH_PATH, MAX_LOOKUP_REFS } from './api.js';
