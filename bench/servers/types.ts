/**
 * The servers one benchmark run measures, as the harness sees them whatever the layout: the
 * single-process layout (./single.ts, one forked process holding everything) or the split layout
 * (./split.ts, systems, bare gateway and Continuum gateway each in their own process). The harness
 * asks the same questions of both; only the answers' origin differs.
 */
import type { PersonaName } from '../../auth/dev-identities.js';
import type { Purpose } from '../../contract/index.js';
import type { CountsSnapshot, CpuSample, PlanFetches, Target } from '../protocol.js';

export type Layout = 'single-process' | 'split';

/** CPU milliseconds each process spent over one measured run (split layout). */
export interface RunCpuMs {
  /** The target's own gateway process. */
  gateway: number;
  /** The systems process (subgraphs and the clients of their backends). */
  systems: number;
  /** The other target's gateway process, which should have had nothing to do. */
  otherGateway: number;
}

/** What the servers' processes say about one measured run. */
export interface RunSample {
  /**
   * Peak RSS during the run: of the one server process (single-process layout), of the target's
   * own gateway process (split layout).
   */
  maxRssMb: number;
  /** Split layout only. */
  split?: { systemsMaxRssMb: number; cpuMs: RunCpuMs };
}

/** Taken at the start of a measured run, handed back at its end. */
export interface RunMark {
  target: Target;
  /** Per process of the split layout, in `ServerSet.processes` order. */
  cpu: CpuSample[];
}

export interface SettleResult {
  idle: boolean;
  waitedMs: number;
  /** The processes still busy when settling gave up. */
  busy: string[];
}

export interface ServerSet {
  readonly layout: Layout;
  readonly urls: { baseline: string; continuum: string; federationBenchmark: string | null };
  /** Bearer tokens by persona. */
  readonly tokens: Record<string, string>;
  /** From the first fork to every process ready. */
  readonly startupMs: number;
  /** Every process, with what it is and its own start-up time. */
  readonly processes: readonly { label: string; pid: number | undefined; startupMs: number }[];
  /** Split layout: the run's throw-away database (dropped by `stop`). */
  readonly database?: string;
  /** The process whose CPU profile `profileStart`/`profileStop` take: the one that runs Continuum's gateway. */
  readonly profiledProcess: string;
  scope(persona: PersonaName, purpose: Purpose): Promise<void>;
  counts(): Promise<CountsSnapshot>;
  capturePlans(on: boolean): Promise<void>;
  plans(): Promise<PlanFetches>;
  /** Waits until every process is idle (at most `maxMs`). */
  settle(maxMs: number): Promise<SettleResult>;
  beginRun(target: Target): Promise<RunMark>;
  endRun(mark: RunMark): Promise<RunSample>;
  profileStart(): Promise<void>;
  profileStop(path: string): Promise<void>;
  /** Stops every process (and, split, drops the run's database and folder). */
  stop(): Promise<void>;
}

export const mb = (bytes: number): number => Math.round(bytes / 1048576);
