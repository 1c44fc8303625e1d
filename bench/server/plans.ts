/**
 * Reads the query plans a gateway resolves: Apollo Gateway calls its (private)
 * `experimental_didResolveQueryPlan` hook on every execution. The benchmark turns it on only
 * around the single requests that check batching, never while measuring.
 */
import type { ApolloGateway } from '@apollo/gateway';

/** The parts of @apollo/query-planner's plan nodes this module reads. */
interface PlanNode {
  kind: string;
  serviceName?: string;
  node?: PlanNode;
  nodes?: PlanNode[];
  primary?: PlanNode | { node?: PlanNode };
  deferred?: { node?: PlanNode }[];
  rest?: PlanNode;
  ifClause?: PlanNode;
  elseClause?: PlanNode;
}

/** Fetch nodes per subgraph in one plan. */
export function fetchesOf(plan: { node?: unknown }): Record<string, number> {
  const counts: Record<string, number> = {};
  const visit = (node: PlanNode | undefined): void => {
    if (!node) return;
    if (node.kind === 'Fetch' && node.serviceName) counts[node.serviceName] = (counts[node.serviceName] ?? 0) + 1;
    visit(node.node);
    node.nodes?.forEach(visit);
    if (node.primary) visit('kind' in node.primary ? node.primary : node.primary.node);
    node.deferred?.forEach((d) => visit(d.node));
    visit(node.rest);
    visit(node.ifClause);
    visit(node.elseClause);
  };
  visit(plan.node as PlanNode | undefined);
  return counts;
}

type Hook = (args: { queryPlan: { node?: unknown }; requestContext: { operationName?: string | null } }) => void;

/** Records the fetches of each resolved plan into `sink` by operation name; `null` stops recording. */
export function capturePlans(gateway: ApolloGateway, sink: Record<string, Record<string, number>> | null): void {
  const hook: Hook | undefined = sink
    ? ({ queryPlan, requestContext }) => {
        sink[requestContext.operationName ?? '(anonymous)'] = fetchesOf(queryPlan);
      }
    : undefined;
  (gateway as unknown as { experimental_didResolveQueryPlan?: Hook }).experimental_didResolveQueryPlan = hook;
}
