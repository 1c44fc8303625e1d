import { GraphQLError, type ASTNode, type ASTVisitor, type DocumentNode } from 'graphql';

/** One finding of the subgraph lint, reported like graphql-js validation errors. */
export class LintError extends GraphQLError {
  constructor(
    readonly code: string,
    message: string,
    nodes?: ASTNode | readonly ASTNode[],
  ) {
    super(message, { ...(nodes ? { nodes } : {}), extensions: { code } });
  }
}

export interface LintContext {
  readonly subgraphName: string;
  readonly document: DocumentNode;
  reportError(error: LintError): void;
}

/** A lint rule, in the shape of a graphql-js validation rule: a context in, a visitor out. */
export type LintRule = (context: LintContext) => ASTVisitor;

/** Root operation types and federation's own types carry no data categories. */
export const UNCATEGORISED_TYPES: ReadonlySet<string> = new Set(['Query', 'Mutation', 'Subscription', '_Service', '_Entity', '_Any']);
