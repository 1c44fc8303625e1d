/**
 * Shared, long-lived access state of one gateway: the policy, the central store, the context
 * signing keys, the field metadata of the current supergraph and the cache of static plans.
 */
import type { ContextKeys } from '../../auth/context-token.js';
import type { Policy } from '../../auth/policy.js';
import type { Db } from '../../store/index.js';
import { AccessMetadata } from './metadata.js';
import { StaticPlanCache } from './staticPlan.js';
import type { GraphQLSchema } from 'graphql';

export class AccessRuntime {
  private current: AccessMetadata | undefined;
  readonly plans = new StaticPlanCache();

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

  /** A new supergraph: new categories, and every cached plan is stale. */
  update(apiSchema: GraphQLSchema, coreSupergraphSdl: string): void {
    this.current = AccessMetadata.build(apiSchema, coreSupergraphSdl);
    this.plans.clear();
  }
}
