/**
 * The checks of a publish, as one ordered list of named checks (like the lint rules of
 * schema/lint/index.ts). Each check reads the context, reports coded findings and never throws;
 * one loop runs them in order. A check marked `needsPassing` needs what the earlier checks
 * established (a composed supergraph, a reachable URL) and is skipped once any has failed.
 *
 * Two kinds of finding: an *error* refuses the publish; an *approval* finding lets it through
 * its checks but holds the version until the hub operator approves it (`subgraph approve`).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphqlSync, parse, print, type DocumentNode } from 'graphql';
import { composeSupergraph, type CompositionProblem } from '../../schema/compose.js';
import { diffSubgraphSdl, type CategoryClassifier, type SchemaChange } from '../../schema/changes.js';
import { lintSubgraph, type LintOptions } from '../../schema/lint/index.js';
import { fieldCategories } from '../../contract/index.js';
import { suspendedRoutingUrl } from './suspension.js';

/** A subgraph version as the registry stores it. */
export interface SubgraphRow {
  id: number;
  name: string;
  participant: string;
  routing_url: string;
  sdl: string;
  /** Its participant is suspended: composed with the suspension marker instead of its URL. */
  suspended?: boolean;
}

export interface CheckedSubmission {
  name: string;
  routingUrl: string;
  sdl: string;
  reason?: string | undefined;
  allowBreaking?: boolean | undefined;
}

export interface CheckContext {
  readonly participant: string;
  readonly submission: CheckedSubmission;
  readonly lint: LintOptions;
  /** The served subgraphs other than the one submitted. */
  readonly others: readonly SubgraphRow[];
  /** The version consumers use now (active, or else the last one that was activated), if any. */
  readonly previous: SubgraphRow | null;
  /** Whether the name already belongs to another participant. */
  readonly nameTaken: boolean;
  /** Judges category changes under the policy (gateway/registry/audience.ts). */
  readonly classify?: CategoryClassifier | undefined;
  readonly probe: (name: string, routingUrl: string) => Promise<string>;
  document?: DocumentNode;
  supergraphSdl?: string;
  changes: SchemaChange[];
  readonly errors: CompositionProblem[];
  readonly approvals: CompositionProblem[];
}

export interface RegistryCheck {
  readonly name: string;
  readonly needsPassing?: boolean;
  run(context: CheckContext): void | Promise<void>;
}

/** Composes with the served subgraphs, suspended ones under their marker. */
export function composeRows(rows: readonly SubgraphRow[]) {
  return composeSupergraph(rows.map((s) => ({ name: s.name, url: s.suspended ? suspendedRoutingUrl(s.name) : s.routing_url, sdl: s.sdl })));
}

export function normalise(sdl: string): string {
  return print(parse(sdl));
}

/**
 * What `_service { sdl }` answers for a subgraph built from `sdl`: the subgraph library renders
 * the schema its own way, so the probe compares like with like.
 */
function servedFormOf(sdl: string): string {
  const result = graphqlSync({ schema: buildSubgraphSchema(parse(sdl)), source: '{ _service { sdl } }' });
  const served = (result.data as { _service?: { sdl?: string } } | null | undefined)?._service?.sdl;
  if (typeof served !== 'string') throw new Error('the submitted SDL cannot be served as a subgraph');
  return normalise(served);
}

/**
 * Whether a served SDL is the submitted one: as the subgraph library serves it (an Apollo
 * subgraph), or as written (a subgraph on another stack serves its own text, e.g. demos/python-subgraph),
 * both compared in the library's rendering.
 */
function servesSameSdl(served: string, submitted: string): boolean {
  const expected = servedFormOf(submitted);
  if (normalise(served) === expected) return true;
  try {
    return servedFormOf(served) === expected;
  } catch {
    return false;
  }
}

/** A subgraph name is its participant's for good: no one else publishes under it. */
export const NameOwnedCheck: RegistryCheck = {
  name: 'name-owned',
  run(context) {
    if (context.nameTaken) context.errors.push({ code: 'REGISTRY_NAME_TAKEN', message: `subgraph name "${context.submission.name}" belongs to another participant` });
  },
};

/** The SDL parses. */
export const SdlSyntaxCheck: RegistryCheck = {
  name: 'sdl-syntax',
  run(context) {
    try {
      context.document = parse(context.submission.sdl);
    } catch (error) {
      context.errors.push({ code: 'SDL_SYNTAX_ERROR', message: (error as Error).message });
    }
  },
};

/** The subgraph lint within the participant's remit (schema/lint: categories, contributions, central types). */
export const LintCheck: RegistryCheck = {
  name: 'lint',
  run(context) {
    if (!context.document) return;
    context.errors.push(...lintSubgraph(context.submission.name, context.document, context.lint).map((e) => ({ code: e.code, message: e.message })));
  },
};

/** The subgraph composes with every other served subgraph. */
export const CompositionCheck: RegistryCheck = {
  name: 'composition',
  needsPassing: true,
  run(context) {
    const { submission } = context;
    const composed = composeRows([...context.others, { id: 0, name: submission.name, participant: context.participant, routing_url: submission.routingUrl, sdl: submission.sdl }]);
    if (composed.ok) context.supergraphSdl = composed.supergraphSdl;
    else context.errors.push(...composed.errors);
  },
};

