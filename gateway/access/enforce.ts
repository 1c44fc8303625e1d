/**
 * The executor wrapper that enforces access around Apollo Gateway's planning and execution:
 * - the request is pinned to the supergraph version the engine plans it with, so planning,
 *   the re-check of every subgraph answer and the final walk judge it by one schema;
 * - introspection only for the hub operator (or in development);
 * - statically denied fields removed before planning (under a query hash of the rewritten
 *   document, so one caller's plan is never served to another);
 * - afterwards those fields answered `null` with their errors, and the request's access outcome
 *   settled once for the audit record (RequestAccess.settle).
 */
import type { GatewayExecutor } from '@apollo/server-gateway-interface';
import { getOperationAST, specifiedRules, validate, type GraphQLError } from 'graphql';
import { isDenialCode } from '../../auth/decide.js';
import type { HubContext } from '../context.js';
import { hubError } from '../errors.js';
import type { ExecutorWrapper } from '../HubGateway.js';
import type { AccessRuntime } from './AccessRuntime.js';
import { finishResult, rootArgumentRefs } from './finishResult.js';
import { planStatically } from './staticPlan.js';
import { fragmentsOf } from './walk.js';

export function enforcingExecutor(runtime: AccessRuntime): ExecutorWrapper {
  return (inner: GatewayExecutor): GatewayExecutor =>
    async (requestContext) => {
      const { access } = requestContext.context as HubContext;
      const { requester } = access;
      // The engine plans with the supergraph it holds now; from here on the request is judged by
      // that version alone. Until the engine's first real I/O nothing can switch it (a switch is a
      // macrotask of its own), so what the runtime holds now is what the engine plans with.
      const metadata = runtime.metadata;
      if (requestContext.schema !== metadata.apiSchema && validate(metadata.apiSchema, requestContext.document, specifiedRules).length > 0) {
        // Validated against a supergraph that was replaced before execution, and not valid in the new one.
        access.settle({ cases: { cases: [], accesses: [], paths: [] }, operationHash: requestContext.queryHash });
        return { errors: [hubError('HUB_SUPERGRAPH_CHANGED')] };
      }
      access.pin(metadata);
      const key = `${requestContext.queryHash}|${requestContext.operationName ?? ''}|${[...requester.roles].sort().join(',')}|${requester.purpose}|${requester.country}`;
      const plan = metadata.plans.get(key, () => planStatically(metadata, runtime.policy, requester, requestContext.document));
      const operationHash = plan.queryHash ?? requestContext.queryHash;
      if (plan.introspection && !runtime.development && !requester.roles.includes('HUB_OPERATOR')) {
        access.settle({ cases: { cases: [], accesses: [], paths: [] }, operationHash });
        return { errors: [hubError('HUB_INTROSPECTION_DISABLED')] };
      }
      const operation = plan.queryHash === null ? requestContext.operation : getOperationAST(plan.document, requestContext.operationName);
      const result =
        plan.queryHash === null || !operation
          ? await inner(requestContext)
          : await inner({ ...requestContext, document: plan.document, queryHash: plan.queryHash, operation });
      const variables = requestContext.request.variables ?? {};
      const priorErrors = (result.errors ?? []) as GraphQLError[];
      await decideRefusedRoots(access, metadata, requestContext.document, requestContext.operationName, variables, priorErrors);
      const finished = finishResult(metadata, requestContext.document, requestContext.operationName, variables, result.data, priorErrors, plan.removed, (ref) => access.decisions.get(ref));
      access.settle({ cases: finished.cases, operationHash });
      const errors = [...finished.kept, ...finished.errors];
      return { ...result, ...(errors.length > 0 ? { errors } : { errors: undefined }) };
    };
}

/**
 * A root field refused for a named case (`case(ref:)` answered by central) tells the caller only
 * what it may be told; the gateway decides that case itself so the record keeps the true reason.
 */
async function decideRefusedRoots(
  access: HubContext['access'],
  metadata: AccessRuntime['metadata'],
  document: Parameters<typeof fragmentsOf>[0] & Parameters<typeof getOperationAST>[0],
  operationName: string | null,
  variables: Record<string, unknown>,
  errors: readonly GraphQLError[],
): Promise<void> {
  const refused = errors.filter((error) => error.path?.length === 1 && isDenialCode(error.extensions?.code));
  if (refused.length === 0) return;
  const operation = getOperationAST(document, operationName);
  if (!operation) return;
  const refs = rootArgumentRefs({ metadata, fragments: fragmentsOf(document), variables }, operation);
  const named = refused.map((error) => refs.get(String(error.path![0]))).filter((ref): ref is string => ref !== undefined);
  if (named.length > 0) await access.vectorsFor([...new Set(named)]);
}
