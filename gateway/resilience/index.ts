/**
 * Resilience to failing subgraphs: a deadline, retries for queries and a circuit breaker per
 * subgraph, applied by HubDataSource through its fetcher. The breakers outlive supergraph
 * reloads (the engine builds new data sources on each), so they are kept here by subgraph name.
 */
import { CircuitBreaker, type BreakerOptions, type CircuitState } from './CircuitBreaker.js';

export class SubgraphBreakers {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly options: BreakerOptions,
    private readonly onTransition: (subgraph: string, from: CircuitState, to: CircuitState) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  for(subgraph: string): CircuitBreaker {
    let breaker = this.breakers.get(subgraph);
    if (!breaker) {
      breaker = new CircuitBreaker(subgraph, this.options, this.now, this.onTransition);
      this.breakers.set(subgraph, breaker);
    }
    return breaker;
  }

  states(): [subgraph: string, state: CircuitState][] {
    return [...this.breakers].map(([name, breaker]) => [name, breaker.state]);
  }
}

export { CircuitBreaker, type BreakerOptions, type CircuitState, type Permit } from './CircuitBreaker.js';
export { subgraphFetcher } from './subgraphFetcher.js';
export {
  CircuitOpenError,
  DEFAULT_RESILIENCE,
  FETCH_KIND_HEADER,
  isAbort,
  resilientFetcher,
  SubgraphTimeoutError,
  type Fetcher,
  type ResilienceOptions,
  type SubgraphOutcome,
} from './resilientFetcher.js';
