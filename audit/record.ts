/**
 * What one audit record says. Never a personal data value: case references (pseudonymous), field
 * paths, categories, rules, legal bases, hashes — and the official who asked, for accountability.
 *
 * Version 2 stores what a request released and denied once per distinct *access pattern*, and
 * each field path once: the cases of a page share a few patterns (they differ where consent
 * differs or a field is empty), so a page of 50 cases carries a handful of patterns, one path
 * table and 50 references instead of 50 copies of every path (a programme manager's page of 50:
 * 148 KB as version 1, under 10 KB as version 2). Nothing is lost: `caseAccessesOf` gives every
 * case its full lists back, and that is all readers ever see. Version 1 records (lists per case)
 * stay readable and verifiable.
 */
export type AuditKind = 'ACCESS' | 'CONSENT_CHANGE' | 'TRANSFER_BASIS_CHANGE' | 'REGISTRY';
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

/** What one request released and denied for one case. */
export interface AccessPattern {
  released: ReleasedCategory[];
  denied: DeniedCategory[];
}

/** One case's access, spelled out (version 1 records, and every reader). */
export interface CaseAccess extends AccessPattern {
  ref: string;
}

/** Version 2: a case and the index of its pattern in `accesses`. */
export interface CaseEntry {
  ref: string;
  access: number;
}

/** Version 2: an access pattern whose paths are indexes into the record's `paths`. */
export interface StoredPattern {
  released: (Omit<ReleasedCategory, 'paths'> & { paths: number[] })[];
  denied: (Omit<DeniedCategory, 'paths'> & { paths: number[] })[];
}

/** The cases a request touched, each pointing at its access pattern. */
export interface CaseAccesses {
  cases: CaseEntry[];
  accesses: StoredPattern[];
  /** Every field path the patterns name, once. */
  paths: string[];
}

/** What a statistics request's record says of the question and its answer. */
export interface StatisticsAudit {
  table: string;
  rows: string;
  columns: string | null;
  filters: { dimension: string; band: string }[];
  /** The question's hash (statistics/question.ts): what the organisation's budget counts. */
  question: string;
  /** The reference date the question was answered as of. */
  asOf: string;
  /** Cells released, margins included, and how many of them as null. */
  cells: number;
  suppressedCells: number;
  /** The organisation's question budget after this question. */
  budget: { period: string; spent: number; limit: number; repeated: boolean };
}

interface ContentBase {
  /** The record's id, set by the writer (audit/AuditWriter.ts); absent in records written before it was hashed. */
  id?: string;
  kind: AuditKind;
  time: string;
  requestId: string;
  caller: { issuer: string; organisation: string; country: string; officialId: string; roles: string[] } | null;
  purpose: string | null;
  operation: { type: string; name: string | null; hash: string } | null;
  outcome: AuditOutcome;
  /** Catalogue code of a refusal or failure, when there was one. */
  code?: string;
  /** The rule that refused a consent or transfer-basis change, when one did. */
  rule?: string;
  subgraphs: string[];
  incidents: { subgraph: string; coordinate: string; code: string; rule: string }[];
  /** Registry actions: what was done to which participant, subgraph or version. */
  registry?: Record<string, unknown>;
  /** Statistics questions (docs/STATISTICS.md): what was asked and how much was suppressed — never a case. */
  statistics?: StatisticsAudit;
  requestHash: string;
  responseHash: string;
}

/** What the hub writes today. */
export interface AuditContent extends ContentBase, CaseAccesses {
  v: 2;
}

/** Version 1: every case with its own lists. Written until version 2; still read and verified. */
export interface AuditContentV1 extends ContentBase {
  v: 1;
  cases: CaseAccess[];
}

/** Any record content the store may hold. */
export type StoredAuditContent = AuditContent | AuditContentV1;

/**
 * Every record of a request that was not simply served names why: any outcome but OK carries a
 * non-empty catalogue (or GraphQL) code. The gateway passes each record through this before it
 * is written; a record without one is a bug in the hub, refused loudly rather than stored mute.
 */
export function requireCode<C extends Pick<ContentBase, 'outcome' | 'code' | 'requestId'>>(content: C): C {
  if (content.outcome !== 'OK' && (typeof content.code !== 'string' || content.code.length === 0)) {
    throw new TypeError(`audit record of request ${content.requestId} has outcome ${content.outcome} and no code`);
  }
  return content;
}

/** Every case of a record with its released and denied categories, whatever the record's version. */
export function caseAccessesOf(content: StoredAuditContent): CaseAccess[] {
  if (content.v === 1) return content.cases;
  const paths = (indexes: readonly number[]) => indexes.map((i) => content.paths[i] ?? '');
  const patterns: AccessPattern[] = content.accesses.map((p) => ({
    released: p.released.map((r) => ({ ...r, paths: paths(r.paths) })),
    denied: p.denied.map((d) => ({ ...d, paths: paths(d.paths) })),
  }));
  return content.cases.map(({ ref, access }) => ({ ref, released: patterns[access]?.released ?? [], denied: patterns[access]?.denied ?? [] }));
}

/** Cases spelled out one by one, grouped into shared patterns (records written outside the gateway, tests). */
export function groupCaseAccesses(cases: readonly CaseAccess[]): CaseAccesses {
  const grouped: CaseAccesses = { cases: [], accesses: [], paths: [] };
  const patternIndex = new Map<string, number>();
  const pathIndex = new Map<string, number>();
  const indexOf = (path: string) => {
    let i = pathIndex.get(path);
    if (i === undefined) pathIndex.set(path, (i = grouped.paths.push(path) - 1));
    return i;
  };
  for (const { ref, released, denied } of cases) {
    const key = JSON.stringify([released, denied]);
    let access = patternIndex.get(key);
    if (access === undefined) {
      // Keys in RFC 8785 order, as the gateway builds them (the writer then serialises without copying).
      access = grouped.accesses.push({
        denied: denied.map(({ category, code, paths, rule }) => ({ category, code, paths: paths.map(indexOf), rule })),
        released: released.map(({ basis, category, paths, rule }) => ({ basis, category, paths: paths.map(indexOf), rule })),
      }) - 1;
      patternIndex.set(key, access);
    }
    grouped.cases.push({ access, ref });
  }
  return grouped;
}

export interface StoredRecord {
  seq: number;
  id: string;
  recordedAt: string;
  contentHash: string;
  prevHash: string;
  hash: string;
  content: StoredAuditContent | null;
}
