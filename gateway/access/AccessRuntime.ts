/**
 * Shared, long-lived access state of one gateway: the policy, the central store, the context
 * signing keys, and the field metadata (with its static plans) of the current supergraph.
 */
import type { ContextKeys } from '../../auth/context-token.js';
import type { Policy } from '../../auth/policy.js';
import type { Db } from '../../store/index.js';
import type { FactsCache } from '../../facts/index.js';
import { AccessMetadata } from './metadata.js';
import type { GraphQLSchema } from 'graphql';

export class AccessRuntime {
  private current: AccessMetadata | undefined;
  /** The gateway's decision facts cache (facts/cache.ts); without one, every request reads the store. */
  facts: FactsCache | undefined;

  constructor(
    readonly policy: Policy,
    readonly store: Db,
    readonly keys: ContextKeys,
    readonly development: boolean,
  ) {}

  get metadata(): AccessMetadata {
    if (!this.current) throw new Error('the gateway has no supergraph yet');
    return this.current;
  }

  /**
   * A new supergraph: new categories, and new static plans (each version keeps its own, so a
   * request still in flight on the old version never leaves a plan behind for the new one).
   */
  update(apiSchema: GraphQLSchema, coreSupergraphSdl: string): void {
    this.current = AccessMetadata.build(apiSchema, coreSupergraphSdl);
  }
}
