/**
 * The common scalars live in the contract (contract/scalars.ts); this path stays for code written
 * against it. New code imports from contract/index.ts.
 */
export * from '../contract/scalars.js';
