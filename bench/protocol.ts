/**
 * What the benchmark driver and its server process say to each other over the fork IPC channel:
 * the driver asks (counts, plans, memory, profiling, the baseline's listing scope), the server
 * answers each request by id. Kept in one module so both sides agree on the shapes.
 */
import type { PersonaName } from '../auth/dev-identities.js';
import type { Purpose } from '../schema/vocabulary.js';

export type Target = 'baseline' | 'continuum';

/** Options the driver passes to the server process (as JSON in argv). */
export interface ServerOptions {
  cases: number;
  /** Start the federation gateways benchmark subgraphs and their bare gateway too. */
  federationBenchmark: boolean;
  /** PostgreSQL URL; absent for in-memory PGlite. */
  databaseUrl?: string;
  /** Personas to issue tokens for. */
  personas: PersonaName[];
}

export interface ReadyInfo {
  urls: { baseline: string; continuum: string; federationBenchmark: string | null };
  /** Bearer tokens by persona (long-lived, DEVELOPMENT identities made for this run). */
  tokens: Record<string, string>;
  seededCases: number;
  startupMs: number;
}

/** Per subgraph: fetches received and backend queries (SQL statements or REST calls) so far. */
export type CallCounts = Record<string, { fetches: number; backend: number }>;

export interface CountsSnapshot {
  continuum: CallCounts;
  baseline: CallCounts;
  /** Statements the Continuum gateway itself ran on the central store (facts, consents, transfer bases). */
  continuumGatewayStore: number;
}

/** Fetch nodes per subgraph in the query plans the gateways resolved while capture was on, by operation name. */
export type PlanFetches = Record<Target, Record<string, Record<string, number>>>;

export interface MemorySample {
  rssBytes: number;
  maxRssBytes: number;
  heapUsedBytes: number;
}

export type Request =
  | { type: 'counts' }
  | { type: 'capture-plans'; on: boolean }
  | { type: 'plans' }
  | { type: 'scope'; persona: PersonaName; purpose: Purpose }
  | { type: 'memory'; reset: boolean }
  | { type: 'idle'; maxMs: number }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; path: string }
  | { type: 'close' };

export type RequestMessage = Request & { id: number };
export type ServerMessage = { type: 'ready'; info: ReadyInfo } | { type: 'reply'; id: number; result?: unknown; error?: string };
