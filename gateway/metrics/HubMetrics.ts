/**
 * Prometheus metrics for GET /metrics (prom-client, one registry per gateway). Every label takes
 * values from a fixed set the hub defines — operation types, outcomes, registered subgraph names,
 * catalogue codes, policy rules, data categories — never text a client chose (an operation name,
 * an alias, a variable), a case reference, an official's id or a value.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditWriter } from '../../audit/index.js';
import type { FactsCacheObserver } from '../../facts/index.js';
import type { HubContext } from '../context.js';
import type { CircuitState, SubgraphBreakers, SubgraphOutcome } from '../resilience/index.js';

/** The `operation` label: the operation's type, or `none` when the document did not resolve to one. */
export type OperationLabel = 'query' | 'mutation' | 'subscription' | 'none';
const CIRCUIT_VALUES: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Process metrics (CPU, memory, event loop, GC) once per process, shared by every gateway in it. */
let processRegistry: Registry | undefined;

export type RequestOutcome = 'ok' | 'partial' | 'refused' | 'error';

export class HubMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'continuum_graphql_requests_total',
    help: 'GraphQL operations by operation type (query, mutation, none: not parsed or resolved) and outcome (ok, partial: data with errors, refused: parse/validation/limits, error: no data).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'continuum_graphql_request_duration_seconds',
    help: 'Time from the start of GraphQL processing to the response (audit record included), by operation type.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly refusals = new Counter({
    name: 'continuum_http_refusals_total',
    help: 'Requests refused before GraphQL, by hub code (authentication, purpose, body size, batching, rate, trusted documents).',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly subgraphRequests = new Counter({
    name: 'continuum_subgraph_requests_total',
    help: 'Calls to subgraphs (retries included in one call) by subgraph and outcome (ok, error: 5xx, unavailable, timeout, circuit_open).',
    labelNames: ['subgraph', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly subgraphDuration = new Histogram({
    name: 'continuum_subgraph_request_duration_seconds',
    help: 'Duration of calls to subgraphs until the response headers, by subgraph.',
    labelNames: ['subgraph'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly circuitTransitions = new Counter({
    name: 'continuum_subgraph_circuit_transitions_total',
    help: 'Circuit breaker state changes by subgraph and new state.',
    labelNames: ['subgraph', 'state'] as const,
    registers: [this.registry],
  });
  readonly authorization = new Counter({
    name: 'continuum_authorization_decisions_total',
    help: 'Field access decisions per case and category in responses: decision (released, denied), code (RELEASED or the denial code), policy rule and category.',
    labelNames: ['decision', 'code', 'rule', 'category'] as const,
    registers: [this.registry],
  });
  readonly auditWriteDuration = new Histogram({
    name: 'continuum_audit_write_duration_seconds',
    help: 'Time until a request audit record is durable (group commit included).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly auditWriteFailures = new Counter({
    name: 'continuum_audit_write_failures_total',
    help: 'Audit records that could not be made durable (the response was withheld: AUDIT_UNAVAILABLE).',
    registers: [this.registry],
  });

  readonly factsLookups = new Counter({
    name: 'continuum_facts_cache_lookups_total',
    help: 'Case facts looked up in the gateway facts cache, by result (hit, miss: read from the central store).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly factsInvalidations = new Counter({
    name: 'continuum_facts_cache_invalidations_total',
    help: 'Facts cache invalidations by scope (entry: the keys a change notification named, flush: everything, on a version the notifications had not reached).',
    labelNames: ['scope'] as const,
    registers: [this.registry],
  });
  readonly factsInvalidatedEntries = new Counter({
    name: 'continuum_facts_cache_invalidated_entries_total',
    help: 'Facts cache entries dropped by invalidations.',
    registers: [this.registry],
  });
  readonly factsResubscriptions = new Counter({
    name: 'continuum_facts_cache_resubscriptions_total',
    help: 'Times the facts cache listened again because its change notifications stopped arriving.',
    registers: [this.registry],
  });
  /** What the facts cache reports (facts/cache.ts), as the counters above. */
  readonly factsObserver: FactsCacheObserver = {
    lookups: (result, count) => {
      if (count > 0) this.factsLookups.inc({ result }, count);
    },
    invalidated: (scope, count) => {
      this.factsInvalidations.inc({ scope });
      if (count > 0) this.factsInvalidatedEntries.inc(count);
    },
    resubscribed: () => this.factsResubscriptions.inc(),
  };

  constructor(sources: { breakers: SubgraphBreakers; audit: Pick<AuditWriter, 'queueDepth' | 'stats'> }) {
    new Gauge({
      name: 'continuum_subgraph_circuit_state',
      help: 'Circuit breaker state per subgraph: 0 closed, 1 half-open, 2 open.',
      labelNames: ['subgraph'] as const,
      registers: [this.registry],
      collect() {
        for (const [subgraph, state] of sources.breakers.states()) this.set({ subgraph }, CIRCUIT_VALUES[state]);
      },
    });
    new Gauge({
      name: 'continuum_audit_queue_depth',
      help: 'Audit records waiting for the next group commit.',
      registers: [this.registry],
      collect() {
        this.set(sources.audit.queueDepth);
      },
    });
    new Gauge({
      name: 'continuum_audit_last_commit_seconds',
      help: 'Duration of the last audit group commit.',
      registers: [this.registry],
      collect() {
        this.set(sources.audit.stats.lastCommitMs / 1000);
      },
    });
    new Gauge({
      name: 'continuum_audit_records_written',
      help: 'Audit records this gateway has committed since it started.',
      registers: [this.registry],
      collect() {
        this.set(sources.audit.stats.written);
      },
    });
    new Gauge({
      name: 'continuum_audit_failed_batches',
      help: 'Audit group commits that failed since this gateway started.',
      registers: [this.registry],
      collect() {
        this.set(sources.audit.stats.failedBatches);
      },
    });
  }

  /**
   * continuum_subgraph_ready: each subgraph of the active supergraph (its registered name), 1 when
   * its health endpoint — which checks the system behind it — answers OK, probed at each scrape.
   */
  subgraphReadiness(probe: () => Promise<{ name: string; ready: boolean }[]>): void {
    new Gauge({
      name: 'continuum_subgraph_ready',
      help: 'Per subgraph of the active supergraph: 1 when its health endpoint (backend included) answers OK, else 0.',
      labelNames: ['subgraph'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { name, ready } of await probe()) this.set({ subgraph: name }, ready ? 1 : 0);
      },
    });
  }

  /** The label for an operation: its type, whatever the client named it. */
  operationLabel(type: string | undefined): OperationLabel {
    return type === 'query' || type === 'mutation' || type === 'subscription' ? type : 'none';
  }

  observeSubgraph = (subgraph: string, outcome: SubgraphOutcome, seconds: number): void => {
    this.subgraphRequests.inc({ subgraph, outcome });
    if (outcome !== 'circuit_open') this.subgraphDuration.observe({ subgraph }, seconds);
  };

  circuitChanged = (subgraph: string, _from: CircuitState, to: CircuitState): void => {
    this.circuitTransitions.inc({ subgraph, state: to });
  };

  /** Wraps the audit writer's append to time it. */
  timedAudit<W extends Pick<AuditWriter, 'append'>>(writer: W): Pick<AuditWriter, 'append'> {
    return {
      append: async (content) => {
        const stop = this.auditWriteDuration.startTimer();
        try {
          return await writer.append(content);
        } catch (error) {
          this.auditWriteFailures.inc();
          throw error;
        } finally {
          stop();
        }
      },
    };
  }

  /** Per request: outcome and latency by operation, and the access decisions the response carries. */
  plugin(): ApolloServerPlugin<HubContext> {
    return {
      requestDidStart: async () => {
        const started = performance.now();
        return {
          willSendResponse: async ({ response, operation: resolved, contextValue }) => {
            const operation = this.operationLabel(resolved?.operation);
            let outcome: RequestOutcome = 'ok';
            if (response.body.kind === 'single') {
              const { data, errors } = response.body.singleResult;
              const status = response.http.status ?? 200;
              if (errors?.length) outcome = data ? 'partial' : status >= 400 && status < 500 ? 'refused' : 'error';
            }
            this.requests.inc({ operation, outcome });
            this.requestDuration.observe({ operation }, (performance.now() - started) / 1000);
            // One decision per case and category; cases sharing an access pattern are counted together.
            const { cases, accesses } = contextValue.access.outcome?.cases ?? { cases: [], accesses: [] };
            const casesPerPattern = new Map<number, number>();
            for (const { access } of cases) casesPerPattern.set(access, (casesPerPattern.get(access) ?? 0) + 1);
            for (const [index, count] of casesPerPattern) {
              const pattern = accesses[index];
              if (!pattern) continue;
              for (const { category, rule } of pattern.released) this.authorization.inc({ decision: 'released', code: 'RELEASED', rule, category }, count);
              for (const { category, code, rule } of pattern.denied) this.authorization.inc({ decision: 'denied', code, rule, category }, count);
            }
          },
        };
      },
    };
  }

  async render(): Promise<{ contentType: string; body: string }> {
    if (!processRegistry) {
      processRegistry = new Registry();
      collectDefaultMetrics({ register: processRegistry });
    }
    return { contentType: this.registry.contentType, body: `${await this.registry.metrics()}\n${await processRegistry.metrics()}` };
  }
}
