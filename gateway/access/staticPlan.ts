/**
 * Pre-planning removal. Before Apollo Gateway plans a query, every field whose category the
 * caller's role and purpose can never obtain is cut out of the document, so the subgraph that
 * holds it is not even asked. The result is cached per (operation, roles, purpose): a repeated
 * operation is decided once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { isAbstractType, Kind, print, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLCompositeType, type SelectionSetNode } from 'graphql';
import { decideStatically, type DenialCode, type Requester } from '../../auth/decide.js';
import type { Policy } from '../../auth/policy.js';
import type { DataCategory } from '../../contract/index.js';
import type { AccessMetadata } from './metadata.js';

export interface StaticDenial {
  code: DenialCode;
  rule: string;
  category: DataCategory | 'UNDECLARED';
}

export interface StaticPlan {
  /** The document to plan: the original when nothing was removed. */
  document: DocumentNode;
  /** sha256 of the rewritten document; null when nothing was removed. */
  queryHash: string | null;
  /** Removed fields by `Type.field` (the static parent type where they were selected). */
  removed: ReadonlyMap<string, StaticDenial>;
  /** The operation asks for `__schema` or `__type`. */
  introspection: boolean;
}

/**
 * The gateway's own selections share the response with the client's, so their names must be ones
 * a client can neither produce nor guess: every name a client writes that begins with `__` is
 * refused in validation (ReservedNamesRule.ts), and these carry a random part drawn once per
 * process on top. The client's namespace and the gateway's are disjoint by construction.
 */
export const HELPER_PREFIX = `__continuum${randomBytes(6).toString('hex')}`;
/** Stands in for a selection set whose every field was removed (a selection set cannot be empty). */
export const PLACEHOLDER_KEY = `${HELPER_PREFIX}_removed`;
/**
 * Selected on every object that has a case reference, so the gateway can attribute every field of
 * the response to its case (for the audit record and the re-check) even when the client did not
 * ask for the reference. The only key the walks read a case from. Removed before the response leaves.
 */
export const REF_KEY = `${HELPER_PREFIX}_ref`;
/**
 * Selected on abstract types, so the gateway knows which fragments applied to each object (and
 * errors name the object's own type). Not on an interface some subgraph sees as an
 * `@interfaceObject` unless a fragment needs it: there, asking the runtime type makes Apollo's
 * planner go to a subgraph that can name it, and for a non-resolvable interface object none can —
 * bare Apollo Gateway answers such a query only while nobody asks for the `__typename`.
 */
export const TYPE_KEY = `${HELPER_PREFIX}_type`;
const TYPENAME: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: TYPE_KEY }, name: { kind: Kind.NAME, value: '__typename' } };

function refField(fieldName: 'ref' | 'caseRef'): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: REF_KEY }, name: { kind: Kind.NAME, value: fieldName } };
}
const PLACEHOLDER: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: PLACEHOLDER_KEY },
  name: { kind: Kind.NAME, value: '__typename' },
};

/**
 * Whether some fragment directly in `selectionSet` applies to some objects of `parent` and not to
 * others — then the walks need each object's runtime type to collect its fields.
 */
function dependsOnRuntimeType(metadata: AccessMetadata, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, fragments: ReadonlyMap<string, FragmentDefinitionNode>): boolean {
  for (const selection of selectionSet.selections) {
    const condition =
      selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition?.name.value : selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value)?.typeCondition.name.value : undefined;
    if (condition !== undefined && !metadata.conditionHoldsStatically(condition, parent)) return true;
  }
  return false;
}

export function planStatically(metadata: AccessMetadata, policy: Policy, requester: Requester, document: DocumentNode): StaticPlan {
  const typeInfo = new TypeInfo(metadata.apiSchema);
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const removed = new Map<string, StaticDenial>();
  let introspection = false;
  const rewritten = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          const parent = typeInfo.getParentType();
          const name = node.name.value;
          if (!parent || name === '__typename') return undefined;
          if (name === '__schema' || name === '__type') {
            introspection = true;
            return undefined;
          }
          // Introspection types describe the schema, not people: who may introspect is decided above.
          if (parent.name.startsWith('__')) return undefined;
          // Root fields carry no category; what they return does, and is decided field by field.
          if (metadata.isRootType(parent.name)) return undefined;
          const category = metadata.categoryOf(parent, name);
          const decision = decideStatically(policy, requester, category);
          if (!('grants' in decision) && !decision.released) {
            removed.set(`${parent.name}.${name}`, { code: decision.code, rule: decision.rule, category: category ?? 'UNDECLARED' });
            return null;
          }
          // A field computed from an input the caller can never obtain (`@requires`) is that input
          // in another form: it goes too, with the input's denial, and the input is never fetched.
          for (const input of metadata.fieldOf(parent, name).inputs) {
            const inputDecision = decideStatically(policy, requester, input.category);
            if ('grants' in inputDecision || inputDecision.released) continue;
            removed.set(`${parent.name}.${name}`, { code: inputDecision.code, rule: inputDecision.rule, category: input.category ?? 'UNDECLARED' });
            return null;
          }
          return undefined;
        },
      },
      SelectionSet: {
        leave(node: SelectionSetNode) {
          const selections = node.selections.length === 0 ? [PLACEHOLDER] : [...node.selections];
          const parent = typeInfo.getParentType();
          if (parent?.name.startsWith('__')) return node.selections.length === 0 ? { ...node, selections } : undefined;
          const fields = parent && 'getFields' in parent ? parent.getFields() : undefined;
          const refName = fields?.ref && String(fields.ref.type).startsWith('CaseRef') ? 'ref' : fields?.caseRef && String(fields.caseRef.type).startsWith('CaseRef') ? 'caseRef' : null;
          if (refName && !metadata.isRootType(parent!.name)) selections.push(refField(refName));
          if (parent && isAbstractType(parent) && (!metadata.isInterfaceObject(parent) || dependsOnRuntimeType(metadata, node, parent, fragments))) selections.push(TYPENAME);
          return selections.length === node.selections.length && node.selections.length > 0 ? undefined : { ...node, selections };
        },
      },
    }),
  );
  if (rewritten === document) return { document, queryHash: null, removed, introspection };
  return { document: rewritten, queryHash: createHash('sha256').update(print(rewritten)).digest('hex'), removed, introspection };
}

/** A small LRU of static plans; the key already includes roles and purpose. */
export class StaticPlanCache {
  private readonly plans = new Map<string, StaticPlan>();
  constructor(private readonly capacity = 2000) {}

  get(key: string, compute: () => StaticPlan): StaticPlan {
    const hit = this.plans.get(key);
    if (hit) {
      this.plans.delete(key);
      this.plans.set(key, hit);
      return hit;
    }
    const plan = compute();
    this.plans.set(key, plan);
    if (this.plans.size > this.capacity) this.plans.delete(this.plans.keys().next().value as string);
    return plan;
  }

  clear(): void {
    this.plans.clear();
  }
}
