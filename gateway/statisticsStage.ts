/**
 * The statistics stage (docs/STATISTICS.md): answers `Query.statistics` at the hub.
 *
 * It sits inside the enforcing executor (./access/enforce.ts), so a caller whose policy does not
 * grant STATISTICS never gets here — the field was removed before planning and is answered
 * FORBIDDEN_FIELD — and the request is audited by the same plugin as every other. For a caller
 * who may ask:
 * 1. the question is checked against the declared tables and bands, and charged to the
 *    organisation's question budget;
 * 2. each contributing system's @inaccessible contribution is fetched under a context the gateway
 *    signs for this request with STATISTICS released and nothing else, checked against its shape;
 * 3. the contributions are joined by case in memory, answered with disclosure control, and
 *    dropped: no per-case value is stored, logged or returned;
 * 4. what was asked and how much was suppressed goes to the audit record (no case references).
 *
 * A contribution that cannot be fetched fails the whole question (HUB_STATISTICS_UNAVAILABLE):
 * a table missing a system's cases is wrong, not partial.
 */
import type { GatewayExecutor } from '@apollo/server-gateway-interface';
import { hkdfSync } from 'node:crypto';
import { exportJWK } from 'jose';
import { execute, GraphQLError, Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { z } from 'zod';
import { signContext } from '../auth/context-token.js';
import { decideWithoutCase } from '../auth/decide.js';
import {
  answer,
  joinContributions,
  parseCaseIndex,
  parseMemberState,
  parsePartner,
  parseQuestion,
  QuestionBudget,
  QuestionError,
  questionHash,
  referenceDate,
  TABLES,
  type Contributions,
  type QuestionLedger,
} from '../statistics/index.js';
export { DEFAULT_STATISTICS_QUESTION_BUDGET } from '../statistics/index.js';
import type { Db } from '../store/index.js';
import { CASE_INDEPENDENT_KEY, CONTEXT_EXTENSION } from '../contract/index.js';
import type { StatisticsAudit } from '../audit/record.js';
import type { AccessRuntime } from './access/AccessRuntime.js';
import type { HubContext } from './context.js';
import type { ExecutorWrapper } from './HubGateway.js';
import { hubError } from './errors.js';
import { isSuspendedRoutingUrl } from './registry/suspension.js';

/**
 * What each request's statistics question was, for its audit record; keyed by the request's
 * RequestAccess, which every copy of the request context shares.
 */
const audited = new WeakMap<HubContext['access'], StatisticsAudit>();

export function statisticsAuditOf(access: HubContext['access']): StatisticsAudit | undefined {
  return audited.get(access);
}

/** The root field the stage answers. */
export const STATISTICS_FIELD = 'statistics';

/** What the stage gathers before the join: the case index, and each other system's columns. */
interface Gathered {
  caseIndex: Contributions['caseIndex'] | null;
  memberStates: Contributions['memberStates'][number][];
  partners: Contributions['partners'][number][];
}

const Contribution = z.strictObject({ count: z.number().int().nonnegative(), rows: z.string() });

/** A contribution's text and its count of cases (statistics/wire.ts parses the text). */
function textOf(value: unknown): [string, number] {
  const { count, rows } = Contribution.parse(value);
  return [rows, count];
}

/**
 * The contributing systems: the root field each serves, and how its answer is checked — exactly
 * its count and its text in the declared layout (statistics/wire.ts) — before anything is joined.
 */
const CONTRIBUTORS: readonly { subgraph: string; required: boolean; field: string; query: string; read(value: unknown, into: Gathered): void }[] = [
  {
    subgraph: 'central',
    required: true,
    field: 'caseIndexStatistics',
    query: '{ caseIndexStatistics { count rows } }',
    read: (value, into) => {
      into.caseIndex = parseCaseIndex(...textOf(value));
    },
  },
  ...[
    { subgraph: 'be-cases', field: 'belgianCaseStatistics' },
    { subgraph: 'de-cases', field: 'germanCaseStatistics' },
  ].map(({ subgraph, field }) => ({
    subgraph,
    required: false,
    field,
    query: `{ ${field} { count rows } }`,
    read: (value: unknown, into: Gathered) => {
      into.memberStates.push(parseMemberState(...textOf(value)));
    },
  })),
  {
    subgraph: 'iq-partner',
    required: false,
    field: 'iqPartnerStatistics',
    query: '{ iqPartnerStatistics { count rows } }',
    read: (value, into) => {
      into.partners.push(parsePartner(...textOf(value)));
    },
  },
];

/** How often each root field is selected, through aliases, inline fragments and fragment spreads. */
function rootFields(document: DocumentNode, operation: OperationDefinitionNode): Map<string, number> {
  const names = new Map<string, number>();
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) names.set(selection.name.value, (names.get(selection.name.value) ?? 0) + 1);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
        if (fragment?.kind === Kind.FRAGMENT_DEFINITION) visit(fragment.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return names;
}

export interface StatisticsStageOptions {
  /** Distinct questions per organisation per reference period (docs/STATISTICS.md). */
  questionBudget: number;
  /** How long one contribution may take. */
  timeoutMs: number;
  /** The clock (tests fix it). */
  now?: () => Date;
}

/**
 * The budget's ledger: the questions an organisation was answered this period, read from the
 * audit log every replica writes to (each statistics record carries its question's hash).
 */
export function auditLedger(store: Db): QuestionLedger {
  return {
    async asked(organisation, period) {
      const rows = await store.query<{ question: string }>(
        // The question column is derived from each record's content and proved by verification (audit/columns.ts).
        `SELECT DISTINCT statistics_question AS question FROM audit.record
         WHERE organisation = $1 AND recorded_at >= $2::date AND recorded_at < ($2::date + interval '1 month') AND statistics_question IS NOT NULL`,
        [organisation, `${period}-01`],
      );
      return new Set(rows.map((r) => r.question));
    },
  };
}

export class StatisticsStage {
  private routes = new Map<string, string>();
  private secret: Promise<Buffer> | undefined;
  private readonly budget: QuestionBudget;

  constructor(
    private readonly runtime: AccessRuntime,
    private readonly options: StatisticsStageOptions,
  ) {
    this.budget = new QuestionBudget(options.questionBudget, auditLedger(runtime.store));
  }

  /** A new supergraph: the contributors' routing URLs, from its join__Graph enum. */
  update(coreSupergraphSdl: string): void {
    const routes = new Map<string, string>();
    for (const match of coreSupergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)) routes.set(match[1]!, match[2]!);
    this.routes = routes;
  }

  /**
   * The record-key secret of the cell-key method: derived from the gateway's context signing key,
   * which every replica shares, so every replica gives a question the same answer.
   */
  private recordSecret(): Promise<Buffer> {
    this.secret ??= exportJWK(this.runtime.keys.privateKey).then((jwk) => Buffer.from(hkdfSync('sha256', Buffer.from(String(jwk.d), 'base64url'), 'continuum', 'statistics record key', 32)));
    return this.secret;
  }

  /** Wraps the engine's executor: an operation selecting `statistics` is answered here. */
  wrap: ExecutorWrapper = (inner: GatewayExecutor): GatewayExecutor => async (requestContext) => {
    const operation = requestContext.operation;
    const roots = rootFields(requestContext.document, operation);
    if (!roots.has(STATISTICS_FIELD)) return inner(requestContext);
    if ([...roots.keys()].some((name) => name !== STATISTICS_FIELD && name !== '__typename')) {
      return { errors: [hubError('HUB_STATISTICS_QUESTION_INVALID', ['a statistics question is asked alone, and this operation selects other root fields too.'])] };
    }
    // One question per request, so that its record names it and its budget charge is the request's.
    if (roots.get(STATISTICS_FIELD)! > 1) {
      return { errors: [hubError('HUB_STATISTICS_QUESTION_INVALID', ['one statistics question per request, and this operation asks several.'])] };
    }
    const context = requestContext.context as HubContext;
    const result = await execute({
      schema: requestContext.schema,
      document: requestContext.document,
      operationName: requestContext.operationName,
      variableValues: requestContext.request.variables,
      contextValue: context,
      rootValue: { [STATISTICS_FIELD]: (args: Record<string, unknown>) => this.answer(args, context) },
    });
    return result;
  };

  private async answer(args: Record<string, unknown>, context: HubContext) {
    const { requester } = context.access;
    // Defence in depth: the enforcing executor removed the field for anyone without the grant.
    const decision = decideWithoutCase(this.runtime.policy, requester, 'STATISTICS');
    if (!decision.released) throw new GraphQLError(`Field "Query.statistics" (STATISTICS) is not released to you: ${decision.code} by rule ${decision.rule}.`, { extensions: { code: decision.code, rule: decision.rule, category: 'STATISTICS' } });

    const asOf = referenceDate(this.options.now?.() ?? new Date());
    let question;
    try {
      question = parseQuestion({ table: args.table, rows: args.rows, columns: args.columns, filters: args.filters }, asOf);
    } catch (error) {
      if (error instanceof QuestionError) throw hubError('HUB_STATISTICS_QUESTION_INVALID', [error.message]);
      throw error;
    }
    const period = asOf.slice(0, 7);
    const hash = questionHash(question, asOf);
    const spend = await this.budget.spend(requester.organisation, period, hash);
    if (!spend) throw hubError('HUB_STATISTICS_BUDGET_EXHAUSTED', [String(this.budget.limit), period]);

    const [contributions, secret] = await Promise.all([this.contributions(context), this.recordSecret()]);
    const released = answer(joinContributions(contributions, secret, asOf), question, asOf);
    audited.set(context.access, {
      table: question.table,
      rows: question.rows,
      columns: question.columns,
      filters: question.filters.map((f) => ({ ...f })),
      question: hash,
      asOf,
      cells: released.cells.length,
      suppressedCells: released.suppressedCells,
      budget: spend,
    });
    return {
      ...released,
      measures: TABLES[question.table].measures.map(({ name, description }) => ({ name, description })),
      budget: { period: spend.period, spent: spend.spent, limit: spend.limit },
    };
  }

  /** Every contributor's values, fetched in parallel under a context signed for STATISTICS only. */
  private async contributions(context: HubContext): Promise<Contributions> {
    const into: Gathered = { caseIndex: null, memberStates: [], partners: [] };
    await Promise.all(
      CONTRIBUTORS.map(async (contributor) => {
        const url = this.routes.get(contributor.subgraph);
        if (url === undefined) {
          if (contributor.required) throw hubError('HUB_STATISTICS_UNAVAILABLE', [`subgraph "${contributor.subgraph}" is not in the supergraph`]);
          return;
        }
        if (isSuspendedRoutingUrl(url)) throw hubError('HUB_STATISTICS_UNAVAILABLE', [`subgraph "${contributor.subgraph}" is suspended`]);
        const data = await this.fetchContribution(contributor.subgraph, url, contributor.query, context);
        try {
          contributor.read((data as Record<string, unknown> | null | undefined)?.[contributor.field], into);
        } catch {
          throw hubError('HUB_STATISTICS_UNAVAILABLE', [`subgraph "${contributor.subgraph}" sent a contribution of the wrong shape`]);
        }
      }),
    );
    if (!into.caseIndex) throw hubError('HUB_STATISTICS_UNAVAILABLE', ['subgraph "central" sent no case index']);
    return { caseIndex: into.caseIndex, memberStates: into.memberStates, partners: into.partners };
  }

  private async fetchContribution(subgraph: string, url: string, query: string, context: HubContext): Promise<unknown> {
    const { access, requestId } = context;
    access.calledSubgraph(subgraph);
    const token = await signContext(this.runtime.keys, subgraph, {
      officialId: access.caller.officialId,
      organisation: access.caller.organisation,
      country: access.caller.country,
      roles: access.caller.roles,
      purpose: access.purpose,
      requestId,
      // STATISTICS released for what is about no one case; no case decision at all.
      decisions: { sets: [{ STATISTICS: 'R' }], cases: { [CASE_INDEPENDENT_KEY]: 0 } },
    });
    let body: { data?: unknown; errors?: unknown[] };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ query, extensions: { [CONTEXT_EXTENSION]: token } }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      body = (await response.json()) as typeof body;
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    } catch {
      throw hubError('HUB_STATISTICS_UNAVAILABLE', [`subgraph "${subgraph}" could not be reached`]);
    }
    if (body.errors?.length) throw hubError('HUB_STATISTICS_UNAVAILABLE', [`subgraph "${subgraph}" answered with errors`]);
    return body.data;
  }
}
