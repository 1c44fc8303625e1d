import { GraphQLError, type ASTNode } from 'graphql';
import { hubError, type HubErrorCode } from '../errors.js';

/** A catalogue error located at the offending nodes, for `context.reportError`. */
export function limitError(code: HubErrorCode, args: readonly (string | number)[], nodes: ASTNode | readonly ASTNode[]): GraphQLError {
  const error = hubError(code, args.map(String));
  return new GraphQLError(error.message, { nodes, extensions: error.extensions });
}
