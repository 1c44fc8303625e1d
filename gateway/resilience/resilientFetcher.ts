/**
 * The fetcher every HubDataSource calls its subgraph with: the engine's own fetcher, wrapped in
 * - a deadline per subgraph call (`timeoutMs`, retries included) through the fetch's AbortSignal,
 *   so a hung subgraph costs at most that long and never hangs the request;
 * - retries with exponential backoff and jitter, for queries only (a mutation is never sent
 *   twice) and only on a connection failure or a 5xx — never on a timeout, which would only
 *   multiply the wait;
 * - the subgraph's circuit breaker around the whole call.
 *
 * HubDataSource says whether a fetch is a query or a mutation in the FETCH_KIND_HEADER, which
 * is removed here before the request leaves. Fetches without it (health checks, schema loading)
 * get the deadline only.
 */
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { BreakerOptions, CircuitBreaker } from './CircuitBreaker.js';

/** The engine's fetcher type (from @apollo/utils.fetcher, which the gateway depends on). */
export type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

export const FETCH_KIND_HEADER = 'x-continuum-fetch-kind';

export interface ResilienceOptions extends BreakerOptions {
  /** Deadline for one subgraph call, retries included. @default 5000 */
  timeoutMs: number;
  /** Extra attempts for a query after a connection failure or 5xx. @default 2 */
  retries: number;
  /** First backoff; doubles each retry, with jitter. @default 50 */
  backoffMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = Object.freeze({
  timeoutMs: 5000,
  retries: 2,
  backoffMs: 50,
  failureThreshold: 5,
  cooldownMs: 10_000,
});

export type SubgraphOutcome = 'ok' | 'error' | 'unavailable' | 'timeout' | 'circuit_open';

export class SubgraphTimeoutError extends Error {
  override name = 'SubgraphTimeoutError';
  constructor(
    readonly subgraph: string,
    readonly timeoutMs: number,
  ) {
    super(`subgraph ${subgraph} did not answer within ${timeoutMs} ms`);
  }
}

export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
  constructor(readonly subgraph: string) {
    super(`circuit open for subgraph ${subgraph}`);
  }
}

/** An abort of the fetch or of reading its body, as undici and minipass-fetch report it. */
export function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface ResilientFetcherOptions {
  subgraph: string;
  inner: Fetcher;
  breaker: CircuitBreaker;
  options: ResilienceOptions;
  /** Called once per subgraph call (not per attempt), for metrics. */
  observe?: (subgraph: string, outcome: SubgraphOutcome, seconds: number) => void;
  random?: () => number;
}

export function resilientFetcher({ subgraph, inner, breaker, options, observe = () => {}, random = Math.random }: ResilientFetcherOptions): Fetcher {
  return async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const headers = { ...(init?.headers as Record<string, string> | undefined) };
    const kind = headers[FETCH_KIND_HEADER];
    delete headers[FETCH_KIND_HEADER];
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const request = { ...init, headers, signal: deadline } as FetcherRequestInit;
    if (kind === undefined) return inner(url, request);

    const started = performance.now();
    const done = (outcome: SubgraphOutcome) => observe(subgraph, outcome, (performance.now() - started) / 1000);
    const permit = breaker.acquire();
    if (!permit) {
      done('circuit_open');
      throw new CircuitOpenError(subgraph);
    }
    const retries = kind === 'query' && !permit.probe ? options.retries : 0;
    for (let attempt = 0; ; attempt++) {
      let response: FetcherResponse;
      try {
        response = await inner(url, request);
      } catch (error) {
        if (deadline.aborted || isAbort(error)) {
          permit.fail();
          done('timeout');
          throw new SubgraphTimeoutError(subgraph, options.timeoutMs);
        }
        const delay = attempt < retries ? delayBefore(attempt + 1) : null;
        if (delay === null || !(await wait(delay))) {
          permit.fail();
          done(deadline.aborted ? 'timeout' : 'unavailable');
          if (deadline.aborted) throw new SubgraphTimeoutError(subgraph, options.timeoutMs);
          throw error;
        }
        continue;
      }
      if (response.status < 500) {
        permit.succeed();
        done('ok');
        return response;
      }
      const delay = attempt < retries ? delayBefore(attempt + 1) : null;
      if (delay === null) {
        permit.fail();
        done('error');
        return response; // unread: the data source turns it into HUB_SUBGRAPH_ERROR
      }
      await response.text().catch(() => {}); // free the connection before retrying
      if (!(await wait(delay))) {
        permit.fail();
        done('timeout');
        throw new SubgraphTimeoutError(subgraph, options.timeoutMs);
      }
    }

    /** The wait before attempt `next` (1, 2, …), or null when the deadline would pass first. */
    function delayBefore(next: number): number | null {
      const ceiling = options.backoffMs * 2 ** (next - 1);
      const delay = ceiling / 2 + random() * (ceiling / 2);
      return performance.now() - started + delay < options.timeoutMs ? delay : null;
    }

    async function wait(delay: number): Promise<boolean> {
      try {
        await sleep(delay, deadline);
        return true;
      } catch {
        return false;
      }
    }
  };
}
