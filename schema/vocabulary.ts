/**
 * The shared vocabulary lives in the contract (contract/vocabulary.ts); this path stays for code
 * written against it. New code imports from contract/index.ts.
 */
export * from '../contract/vocabulary.js';
