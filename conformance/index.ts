/**
 * The conformance suite (`npx continuum conformance <url>`): numbered checks that an endpoint —
 * kit, edge or home-grown — speaks docs/PARTNER-PROTOCOL.md, with a Markdown report.
 * @module conformance
 */
export { runConformance, type ConformanceReport, type CheckResult } from './run.js';
export { CHECKS, REFUSAL } from './checks.js';
export { GROUPS, GROUP_TITLES, type SuiteOptions, type Outcome } from './suite.js';
export { generateSuiteKeys, loadSuiteKeys, KEY_FILES, SuiteKeyError, type SuiteKeys } from './keys.js';
