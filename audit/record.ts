/**
 * What one audit record says. Never a personal data value: case references (pseudonymous), field
 * paths, categories, rules, legal bases, hashes — and the official who asked, for accountability.
 */
export type AuditKind = 'ACCESS' | 'CONSENT_CHANGE' | 'REGISTRY';
export type AuditOutcome = 'OK' | 'PARTIAL' | 'DENIED' | 'REFUSED' | 'ERROR';

export interface ReleasedCategory {
  category: string;
  basis: string;
  rule: string;
  paths: string[];
}

export interface DeniedCategory {
  category: string;
  code: string;
  rule: string;
  paths: string[];
}

export interface CaseAccess {
  ref: string;
  released: ReleasedCategory[];
  denied: DeniedCategory[];
}

export interface AuditContent {
  v: 1;
  kind: AuditKind;
  time: string;
  requestId: string;
  caller: { issuer: string; organisation: string; country: string; officialId: string; roles: string[] } | null;
  purpose: string | null;
  operation: { type: string; name: string | null; hash: string } | null;
  outcome: AuditOutcome;
  /** Catalogue code of a refusal or failure, when there was one. */
  code?: string;
  subgraphs: string[];
  cases: CaseAccess[];
  incidents: { subgraph: string; coordinate: string; code: string; rule: string }[];
  /** Registry actions: what was done to which participant, subgraph or version. */
  registry?: Record<string, unknown>;
  requestHash: string;
  responseHash: string;
}

export interface StoredRecord {
  seq: number;
  id: string;
  recordedAt: string;
  contentHash: string;
  prevHash: string;
  hash: string;
  content: AuditContent | null;
}
