import type { JWK } from 'jose';
import type { Policy } from '../auth/policy.js';
import type { Db } from '../store/index.js';
import type { SubgraphModule, SyntheticCase } from './kit/index.js';

/**
 * A simulated national or partner system and the subgraph that wraps it. The embedded runner,
 * the tests and the benchmarks all bring the hub's systems up through this one interface; it is
 * the hub's (its backends live in the hub's store), not the kit's, which partners install alone.
 */
export interface WrappedSystem {
  /** Subgraph name in the supergraph, e.g. `be-fedasil`. */
  name: string;
  /** The participant (X-Road style system identifier) that runs the system. */
  participant: string;
  /** Creates the backend's native tables in its own SQL schema; idempotent. */
  migrate(db: Db): Promise<void>;
  /** True when the backend already holds seeded records. */
  isSeeded(db: Db): Promise<boolean>;
  /**
   * Writes native records for a chunk of synthetic cases (called repeatedly, in order). The runner
   * calls it inside one transaction per system, so it opens none of its own.
   */
  seed(db: Db, cases: readonly SyntheticCase[]): Promise<void>;
  /** Starts what the system needs besides its subgraph (e.g. a REST backend) and returns the subgraph. */
  open(db: Db, options?: OpenOptions): Promise<OpenedSystem>;
}

export interface OpenOptions {
  logLevel?: string;
  /** The hub's audit public key, for a system that verifies the access log (central). */
  auditPublicJwk?: JWK;
  /**
   * The policy the gateway enforces, for a system that decides by it (central: its root queries
   * and transfer bases). Given by whoever starts the hub, so both decide by the same document.
   */
  policy?: Policy;
}

export interface OpenedSystem {
  // Resolvers are typed per subgraph; the runner only passes the module on to the kit.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  module: SubgraphModule<any>;
  /** Queries (SQL statements or REST calls) the backend has answered so far. */
  backendCalls(): number;
  close(): Promise<void>;
}
