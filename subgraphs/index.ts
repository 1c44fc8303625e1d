/**
 * The systems the hub starts with. Partners registered at run time through the registry are not
 * listed here.
 * @module subgraphs
 */
import { beCasesSystem } from './be-cases/index.js';
import { centralSystem } from './central/index.js';
import { deCasesSystem } from './de-cases/index.js';
import { euProgrammeSystem } from './eu-programme/index.js';
import { iqPartnerSystem } from './iq-partner/index.js';
import type { WrappedSystem } from './kit/index.js';

export const STATIC_SYSTEMS: readonly WrappedSystem[] = [centralSystem, beCasesSystem, deCasesSystem, euProgrammeSystem, iqPartnerSystem];

export { centralSystem, beCasesSystem, deCasesSystem, euProgrammeSystem, iqPartnerSystem };
