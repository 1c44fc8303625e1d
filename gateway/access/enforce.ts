/**
 * The executor wrapper that enforces access around Apollo Gateway's planning and execution:
 * introspection only for the hub operator (or in development), statically denied fields removed
 * before planning (under a query hash of the rewritten document, so one caller's plan is never
 * served to another), and afterwards those fields answered `null` with their errors and the
 * per-case summary kept for the audit record.
 */
import type { GatewayExecutor } from '@apollo/server-gateway-interface';
import { getOperationAST, type GraphQLError } from 'graphql';
import type { HubContext } from '../context.js';
import { hubError } from '../errors.js';
import type { ExecutorWrapper } from '../HubGateway.js';
import type { AccessRuntime } from './AccessRuntime.js';
import { finishResult } from './finishResult.js';
import { planStatically } from './staticPlan.js';

export function enforcingExecutor(runtime: AccessRuntime): ExecutorWrapper {
  return (inner: GatewayExecutor): GatewayExecutor =>
    async (requestContext) => {
      const { access } = requestContext.context as HubContext;
      const { requester } = access;
      const key = `${requestContext.queryHash}|${requestContext.operationName ?? ''}|${[...requester.roles].sort().join(',')}|${requester.purpose}|${requester.country}`;
      const metadata = runtime.metadata;
      const plan = runtime.plans.get(key, () => planStatically(metadata, runtime.policy, requester, requestContext.document));
      access.operationHash = plan.queryHash ?? requestContext.queryHash;
      if (plan.introspection && !runtime.development && !requester.roles.includes('HUB_OPERATOR')) {
        return { errors: [hubError('HUB_INTROSPECTION_DISABLED')] };
      }
      const operation = plan.queryHash === null ? requestContext.operation : getOperationAST(plan.document, requestContext.operationName);
      const result =
        plan.queryHash === null || !operation
          ? await inner(requestContext)
          : await inner({ ...requestContext, document: plan.document, queryHash: plan.queryHash, operation });
      const finished = finishResult(
        metadata,
        requestContext.document,
        requestContext.operationName,
        requestContext.request.variables ?? {},
        result.data,
        (result.errors ?? []) as GraphQLError[],
        plan.removed,
        (ref) => access.decisions.get(ref),
      );
      access.cases = finished.cases;
      const errors = [...finished.kept, ...finished.errors];
      return { ...result, ...(errors.length > 0 ? { errors } : { errors: undefined }) };
    };
}
