/**
 * Three limits are enforced by Apollo Server and graphql-js themselves — the parser's token limit,
 * graphql-js's bound on nested introspection lists (`MaxIntrospectionDepthRule`) and CSRF
 * prevention — and reach `formatError` with generic codes. This gives them their hub
 * codes (and the catalogue's wording) so a client sees the same shape as for every other limit.
 */
import type { GraphQLFormattedError } from 'graphql';
import { HubErrors } from '../errors.js';

// graphql 16.15 spells it "more that"; later versions may not.
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] (\d+) tokens/;
const CSRF = /Cross-Site Request Forgery/;
const INTROSPECTION_LISTS = 'Maximum introspection depth exceeded';

export function withLimitCode(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code === 'GRAPHQL_PARSE_FAILED') {
    const tokens = TOO_MANY_TOKENS.exec(formatted.message);
    if (tokens) {
      const definition = HubErrors.HUB_LIMIT_TOKENS;
      return { ...formatted, message: definition.message.replace('%s', tokens[1]!), extensions: { ...formatted.extensions, hubCode: definition.code } };
    }
  }
  if (code === 'GRAPHQL_VALIDATION_FAILED' && formatted.message === INTROSPECTION_LISTS && formatted.extensions?.hubCode === undefined) {
    const definition = HubErrors.HUB_LIMIT_INTROSPECTION_LISTS;
    return { ...formatted, message: definition.message, extensions: { ...formatted.extensions, hubCode: definition.code } };
  }
  if (code === 'BAD_REQUEST' && CSRF.test(formatted.message)) {
    const definition = HubErrors.HUB_CSRF_REFUSED;
    return { message: definition.message, extensions: { ...formatted.extensions, code: definition.graphqlCode, hubCode: definition.code } };
  }
  return formatted;
}
