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

/** Quoted values longer than this are cut to it in any message a client or a log sees. */
export const QUOTED_VALUE_MAX = 48;
/** Unquoted runs (a value printed without quotes, e.g. an object's key) are cut to this. */
const UNQUOTED_RUN_MAX = 64;
/** And no message is longer than this, whatever it holds. */
export const MESSAGE_MAX = 1000;
// graphql-js: `Did you mean "x"?`, `Did you mean "x" or "y"?`, `Did you mean the enum value "DAY"?`.
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/**
 * Shortens every double-quoted value in `message` to QUOTED_VALUE_MAX characters (+ "…"), in one
 * pass: a 600 KB variable value echoed by graphql-js (once in "got invalid value", once in the
 * scalar's own message) comes back as a short prefix.
 */
function shortenQuoted(message: string): string {
  let out = '';
  let i = 0;
  while (i < message.length) {
    const open = message.indexOf('"', i);
    if (open < 0) {
      out += message.slice(i);
      break;
    }
    out += message.slice(i, open + 1);
    let close = open + 1;
    while (close < message.length && message[close] !== '"') close += message[close] === '\\' ? 2 : 1;
    const value = message.slice(open + 1, Math.min(close, message.length));
    out += value.length > QUOTED_VALUE_MAX ? `${value.slice(0, QUOTED_VALUE_MAX)}…` : value;
    if (close < message.length) out += '"';
    i = close + 1;
  }
  return out;
}

/**
 * What a message may say outside the process: values quoted as a short prefix, long unquoted runs
 * cut, the whole bounded, and — unless `suggestions` (development) — no "Did you mean …" (a
 * suggestion names fields and enum values the caller may not know of). The one place for this:
 * the gateway's formatError, so validation, variable coercion and subgraph messages all pass here.
 */
export function clientSafeMessage(message: string, options: { suggestions: boolean }): string {
  // A page of denials repeats a handful of messages many times over: each is made safe once.
  const memo = options.suggestions ? safeWithSuggestions : safeWithout;
  const known = message.length <= MEMO_MESSAGE_MAX ? memo.get(message) : undefined;
  if (known !== undefined) return known;
  let safe = shortenQuoted(message).replace(LONG_UNQUOTED_RUN, (run) => `${run.slice(0, UNQUOTED_RUN_MAX)}…`);
  if (!options.suggestions) safe = safe.replace(SUGGESTION, '');
  safe = safe.length > MESSAGE_MAX ? `${safe.slice(0, MESSAGE_MAX)}…` : safe;
  if (message.length <= MEMO_MESSAGE_MAX) {
    if (memo.size >= MEMO_ENTRIES) memo.clear();
    memo.set(message, safe);
  }
  return safe;
}

const LONG_UNQUOTED_RUN = new RegExp(`[^\\s"]{${UNQUOTED_RUN_MAX + 1},}`, 'g');
/** Messages remembered, per mode; bounded in count and in length, so memory stays a few hundred KB. */
const MEMO_ENTRIES = 1000;
const MEMO_MESSAGE_MAX = 300;
const safeWithSuggestions = new Map<string, string>();
const safeWithout = new Map<string, string>();
