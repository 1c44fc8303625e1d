/**
 * A circuit breaker for one subgraph. Closed: every call goes through, and `failureThreshold`
 * consecutive failures open it. Open: no call goes through — the gateway answers at once with
 * the subgraph's fields `null` (HUB_SUBGRAPH_CIRCUIT_OPEN) instead of making every request wait
 * out a timeout on a system that is down. After `cooldownMs` the next call is let through as a
 * probe (half-open; others are still refused while it runs): success closes the circuit, failure
 * opens it for another cool-down.
 *
 * Only calls admitted in the current state count: a slow call that started while the circuit
 * was closed and succeeds after it opened does not close it — only the probe decides.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. @default 5 */
  failureThreshold: number;
  /** How long it stays open before a probe. @default 10000 */
  cooldownMs: number;
}

export interface Permit {
  /** This call is the half-open probe. */
  readonly probe: boolean;
  succeed(): void;
  fail(): void;
}

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  /** Bumped on every transition, so permits from an earlier state are ignored. */
  private generation = 0;
  private probing = false;

  constructor(
    readonly name: string,
    private readonly options: BreakerOptions,
    /** Milliseconds; injectable for tests. */
    private readonly now: () => number = Date.now,
    private readonly onTransition: (name: string, from: CircuitState, to: CircuitState) => void = () => {},
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /** A permit to call the subgraph now, or null when the circuit refuses the call. */
  acquire(): Permit | null {
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.options.cooldownMs) return null;
      this.transition('half-open');
    }
    if (this.current === 'half-open') {
      if (this.probing) return null;
      this.probing = true;
      return this.permit(true);
    }
    return this.permit(false);
  }

  private permit(probe: boolean): Permit {
    const generation = this.generation;
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled || generation !== this.generation) return;
      settled = true;
      if (probe) {
        this.probing = false;
        this.transition(ok ? 'closed' : 'open');
      } else if (ok) {
        this.failures = 0;
      } else if (++this.failures >= this.options.failureThreshold) {
        this.transition('open');
      }
    };
    return { probe, succeed: () => settle(true), fail: () => settle(false) };
  }

  private transition(to: CircuitState): void {
    const from = this.current;
    this.current = to;
    this.generation++;
    this.failures = 0;
    this.probing = false;
    if (to === 'open') this.openedAt = this.now();
    if (from !== to) this.onTransition(this.name, from, to);
  }
}
