/**
 * The tamper-evident audit log: hash-chained records written with group commit, sealed by signed
 * checkpoints, verifiable with the public key alone, purged by retention without breaking the
 * chain.
 * @module audit
 */
export { migrateAudit, GENESIS_HASH, HOUR_OF_RECORD } from './schema.js';
export { AuditWriter, AuditUnavailableError, type AuditWriterOptions } from './AuditWriter.js';
export { verifyChain, type VerificationReport, type Problem, type ProblemKind, type ExternalCheckpoint, type ExternalCheckpointResult, type VerifyOptions } from './verify.js';
export { ensureAuditKeys, generateAuditKeys, importAuditPublicKey, readPublicJwk, type AuditKeys } from './keys.js';
export { signCheckpoint, storedCheckpoint, verifyCheckpoint, type CheckpointClaims, type StoredCheckpoint } from './checkpoint.js';
export { canonicalJson, contentHash, outOfOrderObjects, chainHash, sha256Hex, storedContent, type StoredForms } from './chain.js';
export { applyRetention, type RetentionPolicy, type RetentionResult } from './retention.js';
export { columnMismatches, recordColumnsOf, DERIVED_COLUMNS, type DerivedColumn, type RecordColumns } from './columns.js';
export {
  AuditFilterSchema,
  auditVisibilityOf,
  auditWhere,
  auditCountsSql,
  auditRecordView,
  contentOf,
  type ContentForms,
  SqlParams,
  AUDIT_ROW_COLUMNS,
  AUDIT_KINDS,
  AUDIT_OUTCOMES,
  type AuditFilter,
  type AuditReader,
  type AuditRow,
  type AuditRecordView,
  type AuditVisibility,
} from './query.js';
export { caseAccessesOf, groupCaseAccesses, requireCode } from './record.js';
export type {
  AccessPattern,
  AuditContent,
  AuditContentV1,
  AuditKind,
  AuditOutcome,
  CaseAccess,
  CaseAccesses,
  CaseEntry,
  DeniedCategory,
  ReleasedCategory,
  StoredAuditContent,
  StoredPattern,
  StoredRecord,
} from './record.js';
