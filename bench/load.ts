/**
 * One load run against one target with autocannon's programmatic API: a fixed number of
 * connections for a fixed duration, the same request body every time.
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  durationSec: number;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Socket errors, timeouts and non-2xx answers. */
  errors: number;
  non2xx: number;
  bytesPerSec: number;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body,
    connections: options.connections,
    duration: options.durationSec,
    timeout: 30,
  });
  const durationSec = result.duration > 0 ? result.duration : options.durationSec;
  return {
    requests: result.requests.total,
    durationSec,
    rps: result.requests.total / durationSec,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.mean,
    errors: result.errors + result.timeouts + result.non2xx,
    non2xx: result.non2xx,
    bytesPerSec: result.throughput.average,
  };
}
