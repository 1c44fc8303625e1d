/** The fetcher wrapper with a fake inner fetcher: deadline, retries for queries only, breaker. */
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError, FETCH_KIND_HEADER, resilientFetcher, SubgraphTimeoutError, type Fetcher } from '../../../gateway/resilience/index.js';

type Step = 'ok' | '500' | 'refused' | 'hang';

function fakeSubgraph(steps: Step[]) {
  const seen: { headers: Record<string, string> }[] = [];
  const inner = (async (_url: string, init?: { headers?: unknown; signal?: AbortSignal }) => {
    seen.push({ headers: init?.headers as Record<string, string> });
    const step = steps[Math.min(seen.length - 1, steps.length - 1)];
    if (step === 'refused') throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    if (step === 'hang') {
      return new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    }
    const status = step === 'ok' ? 200 : 500;
    return { ok: status < 300, status, text: async () => '{}', json: async () => ({}), headers: new Headers() };
  }) as unknown as Fetcher;
  return { inner, seen };
}

function setup(steps: Step[], options: Partial<{ timeoutMs: number; retries: number; failureThreshold: number }> = {}) {
  const subgraph = fakeSubgraph(steps);
  const breaker = new CircuitBreaker('iq-partner', { failureThreshold: options.failureThreshold ?? 5, cooldownMs: 60_000 });
  const outcomes: string[] = [];
  const fetcher = resilientFetcher({
    subgraph: 'iq-partner',
    inner: subgraph.inner,
    breaker,
    options: { timeoutMs: options.timeoutMs ?? 2000, retries: options.retries ?? 2, backoffMs: 5, failureThreshold: 5, cooldownMs: 60_000 },
    observe: (_name, outcome) => outcomes.push(outcome),
    random: () => 0.5,
  });
  const call = (kind?: 'query' | 'mutation') => fetcher('http://127.0.0.1:1/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...(kind ? { [FETCH_KIND_HEADER]: kind } : {}) }, body: '{}' });
  return { ...subgraph, breaker, outcomes, call };
}

describe('resilientFetcher', () => {
  it('retries a query after a connection failure and a 5xx, then answers', async () => {
    const { call, seen, outcomes } = setup(['refused', '500', 'ok']);
    expect((await call('query')).status).toBe(200);
    expect(seen).toHaveLength(3);
    expect(outcomes).toEqual(['ok']);
  });

  it('never retries a mutation', async () => {
    const { call, seen, outcomes } = setup(['500', 'ok']);
    expect((await call('mutation')).status).toBe(500);
    expect(seen).toHaveLength(1);
    expect(outcomes).toEqual(['error']);
    const refused = setup(['refused', 'ok']);
    await expect(refused.call('mutation')).rejects.toThrow('ECONNREFUSED');
    expect(refused.seen).toHaveLength(1);
  });

  it('gives up after the configured retries and hands back the last 5xx unread', async () => {
    const { call, seen } = setup(['500'], { retries: 2 });
    const response = await call('query');
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('{}');
    expect(seen).toHaveLength(3);
  });

  it('aborts a hung call at the deadline and does not retry it', async () => {
    const { call, seen, outcomes } = setup(['hang'], { timeoutMs: 200 });
    const started = performance.now();
    await expect(call('query')).rejects.toBeInstanceOf(SubgraphTimeoutError);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(seen).toHaveLength(1);
    expect(outcomes).toEqual(['timeout']);
  });

  it('removes its marker header before the request leaves', async () => {
    const { call, seen } = setup(['ok']);
    await call('query');
    expect(seen[0]!.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('counts each failed call once towards the breaker, then refuses without calling', async () => {
    const { call, seen, breaker, outcomes } = setup(['refused'], { retries: 1, failureThreshold: 5 });
    for (let i = 0; i < 5; i++) await call('query').catch(() => {});
    expect(seen).toHaveLength(10);
    expect(breaker.state).toBe('open');
    await expect(call('query')).rejects.toBeInstanceOf(CircuitOpenError);
    expect(seen).toHaveLength(10);
    expect(outcomes.at(-1)).toBe('circuit_open');
  });

  it('passes unmarked fetches (health checks, schema loading) through with the deadline only', async () => {
    const { call, seen, breaker } = setup(['500']);
    for (let i = 0; i < 6; i++) expect((await call()).status).toBe(500);
    expect(seen).toHaveLength(6);
    expect(breaker.state).toBe('closed');
  });
});
