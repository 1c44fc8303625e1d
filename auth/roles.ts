/**
 * The roles a trusted issuer may assert for one of its officials: part of the shared vocabulary
 * (contract/vocabulary.ts), which subgraphs read too.
 */
export { ROLES, isRole, type Role } from '../contract/index.js';
