/** The breaker in isolation, on a fake clock. */
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitState } from '../../../gateway/resilience/index.js';

function breaker() {
  let now = 0;
  const transitions: [CircuitState, CircuitState][] = [];
  const b = new CircuitBreaker('iq-partner', { failureThreshold: 3, cooldownMs: 1000 }, () => now, (_name, from, to) => transitions.push([from, to]));
  return { b, transitions, advance: (ms: number) => (now += ms) };
}

const fail = (b: CircuitBreaker) => b.acquire()!.fail();

describe('CircuitBreaker', () => {
  it('stays closed through failures below the threshold, and a success resets the count', () => {
    const { b } = breaker();
    fail(b);
    fail(b);
    b.acquire()!.succeed();
    fail(b);
    fail(b);
    expect(b.state).toBe('closed');
  });

  it('opens after N consecutive failures and refuses calls at once', () => {
    const { b, transitions } = breaker();
    fail(b);
    fail(b);
    fail(b);
    expect(b.state).toBe('open');
    expect(b.acquire()).toBeNull();
    expect(transitions).toEqual([['closed', 'open']]);
  });

  it('after the cool-down lets exactly one probe through (half-open); its success closes the circuit', () => {
    const { b, transitions, advance } = breaker();
    for (let i = 0; i < 3; i++) fail(b);
    advance(999);
    expect(b.acquire()).toBeNull();
    advance(1);
    const probe = b.acquire()!;
    expect(probe.probe).toBe(true);
    expect(b.state).toBe('half-open');
    expect(b.acquire()).toBeNull(); // one probe at a time
    probe.succeed();
    expect(b.state).toBe('closed');
    expect(b.acquire()?.probe).toBe(false);
    expect(transitions).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ]);
  });

  it('a failed probe opens the circuit for another full cool-down', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) fail(b);
    advance(1000);
    b.acquire()!.fail();
    expect(b.state).toBe('open');
    advance(999);
    expect(b.acquire()).toBeNull();
    advance(1);
    expect(b.acquire()?.probe).toBe(true);
  });

  it('ignores late results of calls admitted before the state changed', () => {
    const { b, advance } = breaker();
    const slow = b.acquire()!; // admitted while closed
    for (let i = 0; i < 3; i++) fail(b);
    expect(b.state).toBe('open');
    slow.succeed(); // arrives while open: does not close it
    expect(b.state).toBe('open');
    advance(1000);
    const probe = b.acquire()!;
    slow.fail(); // and cannot fail the probe either
    expect(b.state).toBe('half-open');
    probe.succeed();
    expect(b.state).toBe('closed');
  });

  it('settles each permit once', () => {
    const { b } = breaker();
    const permit = b.acquire()!;
    permit.fail();
    permit.fail();
    permit.fail();
    expect(b.state).toBe('closed');
  });
});
