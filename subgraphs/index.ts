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
import type { WrappedSystem } from './system.js';

export const STATIC_SYSTEMS: readonly WrappedSystem[] = [centralSystem, beCasesSystem, deCasesSystem, euProgrammeSystem, iqPartnerSystem];

export { centralSystem, beCasesSystem, deCasesSystem, euProgrammeSystem, iqPartnerSystem };
export { prepareSystems, launchSystems, type LaunchOptions, type LaunchedSystems, type RunningSystem, type SeedListener, type SeedReport } from './launch.js';
export type { WrappedSystem, OpenedSystem, OpenOptions } from './system.js';
