/**
 * The gateway's last line: every subgraph response is re-checked against the caller's decisions
 * before it is merged. A field a subgraph returned although it was denied — a misbehaving or
 * compromised national system — is stripped, answered with the denial's error, and reported as an
 * incident. Nothing relies on the subgraph having enforced its signed decisions.
 */
import { getOperationAST, isCompositeType, Kind, type DocumentNode, type FieldNode, type GraphQLCompositeType, type GraphQLFormattedError } from 'graphql';
import { CASE_INDEPENDENT, decideStatically, decideWithoutCase } from '../../auth/decide.js';
import type { Policy } from '../../auth/policy.js';
import { caseRefIn, DECISION_MISSING, decodeOutcome, encodeOutcome, RELEASED, type DataCategory } from '../../contract/index.js';
import type { AccessMetadata } from './metadata.js';
import type { DecisionVector, Incident, RequestAccess } from './RequestAccess.js';
import { helperRefOf, walkObjects, walkPlanFor, walkSelectionSet, type FieldVisit, type ResultObject, type WalkContext } from './walk.js';

export interface SubgraphResponse {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

interface Target {
  /** Entity fetches name every case in their representations; root answers may not. */
  entity: boolean;
  selectionSet: NonNullable<FieldNode['selectionSet']>;
  parent: GraphQLCompositeType;
  value: unknown;
  path: (string | number)[];
  ref: string | null;
}

/** The parts of the response to walk: each entity with its representation's case, or the root. */
function targetsOf(metadata: AccessMetadata, document: DocumentNode, variables: Record<string, unknown> | undefined, data: Record<string, unknown>): Target[] {
  const operation = getOperationAST(document);
  if (!operation) return [];
  const entities = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (!entities?.selectionSet) {
    const root = operation.operation === 'mutation' ? metadata.apiSchema.getMutationType() : metadata.apiSchema.getQueryType();
    return root ? [{ entity: false, selectionSet: operation.selectionSet, parent: root, value: data, path: [], ref: null }] : [];
  }
  const representations = (variables?.representations ?? []) as { __typename?: string; ref?: unknown; caseRef?: unknown }[];
  const items = Array.isArray(data._entities) ? (data._entities as unknown[]) : [];
  const targets: Target[] = [];
  items.forEach((item, index) => {
    const representation = representations[index];
    const typename = (item as ResultObject | null)?.__typename ?? representation?.__typename;
    const type = typeof typename === 'string' ? metadata.apiSchema.getType(typename) : undefined;
    if (!item || !type || !isCompositeType(type)) return;
    const ref = caseRefIn(representation);
    targets.push({ entity: true, selectionSet: entities.selectionSet!, parent: type, value: item, path: ['_entities', index], ref });
  });
  return targets;
}

export async function recheckSubgraphResponse(
  subgraph: string,
  metadata: AccessMetadata,
  policy: Policy,
  access: RequestAccess,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  response: SubgraphResponse,
  signed: ReadonlyMap<string, DecisionVector>,
): Promise<Incident[]> {
  if (!response.data) return [];
  // The answer is judged by the subgraph's own schema, with the supergraph's categories.
  metadata = metadata.forSubgraph(subgraph);
  const targets = targetsOf(metadata, document, variables, response.data);
  // The fetch's document is the query plan's own (parsed once per plan): its walk plan is reused by
  // every answer to the same fetch.
  const plan = walkPlanFor(document, metadata, document, variables ?? {});
  const { fragments } = plan.context;

  // Root answers (central's case index) name their cases only in the data: decide those too.
  const refs = new Set<string>();
  const onObject = (object: ResultObject) => {
    const ref = helperRefOf(object);
    if (ref && !signed.has(ref)) refs.add(ref);
  };
  for (const target of targets) walkObjects(plan, target.selectionSet, target.parent, target.value, onObject);
  const vectors = refs.size > 0 ? new Map([...signed, ...(await access.vectorsFor([...refs]))]) : signed;

  const incidents: Incident[] = [];
  const errors: GraphQLFormattedError[] = [...(response.errors ?? [])];
  // What the policy alone says per category, worked out once per response: denied outright
  // (code and rule), decided without the case (audit, statistics), or null: the case decides.
  const staticOutcomes = new Map<DataCategory | undefined, string | null>();
  const staticOutcomeOf = (category: DataCategory | undefined): string | null => {
    let outcome = staticOutcomes.get(category);
    if (outcome !== undefined) return outcome;
    const staticDecision = decideStatically(policy, access.requester, category);
    if (!('grants' in staticDecision) && !staticDecision.released) outcome = encodeOutcome(staticDecision);
    else if (category && CASE_INDEPENDENT.has(category)) {
      // Audit records and aggregates are decided without the case, even when they name one.
      const decision = decideWithoutCase(policy, access.requester, category);
      outcome = encodeOutcome(decision.released ? RELEASED : decision);
    } else outcome = null;
    staticOutcomes.set(category, outcome);
    return outcome;
  };
  const check = (entity: boolean) => ({ info, key, object, path, ref }: FieldVisit): boolean => {
    if (info.onRoot) return false;
    const category = info.category;
    if (category === 'NOT_PERSONAL') return false;
    const value = object[key];
    let outcome = staticOutcomeOf(category);
    if (outcome === null) {
      // A container without its own reference (a page edge) is decided by the case it holds.
      const caseRef = ref ?? (value && typeof value === 'object' && !Array.isArray(value) ? helperRefOf(value as ResultObject) : null);
      if (caseRef) outcome = vectors.get(caseRef)?.[category as string] ?? encodeOutcome(DECISION_MISSING);
      // Root answers come from central, which decided them with the store's own facts; without a
      // case to check against, only the static decision can be re-checked here.
      else outcome = entity ? encodeOutcome(DECISION_MISSING) : RELEASED;
    }
    const decoded = decodeOutcome(outcome);
    if (decoded === RELEASED) return false;
    if (value !== null && value !== undefined) {
      const { code, rule } = decoded;
      const coordinate = info.coordinate;
      object[key] = null;
      incidents.push({ subgraph, coordinate, code, rule });
      errors.push({
        message: `Field "${coordinate}" (${category ?? 'UNDECLARED'}) is not released to you: ${code} by rule ${rule}.`,
        path: [...path, key],
        extensions: { code, rule, category: category ?? 'UNDECLARED', incident: 'SUBGRAPH_RETURNED_DENIED_FIELD' },
      });
    }
    return true;
  };
  // One walk context per kind of target, not one per entity of the answer.
  const contexts = new Map<boolean, WalkContext>();
  for (const target of targets) {
    let context = contexts.get(target.entity);
    if (!context) contexts.set(target.entity, (context = { metadata, fragments, variables: plan.context.variables, onField: check(target.entity) }));
    walkSelectionSet(context, target.selectionSet, target.parent, target.value, target.path, target.ref, plan);
  }
  if (incidents.length > 0) (response as { errors?: readonly GraphQLFormattedError[] }).errors = errors;
  return incidents;
}
