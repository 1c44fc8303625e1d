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

/** What the registry knows about the publishing participant. Absent limits mean "the hub's own subgraph". */
export interface LintOptions {
  /** Data categories the participant may serve (NOT_PERSONAL is always allowed). */
  allowedCategories?: readonly string[];
  /** Types (`Referral`) and fields (`Case.referrals`) the participant may contribute. */
  allowedContributions?: readonly string[];
  /** Types and fields only the hub's central subgraph may define (`Consent`, `Case.status`…). */
  protectedCoordinates?: ReadonlySet<string>;
}

export interface LintContext {
  readonly subgraphName: string;
  readonly document: DocumentNode;
  readonly options: LintOptions;
  reportError(error: LintError): void;
}

/** A lint rule, in the shape of a graphql-js validation rule: a context in, a visitor out. */
export type LintRule = (context: LintContext) => ASTVisitor;

/** Type names of the shared vocabulary (schema/common.graphql), which every subgraph includes. */
export const VOCABULARY_TYPES: ReadonlySet<string> = new Set(['DataCategory', 'Purpose', 'CaseRef', 'CountryCode', 'Date', 'DateTime', 'ContinuumStatus', 'ReturnType']);

/** Root operation types and federation's own types carry no data categories. */
export const UNCATEGORISED_TYPES: ReadonlySet<string> = new Set(['Query', 'Mutation', 'Subscription', '_Service', '_Entity', '_Any']);
