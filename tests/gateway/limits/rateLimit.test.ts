import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../../gateway/limits/rateLimit.js';

describe('TokenBuckets (per organisation)', () => {
  it('allows the burst at once, then the rate, and says when to retry', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => buckets.take('EU/GOV/BE-RETURN').ok)).toEqual([true, true, true]);
    expect(buckets.take('EU/GOV/BE-RETURN')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now = 500; // half a second: one token back
    expect(buckets.take('EU/GOV/BE-RETURN')).toEqual({ ok: true });
    expect(buckets.take('EU/GOV/BE-RETURN').ok).toBe(false);
  });

  it('keeps organisations apart: one exhausting its budget does not touch another', () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, () => 0);
    expect(buckets.take('EU/GOV/BE-RETURN').ok).toBe(true);
    expect(buckets.take('EU/GOV/BE-RETURN').ok).toBe(false);
    expect(buckets.take('EU/GOV/DE-RETURN').ok).toBe(true);
  });

  it('rounds Retry-After up to whole seconds at slow rates', () => {
    const buckets = new TokenBuckets({ perSecond: 0.1, burst: 1 }, () => 0);
    buckets.take('x');
    expect(buckets.take('x')).toEqual({ ok: false, retryAfterSeconds: 10 });
  });

  it('refuses a misconfigured limit loudly', () => {
    expect(() => new TokenBuckets({ perSecond: 0, burst: 1 })).toThrow(TypeError);
  });
});
