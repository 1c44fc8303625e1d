/**
 * What the benchmark driver and its server processes say to each other over the fork IPC channel:
 * the driver asks (counts, plans, memory, CPU time, profiling, the baseline's listing scope), each
 * server process answers each request by id. Kept in one module so both sides agree on the shapes.
 *
 * A server process plays one role: `all` (the default single-process layout: backends, every
 * subgraph and both gateways) or, in the split layout, `systems`, `bare-gateway` or
 * `continuum-gateway`. Each role answers the requests that make sense for what it holds.
 */
import type { PersonaName } from '../auth/dev-identities.js';
import type { Purpose } from '../contract/index.js';

export type Target = 'baseline' | 'continuum';

export type ServerRole = 'all' | 'systems' | 'bare-gateway' | 'continuum-gateway';

/** The single-process layout: one set of backends, every subgraph, both gateways. */
export interface AllOptions {
  role: 'all';
  cases: number;
  /** Start the federation gateways benchmark subgraphs and their bare gateway too. */
  federationBenchmark: boolean;
  /** PostgreSQL URL; absent for in-memory PGlite. */
  databaseUrl?: string;
  /** Personas to issue tokens for. */
  personas: PersonaName[];
}

/**
 * Split layout, the systems: backends, Continuum's enforced subgraphs (through `startFederation`,
 * whose own gateway receives no request), the baseline's unenforced copies and, optionally, the
 * federation gateways benchmark's subgraphs. Writes the supergraphs the bare gateways serve into
 * `runDir`, and loads or creates the shared keys and dev identities there.
 */
export interface SystemsOptions {
  role: 'systems';
  cases: number;
  federationBenchmark: boolean;
  /** The run's throw-away PostgreSQL database. */
  databaseUrl: string;
  personas: PersonaName[];
  runDir: string;
}

/** Split layout: bare Apollo Gateway over the supergraph files the systems process wrote. */
export interface BareGatewayOptions {
  role: 'bare-gateway';
  baselineSupergraphFile: string;
  federationBenchmarkSupergraphFile: string | null;
}

/** Split layout: one Continuum gateway replica over the same database, with the shared keys. */
export interface ContinuumGatewayOptions {
  role: 'continuum-gateway';
  databaseUrl: string;
  runDir: string;
}

/** Options the driver passes to a server process (as JSON in argv; supergraphs go through files). */
export type ServerOptions = AllOptions | SystemsOptions | BareGatewayOptions | ContinuumGatewayOptions;

/** `all`: both targets and the federation benchmark's gateway in one process. */
export interface ReadyInfo {
  urls: { baseline: string; continuum: string; federationBenchmark: string | null };
  /** Bearer tokens by persona (long-lived, DEVELOPMENT identities made for this run). */
  tokens: Record<string, string>;
  seededCases: number;
  startupMs: number;
}

export interface SystemsReadyInfo {
  tokens: Record<string, string>;
  seededCases: number;
  /** Files holding the supergraphs the bare gateway process serves. */
  supergraphFiles: { baseline: string; federationBenchmark: string | null };
  startupMs: number;
}

export interface BareGatewayReadyInfo {
  urls: { baseline: string; federationBenchmark: string | null };
  startupMs: number;
}

export interface ContinuumGatewayReadyInfo {
  url: string;
  /** The registry's active supergraph version the replica serves. */
  supergraphVersion: number | null;
  startupMs: number;
}

export interface ReadyInfoByRole {
  all: ReadyInfo;
  systems: SystemsReadyInfo;
  'bare-gateway': BareGatewayReadyInfo;
  'continuum-gateway': ContinuumGatewayReadyInfo;
}

/** Per subgraph: fetches received and backend queries (SQL statements or REST calls) so far. */
export type CallCounts = Record<string, { fetches: number; backend: number }>;

/** What the subgraphs have received and run so far (the `systems` role's answer to `counts`). */
export interface SubgraphCounts {
  continuum: CallCounts;
  baseline: CallCounts;
}

/** What the Continuum gateway ran on the store itself (the `continuum-gateway` role's answer to `counts`). */
export interface GatewayStoreCounts {
  /** Statements the Continuum gateway itself ran on the central store (facts, consents, transfer bases). */
  continuumGatewayStore: number;
}

/** The `all` role's answer to `counts`, and what the split layout assembles from two processes. */
export type CountsSnapshot = SubgraphCounts & GatewayStoreCounts;

/** Fetch nodes per subgraph in the query plans the gateways resolved while capture was on, by operation name. */
export type PlanFetches = Record<Target, Record<string, Record<string, number>>>;

export interface MemorySample {
  rssBytes: number;
  maxRssBytes: number;
  heapUsedBytes: number;
}

/** `process.cpuUsage()` of the answering process since it started, in microseconds. */
export interface CpuSample {
  userMicros: number;
  systemMicros: number;
}

export interface IdleReply {
  waitedMs: number;
  idle: boolean;
}

/** A process counts as idle after one window of this length below the CPU share in `idle`. */
export const IDLE_WINDOW_MS = 250;

export type Request =
  | { type: 'counts' }
  | { type: 'capture-plans'; on: boolean }
  | { type: 'plans' }
  | { type: 'scope'; persona: PersonaName; purpose: Purpose }
  | { type: 'memory'; reset: boolean }
  | { type: 'cpu' }
  | { type: 'idle'; maxMs: number }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; path: string }
  | { type: 'close' };

export type RequestMessage = Request & { id: number };
export type ServerMessage = { type: 'ready'; info: unknown } | { type: 'reply'; id: number; result?: unknown; error?: string };