/**
 * The changes from the version consumers use now, as data; category changes classified by who
 * may receive the field under the policy (gateway/registry/audience.ts).
 */
export const ChangesCheck: RegistryCheck = {
  name: 'changes',
  run(context) {
    if (!context.previous || !context.document) return;
    try {
      context.changes = diffSubgraphSdl(context.previous.sdl, context.submission.sdl, context.classify);
    } catch (error) {
      context.errors.push({ code: 'REGISTRY_DIFF_FAILED', message: (error as Error).message });
    }
  },
};

/**
 * A field that another served subgraph also declares (an entity key, a shared field) must not be
 * declared more openly here: otherwise a partner could widen who sees a field by publishing it
 * under a second subgraph, whose own history has nothing to compare with. Reported as a change.
 */
export const SharedFieldCategoryCheck: RegistryCheck = {
  name: 'shared-field-category',
  run(context) {
    if (!context.document) return;
    const mine = fieldCategories(context.submission.sdl);
    for (const other of context.others) {
      for (const [coordinate, theirs] of fieldCategories(other.sdl)) {
        const ours = mine.get(coordinate);
        if (ours === undefined || ours === theirs) continue;
        const verdict = (context.classify ?? (() => ({ widens: true, breaking: true, gained: [] })))(theirs, ours);
        if (!verdict.widens) continue;
        const who = verdict.gained.length > 0 ? verdict.gained.join(', ') : 'anyone';
        context.changes.push({
          type: 'CATEGORY_WIDER_THAN_SERVED',
          breaking: false,
          widens: true,
          description: `${coordinate} is ${theirs} in subgraph "${other.name}" but declared ${ours} here. Newly released to ${who}.`,
        });
      }
    }
  },
};

/** A breaking change is refused unless the partner says its consumers are ready. */
export const BreakingAcknowledgedCheck: RegistryCheck = {
  name: 'breaking-acknowledged',
  run(context) {
    const breaking = context.changes.filter((c) => c.breaking);
    if (breaking.length === 0 || context.submission.allowBreaking) return;
    context.errors.push({
      code: 'REGISTRY_BREAKING_CHANGE',
      message: `${breaking.length} breaking change(s); once consumers are ready, publish again with --allow-breaking (the hub operator then approves it): ${breaking.map((c) => c.description).join(' ')}`,
    });
  },
};

/** The routing URL answers with the SDL submitted (asked last: it is the only check that leaves the hub). */
export const RoutingServesSdlCheck: RegistryCheck = {
  name: 'routing-serves-sdl',
  needsPassing: true,
  async run(context) {
    const { submission } = context;
    try {
      const served = await context.probe(submission.name, submission.routingUrl);
      if (!servesSameSdl(served, submission.sdl)) context.errors.push({ code: 'REGISTRY_SDL_MISMATCH', message: `${submission.routingUrl} serves a different SDL from the one submitted` });
    } catch (error) {
      context.errors.push({ code: 'REGISTRY_ROUTING_UNREACHABLE', message: `${submission.routingUrl} did not answer the SDL probe: ${(error as Error).message}` });
    }
  },
};

/**
 * A breaking change, or a category change that widens who may see a field, waits for the hub
 * operator's approval (DESIGN §7). The partner's --allow-breaking acknowledges the breakage; it
 * does not approve it.
 */
export const OperatorApprovalCheck: RegistryCheck = {
  name: 'operator-approval',
  needsPassing: true,
  run(context) {
    const breaking = context.changes.filter((c) => c.breaking);
    const widening = context.changes.filter((c) => c.widens);
    if (breaking.length > 0) context.approvals.push({ code: 'REGISTRY_APPROVAL_BREAKING', message: `${breaking.length} breaking change(s) need the hub operator's approval: ${breaking.map((c) => c.description).join(' ')}` });
    if (widening.length > 0) context.approvals.push({ code: 'REGISTRY_APPROVAL_WIDENING', message: `${widening.length} change(s) widen who may see a field and need the hub operator's approval: ${widening.map((c) => c.description).join(' ')}` });
  },
};

/** Every check of a publish, in order. */
export const registryChecks: readonly RegistryCheck[] = Object.freeze([
  // Names are the participant's (DESIGN §7).
  NameOwnedCheck,
  SdlSyntaxCheck,
  // Categories declared, within the remit, no central types (DESIGN §7; schema/lint).
  LintCheck,
  // Composes with the live supergraph (DESIGN §7).
  CompositionCheck,
  // Reports breaking changes (DESIGN §7; schema/changes.ts).
  ChangesCheck,
  // …and across subgraphs: a shared field is not declared more openly than it is served.
  SharedFieldCategoryCheck,
  BreakingAcknowledgedCheck,
  // The routing URL serves what was checked.
  RoutingServesSdlCheck,
  // Held for the hub operator when it breaks consumers or widens who sees a field (DESIGN §7).
  OperatorApprovalCheck,
]);

/** Runs the checks in order; the context then holds every finding. */
export async function runRegistryChecks(context: CheckContext, checks: readonly RegistryCheck[] = registryChecks): Promise<void> {
  for (const check of checks) {
    if (check.needsPassing && context.errors.length > 0) continue;
    await check.run(context);
  }
}
