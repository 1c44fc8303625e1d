/**
 * Per-organisation rate limit: a token bucket keyed by the authenticated caller's organisation,
 * so one national system's runaway job cannot take the hub from the others. Runs after
 * authentication (the key is the verified `org` claim, not anything a client can choose freely)
 * and before any GraphQL work. Buckets live in this replica's memory: with N replicas behind a
 * load balancer an organisation gets up to N times the rate, which docs/DEPLOYMENT.md accounts for.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubErrorCode } from '../errors.js';
import { sendHubError } from './http.js';
import type { RateLimit } from './index.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets idle long enough to be full again are forgotten past this many keys. */
const PRUNE_ABOVE = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    /** Milliseconds; injectable for tests. */
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new TypeError('rate limit needs perSecond > 0 and burst >= 1');
  }

  /** Takes one token for `key`; if there is none, says how many seconds until there is. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= PRUNE_ABOVE) this.prune(now);
      bucket = { tokens: this.limit.burst, at: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond)) };
  }

  private prune(now: number): void {
    const refill = (this.limit.burst / this.limit.perSecond) * 1000;
    for (const [key, bucket] of this.buckets) if (now - bucket.at >= refill) this.buckets.delete(key);
  }
}

/** Fastify preHandler, after authentication has set `request.caller`. */
export function rateLimitGuard(buckets: TokenBuckets, onRefusal: (code: HubErrorCode, organisation: string) => void = () => {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const organisation = request.caller?.organisation;
    if (!organisation) return; // OPTIONS, or refused already
    const taken = buckets.take(organisation);
    if (taken.ok) return;
    onRefusal('HUB_LIMIT_RATE', organisation);
    reply.header('retry-after', String(taken.retryAfterSeconds));
    return sendHubError(reply, 'HUB_LIMIT_RATE', request.id, [String(taken.retryAfterSeconds)]);
  };
}
