/**
 * The gateway's abuse limits, in the order a request meets them:
 *
 *   HTTP (Fastify, before GraphQL)                       refuses with
 *   1. body size (bodyLimit, before the body is read)    413 HUB_LIMIT_BODY_TOO_LARGE
 *   2. batched operations (a JSON array)                 400 HUB_LIMIT_BATCHED
 *   3. authentication and purpose (../authenticate.ts)   401/400/403 HUB_AUTH_*, HUB_PURPOSE_*
 *   4. rate per organisation (token bucket)              429 HUB_LIMIT_RATE + Retry-After
 *   5. trusted documents (when a manifest is set)        400 HUB_LIMIT_UNTRUSTED_DOCUMENT / _UNKNOWN_DOCUMENT
 *   Apollo Server
 *   6. CSRF prevention (Apollo's default, kept on)       400 HUB_CSRF_REFUSED
 *   7. parse, at most maxTokens tokens                   400 HUB_LIMIT_TOKENS
 *   8. validation: graphql-js's specified rules (fragment cycles; nested introspection lists:
 *      400 HUB_LIMIT_INTROSPECTION_LISTS, coded in ./apolloRefusals.ts), then limitRules()
 *                                                        400 HUB_LIMIT_ALIASES / _DEPTH / _INTROSPECTION_DEPTH
 *   9. the operation resolved (requestCostPlugin): cost on the request's coerced variables,
 *      before anything is planned                       400 HUB_LIMIT_COST
 *
 * Every rule counts the operation's expansion (each fragment at every spread) in time proportional
 * to the document (./expansion.ts).
 *
 * Each limit is configured in ../config.ts (CONTINUUM_* variables); DEFAULT_LIMITS are the
 * defaults there and for in-process gateways.
 */
import type { ValidationRule } from 'graphql';
import { MaxAliasesRule } from './MaxAliasesRule.js';
import { MaxCostRule, type CostOptions } from './MaxCostRule.js';
import { MaxDepthRule } from './MaxDepthRule.js';
import { MaxIntrospectionNestingRule } from './MaxIntrospectionNestingRule.js';
import { requestCostPlugin } from './requestCost.js';
import type { TrustedDocuments } from './trustedDocuments.js';

export interface RateLimit {
  /** Sustained requests per second per organisation (and per gateway replica). */
  perSecond: number;
  /** Requests an organisation may make at once before the rate applies. */
  burst: number;
}

export interface LimitOptions extends CostOptions {
  /** @default 12 */
  maxDepth: number;
  /** Depth of an introspection subtree, from `__schema` or `__type` down. @default 20 */
  maxIntrospectionDepth: number;
  /** Aliased fields in an operation's expansion. @default 30 */
  maxAliases: number;
  /** Lexical tokens in one document, enforced by graphql's parser. @default 5000 */
  maxTokens: number;
  /** @default 1 MiB */
  bodyLimitBytes: number;
  /** null: no rate limit. @default 200/s, burst 400 */
  rateLimit: RateLimit | null;
  /** null: any valid operation runs (development, and until a manifest is configured). */
  trustedDocuments: TrustedDocuments | null;
}

export const DEFAULT_LIMITS: LimitOptions = Object.freeze({
  maxDepth: 12,
  // The standard introspection query is 15 deep.
  maxIntrospectionDepth: 20,
  maxAliases: 30,
  maxTokens: 5000,
  // A page of 100 full cases with every nested list is about 19,000; the auditor API's largest page
  // (200 audit records, `first: 1 to 200`) about 62,600, now that a page size in a variable counts
  // as sent; four pages of full cases (about 75,000) are refused. Unpaginated lists of objects
  // count as 5 (records hold one or two cases, a handful of categories).
  maxCost: 70_000,
  assumedListSize: 5,
  maxPageSize: 100,
  bodyLimitBytes: 1024 * 1024,
  rateLimit: Object.freeze({ perSecond: 200, burst: 400 }),
  trustedDocuments: null,
});

/** The limits' validation rules, in the order they run (after graphql-js's specified rules). */
export function limitRules(options: LimitOptions): readonly ValidationRule[] {
  return Object.freeze([
    // Aliases in the expansion, each fragment counted once and multiplied by its spreads.
    MaxAliasesRule(options.maxAliases),
    // Depth through fragments, introspection left out.
    MaxDepthRule(options.maxDepth),
    // Depth of introspection, before anything executes it.
    MaxIntrospectionNestingRule(options.maxIntrospectionDepth),
  ]);
}

/**
 * The cost limit runs per request, on the request's variables (./requestCost.ts): a plugin
 * Apollo Server calls once the operation is resolved, after the rules above.
 */
export function limitPlugins(options: LimitOptions) {
  return Object.freeze([requestCostPlugin(options)]);
}

export { MaxAliasesRule, MaxCostRule, MaxDepthRule, MaxIntrospectionNestingRule };
export { operationCost, type CostedRequest } from './MaxCostRule.js';
export { measure, fragmentScope, saturate, SATURATED, type Fold, type Measured } from './expansion.js';
export { limitError } from './limitError.js';
