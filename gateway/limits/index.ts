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
 *   8. validation: graphql-js's specified rules (fragment cycles included), then LIMIT_RULES
 *
 * Each limit is configured in ../config.ts (CONTINUUM_* variables); DEFAULT_LIMITS are the
 * defaults there and for in-process gateways.
 */
import type { ValidationRule } from 'graphql';
import { MaxAliasesRule } from './MaxAliasesRule.js';
import { MaxCostRule, type CostOptions } from './MaxCostRule.js';
import { MaxDepthRule } from './MaxDepthRule.js';
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
  /** @default 30 */
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
  maxAliases: 30,
  maxTokens: 5000,
  // A page of 100 full cases with every nested list is about 19,000, a page of 100 audit records
  // about 31,000; four pages of full cases are refused. Unpaginated lists of objects count as 5
  // (records hold one or two cases, a handful of categories).
  maxCost: 50_000,
  assumedListSize: 5,
  maxPageSize: 100,
  bodyLimitBytes: 1024 * 1024,
  rateLimit: Object.freeze({ perSecond: 200, burst: 400 }),
  trustedDocuments: null,
});

/** The limits' validation rules, in the order they run (after graphql-js's specified rules). */
export function limitRules(options: LimitOptions): readonly ValidationRule[] {
  return Object.freeze([
    // Cheapest first: counts aliases in one pass.
    MaxAliasesRule(options.maxAliases),
    // Depth through fragments, memoised per fragment.
    MaxDepthRule(options.maxDepth),
    // Size estimate: needs the schema's list types and page arguments.
    MaxCostRule(options),
  ]);
}

export { MaxAliasesRule, MaxCostRule, MaxDepthRule };
export { limitError } from './limitError.js';
