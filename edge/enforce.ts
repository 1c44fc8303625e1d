/**
 * The edge's enforcement of the gateway's signed decisions, in two steps around the forwarded call:
 *
 * 1. `prepareForward`: what every case of the request denies is removed from the document before
 *    it reaches the subgraph (its value is never read from the backend), and the edge adds the
 *    hidden selections it needs to judge the answer: `__typename` where the type is abstract, and
 *    the case reference of objects outside `_entities`.
 * 2. `enforceAnswer`: the answer is rebuilt from the client's own selection — never from the
 *    subgraph's keys — so nothing the document did not ask for passes, hidden selections included.
 *    Every categorised field is settled as the kit settles it (subgraphs/kit/access.ts): the case is
 *    the representation's at that index inside `_entities`, else the object's own `ref`/`caseRef`;
 *    released (`R`) passes, anything else becomes null with the kit's coded error (or plain null,
 *    when the gateway asked for quiet denials and the field is nullable); a field of no case passes
 *    only when it is null. A denied non-null field nulls its nearest nullable parent, as GraphQL
 *    execution would. Subgraph errors pass with their code under a fixed message; others are masked.
 */
import type {
  GraphQLError} from 'graphql';
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  print,
  specifiedRules,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLFormattedError,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  parse,
  valueFromASTUntyped,
} from 'graphql';
import { caseRefIn, DATA_CATEGORIES, isCaseRef, signedOutcome, type DataCategory, type SubgraphContext } from '../contract/index.js';
import { categoryOf, isRootType, type EdgeSchema } from './schema.js';

/** `R`, or the denial code and rule. */
export type Outcome = 'R' | { code: string; rule: string };

/** The kit's outcome for a case the decisions do not name, and for a value of no case. */
export const DECISION_MISSING = { code: 'NO_RELATIONSHIP', rule: 'decision.missing' } as const;
export const CASE_UNKNOWN = { code: 'NO_RELATIONSHIP', rule: 'case.unknown' } as const;

/** Prefix of the edge's hidden selections; a document using it is refused (it would read them). */
export const HIDDEN_PREFIX = '__continuumEdge';
const TYPENAME = `${HIDDEN_PREFIX}Type`;
const refAlias = (type: GraphQLObjectType) => `${HIDDEN_PREFIX}Ref_${type.name}`;

/** The signed outcome of one category of one case (the contract's codec); a case the claim does not name is denied. */
export function outcomeFor(caller: SubgraphContext, ref: string, category: DataCategory): Outcome {
  return signedOutcome(caller.decisions, ref, category) ?? DECISION_MISSING;
}

export function deniedFieldError(coordinate: string, category: DataCategory, outcome: Exclude<Outcome, 'R'>, path: readonly (string | number)[]): GraphQLFormattedError {
  return {
    message: `Field "${coordinate}" (${category}) is not released to you: ${outcome.code} by rule ${outcome.rule}.`,
    path: [...path],
    extensions: { code: outcome.code, rule: outcome.rule, category },
  };
}

/** A document the edge will not forward, with the errors to answer (HTTP 400). */
export class RefusedDocument extends Error {
  constructor(readonly errors: GraphQLFormattedError[]) {
    super('refused document');
  }
}

/** A document parsed and validated against the subgraph's schema, once per distinct text. */
interface Checked {
  document: DocumentNode;
  fragments: Record<string, FragmentDefinitionNode>;
}

const MAX_CACHED = 1000;

export interface Operation {
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  rootType: GraphQLObjectType;
}

export interface Forward {
  /** The document to send to the subgraph. */
  query: string;
  operation: Operation;
}

/** The edge's per-schema state: parsed documents and forwarded texts, bounded. */
export class Enforcer {
  private readonly checked = new Map<string, Checked>();
  private readonly forwarded = new Map<string, string>();

  constructor(readonly edge: EdgeSchema) {}

  private check(query: string): Checked {
    let checked = this.checked.get(query);
    if (checked) return checked;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: 50_000 });
    } catch (error) {
      throw new RefusedDocument([{ message: (error as GraphQLError).message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }]);
    }
    const errors = validate(this.edge.schema, document, specifiedRules, { maxErrors: 20 });
    if (errors.length > 0) throw new RefusedDocument(errors.map((e) => ({ message: e.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })));
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    checked = { document, fragments };
    if (this.checked.size >= MAX_CACHED) this.checked.clear();
    this.checked.set(query, checked);
    return checked;
  }

  operationOf(query: string, operationName: string | undefined): Operation {
    const { document, fragments } = this.check(query);
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
    if (!operation) {
      const message = operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.';
      throw new RefusedDocument([{ message, extensions: { code: 'BAD_USER_INPUT' } }]);
    }
    const rootType = operation.operation === 'mutation' ? this.edge.schema.getMutationType() : operation.operation === 'query' ? this.edge.schema.getQueryType() : null;
    if (!rootType) throw new RefusedDocument([{ message: `This subgraph does not serve ${operation.operation} operations.`, extensions: { code: 'BAD_USER_INPUT' } }]);
    // The hub reads a subgraph's schema with `_service { sdl }`; introspection through the edge would
    // pass on whatever the subgraph answered, unchecked.
    if (operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type'))) {
      throw new RefusedDocument([{ message: 'Introspection is not served through the Continuum edge; the schema is `_service { sdl }`.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
    }
    return { operation, fragments, rootType };
  }

  /**
   * The categories every case of this request denies: for `_entities`, every representation's
   * case; elsewhere every case the decisions name — and any other case is denied as not named.
   */
  deniedForAll(caller: SubgraphContext, operation: Operation, variables: Record<string, unknown>): Set<DataCategory> {
    const representations = representationsOf(operation, variables);
    const refs = representations
      ? representations.map(caseRefIn).filter((ref): ref is string => ref !== null)
      : Object.keys(caller.decisions?.cases ?? {});
    const denied = new Set<DataCategory>();
    for (const category of new Set(this.edge.categories.values())) {
      if (category === 'NOT_PERSONAL') continue;
      if (refs.every((ref) => outcomeFor(caller, ref, category) !== 'R')) denied.add(category);
    }
    return denied;
  }

  /** The document to forward: denied-for-all fields removed, hidden selections added. Cached per (text, denied set). */
  prepareForward(query: string, operation: Operation, denied: ReadonlySet<DataCategory>): string {
    const key = `${[...denied].sort().join(',')}\u0000${operation.operation.name?.value ?? ''}\u0000${query}`;
    let forwarded = this.forwarded.get(key);
    if (forwarded !== undefined) return forwarded;
    const transform = new Transform(this.edge, operation.fragments, denied);
    const selectionSet = transform.rootSelectionSet(operation.operation.selectionSet, operation.rootType);
    const definition: OperationDefinitionNode = { ...operation.operation, selectionSet };
    forwarded = print({ kind: Kind.DOCUMENT, definitions: [definition] });
    if (this.forwarded.size >= MAX_CACHED) this.forwarded.clear();
    this.forwarded.set(key, forwarded);
    return forwarded;
  }

  /** The answer as it may leave: rebuilt from the client's selection, every decision applied. */
  enforceAnswer(
    caller: SubgraphContext,
    operation: Operation,
    variables: Record<string, unknown>,
    answer: { data?: unknown; errors?: unknown },
  ): { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] } {
    const walk = new Walk(this.edge, caller, operation, variables);
    const errors = sanitisedErrors(answer.errors);
    let data: Record<string, unknown> | null | undefined;
    if (answer.data === null || answer.data === undefined) data = answer.data as null | undefined;
    else {
      const result = walk.root(answer.data);
      data = result === BUBBLE ? null : result;
    }
    errors.push(...walk.errors);
    return { ...(data !== undefined ? { data } : {}), ...(errors.length > 0 ? { errors } : {}) };
  }
}

/** The representations `_entities` is called with (a variable or a literal), or null for other operations. */
export function representationsOf(operation: Operation, variables: Record<string, unknown>): unknown[] | null {
  for (const selection of operation.operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value !== '_entities') continue;
    const argument = selection.arguments?.find((a) => a.name.value === 'representations');
    if (!argument) return [];
    const value = argument.value.kind === Kind.VARIABLE ? variables[argument.value.name.value] : valueFromASTUntyped(argument.value, variables);
    return Array.isArray(value) ? value : [];
  }
  return null;
}

/** What a subgraph error may say, by code: fixed words, so no value the subgraph put in a message leaves. */
const ANSWER_MESSAGES: Readonly<Record<string, string>> = {
  FORBIDDEN_FIELD: 'The subgraph withheld this field: FORBIDDEN_FIELD.',
  NO_RELATIONSHIP: 'The subgraph withheld this field: NO_RELATIONSHIP.',
  CONSENT_REQUIRED: 'The subgraph withheld this field: CONSENT_REQUIRED.',
  TRANSFER_BLOCKED: 'The subgraph withheld this field: TRANSFER_BLOCKED.',
  FIELDS_OMITTED: 'The subgraph omitted fields of this answer.',
  MAPPING_FAILED: 'The subgraph cannot represent a value it holds in the common schema.',
  BAD_USER_INPUT: 'The subgraph refused an argument of this request.',
};
const RULE = /^[a-z0-9][a-z0-9.-]{0,79}$/;
const CATEGORIES: ReadonlySet<string> = new Set(DATA_CATEGORIES);

/**
 * Subgraph errors as they may leave: an answer keeps its code, a rule and category of the
 * vocabulary's shape and its path, under a fixed message; anything else is masked as the kit masks it.
 */
function sanitisedErrors(errors: unknown): GraphQLFormattedError[] {
  if (!Array.isArray(errors)) return [];
  return errors.map((error: { path?: unknown; extensions?: { code?: unknown; rule?: unknown; category?: unknown } } | null) => {
    const path = Array.isArray(error?.path) && error.path.every((p) => typeof p === 'string' || typeof p === 'number') ? { path: error.path as (string | number)[] } : {};
    const code = error?.extensions?.code;
    if (typeof code === 'string' && Object.hasOwn(ANSWER_MESSAGES, code)) {
      const { rule, category } = error?.extensions ?? {};
      return {
        message: ANSWER_MESSAGES[code]!,
        ...path,
        extensions: { code, ...(typeof rule === 'string' && RULE.test(rule) ? { rule } : {}), ...(typeof category === 'string' && CATEGORIES.has(category) ? { category } : {}) },
      };
    }
    return { message: 'Unexpected error.', ...path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  });
}

function field(name: string, alias?: string): FieldNode {
  return { kind: Kind.FIELD, name: { kind: Kind.NAME, value: name }, ...(alias ? { alias: { kind: Kind.NAME, value: alias } } : {}) };
}

/** Rewrites the client's selection into the forwarded one (step 1). */
class Transform {
  constructor(
    private readonly edge: EdgeSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly denied: ReadonlySet<DataCategory>,
  ) {}

  rootSelectionSet(set: SelectionSetNode, root: GraphQLObjectType): SelectionSetNode {
    const selections = set.selections.map((selection) => {
      if (selection.kind === Kind.FIELD && selection.name.value === '_entities' && selection.selectionSet) {
        const type = getNamedType(root.getFields()._entities!.type) as GraphQLCompositeType;
        return { ...selection, selectionSet: this.selectionSet(selection.selectionSet, type, false) };
      }
      return this.selection(selection, root, true);
    });
    return { ...set, selections: selections.filter((s): s is SelectionNode => s !== null) };
  }

  /** `ownRefs`: objects outside `_entities` are attributed by their own case reference. */
  private selectionSet(set: SelectionSetNode, parent: GraphQLCompositeType, ownRefs: boolean): SelectionSetNode {
    const selections: SelectionNode[] = [];
    for (const selection of set.selections) {
      const kept = this.selection(selection, parent, ownRefs);
      if (kept) selections.push(kept);
    }
    if (isAbstractType(parent)) selections.push(field('__typename', TYPENAME));
    if (ownRefs) {
      const types = isAbstractType(parent) ? this.edge.schema.getPossibleTypes(parent) : isObjectType(parent) ? [parent] : [];
      for (const type of types) {
        const refField = ['ref', 'caseRef'].find((name) => {
          const candidate = type.getFields()[name];
          return candidate && isLeafType(getNamedType(candidate.type)) && candidate.args.length === 0;
        });
        if (!refField) continue;
        const hidden = field(refField, refAlias(type));
        selections.push(
          type === parent ? hidden : { kind: Kind.INLINE_FRAGMENT, typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type.name } }, selectionSet: { kind: Kind.SELECTION_SET, selections: [hidden] } },
        );
      }
    }
    if (selections.length === 0) selections.push(field('__typename', TYPENAME));
    return { ...set, selections };
  }

  private selection(selection: SelectionNode, parent: GraphQLCompositeType, ownRefs: boolean): SelectionNode | null {
    if (selection.kind === Kind.FIELD) {
      if (selection.alias?.value.startsWith(HIDDEN_PREFIX)) {
        throw new RefusedDocument([{ message: `Aliases starting with ${HIDDEN_PREFIX} are reserved by the Continuum edge.`, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
      }
      const name = selection.name.value;
      if (name.startsWith('__') || isRootTypeOf(this.edge, parent)) {
        return this.descend(selection, parent, ownRefs);
      }
      if (this.removable(parent, name)) return null;
      return this.descend(selection, parent, ownRefs);
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? (this.edge.schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : parent;
      return { ...selection, selectionSet: this.selectionSet(selection.selectionSet, type, ownRefs) };
    }
    // Named fragments are inlined: each spread is rewritten for the type it is spread into.
    const fragment = this.fragments[selection.name.value]!;
    const type = this.edge.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType;
    return {
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: fragment.typeCondition,
      ...(selection.directives ? { directives: selection.directives } : {}),
      selectionSet: this.selectionSet(fragment.selectionSet, type, ownRefs),
    };
  }

  private descend(selection: FieldNode, parent: GraphQLCompositeType, ownRefs: boolean): FieldNode {
    // Only object and interface types have fields with selections (a union selects __typename alone).
    if (!selection.selectionSet || !('getFields' in parent)) return selection;
    const definition = parent.getFields()[selection.name.value];
    if (!definition) return selection;
    const type = getNamedType(definition.type) as GraphQLCompositeType;
    return { ...selection, selectionSet: this.selectionSet(selection.selectionSet, type, ownRefs) };
  }

  /** Every category the field can have at run time (over the parent's possible types) is denied for every case. */
  private removable(parent: GraphQLCompositeType, name: string): boolean {
    const types = isAbstractType(parent) ? this.edge.schema.getPossibleTypes(parent) : isObjectType(parent) ? [parent] : [];
    if (types.length === 0) return false;
    return types.every((type) => {
      if (!type.getFields()[name]) return true;
      const category = categoryOf(this.edge, type, name);
      return category !== undefined && category !== 'NOT_PERSONAL' && this.denied.has(category);
    });
  }
}

function isRootTypeOf(edge: EdgeSchema, type: GraphQLCompositeType): boolean {
  return isObjectType(type) && isRootType(edge.schema, type);
}

/** Marks a null that a non-null position cannot hold: the nearest nullable parent becomes null. */
const BUBBLE = Symbol('bubble');
type Walked = unknown | typeof BUBBLE;

/** Rebuilds one answer (step 2). */
class Walk {
  readonly errors: GraphQLFormattedError[] = [];
  private readonly quiet: boolean;

  constructor(
    private readonly edge: EdgeSchema,
    private readonly caller: SubgraphContext,
    private readonly operation: Operation,
    private readonly variables: Record<string, unknown>,
  ) {
    this.quiet = caller.quietDenials === true;
  }

  root(data: unknown): Record<string, unknown> | typeof BUBBLE {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return BUBBLE;
    const values = data as Record<string, unknown>;
    const root = this.operation.rootType;
    const out: Record<string, unknown> = {};
    for (const [key, nodes] of this.collect(root, [this.operation.operation.selectionSet])) {
      const name = nodes[0]!.name.value;
      if (name === '__typename') {
        out[key] = root.name;
        continue;
      }
      const definition = root.getFields()[name];
      if (!definition) return BUBBLE;
      let value: Walked;
      if (name === '_entities') {
        value = this.entities(values[key], definition.type, nodes, [key]);
      } else {
        value = this.value(values[key], definition.type, nodes, { own: true }, [key]);
      }
      if (value === BUBBLE) return BUBBLE;
      out[key] = value;
    }
    return out;
  }

  /** `_entities`: entity i belongs to representation i's case, at every depth. */
  private entities(raw: unknown, type: GraphQLOutputType, nodes: FieldNode[], path: (string | number)[]): Walked {
    const list = isNonNullType(type) ? type.ofType : type;
    if (!Array.isArray(raw) || !isListType(list)) return isNonNullType(type) ? BUBBLE : null;
    const representations = representationsOf(this.operation, this.variables) ?? [];
    const items: unknown[] = [];
    for (let i = 0; i < raw.length; i++) {
      if (i >= representations.length) break;
      const item = this.value(raw[i], list.ofType, nodes, { ref: caseRefIn(representations[i]) }, [...path, i]);
      if (item === BUBBLE) return isNonNullType(type) ? BUBBLE : null;
      items.push(item);
    }
    return items;
  }

  /** `attribution`: a fixed case (inside `_entities`), or `own` (each object's own reference). */
  private value(raw: unknown, type: GraphQLOutputType, nodes: FieldNode[], attribution: { ref: string | null } | { own: true }, path: (string | number)[]): Walked {
    if (isNonNullType(type)) {
      const inner = this.value(raw, type.ofType, nodes, attribution, path);
      return inner === null || inner === BUBBLE ? BUBBLE : inner;
    }
    if (raw === null || raw === undefined) return null;
    if (isListType(type)) {
      if (!Array.isArray(raw)) return null;
      const items: unknown[] = [];
      for (let i = 0; i < raw.length; i++) {
        const item = this.value(raw[i], type.ofType, nodes, attribution, [...path, i]);
        if (item === BUBBLE) return null;
        items.push(item);
      }
      return items;
    }
    if (isLeafType(type)) return typeof raw === 'object' ? null : raw;
    if (!isCompositeType(type) || typeof raw !== 'object' || Array.isArray(raw)) return null;
    // A nullable position takes the null a non-null field inside it could not hold.
    const object = this.object(raw as Record<string, unknown>, type, nodes, attribution, path);
    return object === BUBBLE ? null : object;
  }

  private object(raw: Record<string, unknown>, type: GraphQLCompositeType, nodes: FieldNode[], attribution: { ref: string | null } | { own: true }, path: (string | number)[]): Walked {
    let runtime: GraphQLObjectType | undefined;
    if (isObjectType(type)) runtime = type;
    else {
      const named = raw[TYPENAME];
      const candidate = typeof named === 'string' ? this.edge.schema.getType(named) : undefined;
      if (isObjectType(candidate) && this.edge.schema.isSubType(type, candidate)) runtime = candidate;
    }
    // An object of no type the schema allows here is not passed on at all.
    if (!runtime) return null;
    const ref = 'ref' in attribution ? attribution.ref : isCaseRef(raw[refAlias(runtime)]) ? (raw[refAlias(runtime)] as string) : null;
    const out: Record<string, unknown> = {};
    const sets = nodes.map((node) => node.selectionSet).filter((s): s is SelectionSetNode => s !== undefined);
    for (const [key, fieldNodes] of this.collect(runtime, sets)) {
      const name = fieldNodes[0]!.name.value;
      if (name === '__typename') {
        out[key] = runtime.name;
        continue;
      }
      const definition = runtime.getFields()[name];
      if (!definition) return null;
      const category = categoryOf(this.edge, runtime, name);
      const fieldValue = raw[key];
      const fieldPath = [...path, key];
      if (category && category !== 'NOT_PERSONAL' && !isRootType(this.edge.schema, runtime)) {
        // Of no case, only a null passes; an absent value (removed before forwarding) is withheld.
        const outcome: Outcome = ref === null ? (fieldValue === null ? 'R' : CASE_UNKNOWN) : outcomeFor(this.caller, ref, category);
        if (outcome !== 'R') {
          const coordinate = `${runtime.name}.${name}`;
          if (isNonNullType(definition.type)) {
            this.errors.push(deniedFieldError(coordinate, category, outcome, fieldPath));
            return BUBBLE;
          }
          if (!this.quiet || ref === null) this.errors.push(deniedFieldError(coordinate, category, outcome, fieldPath));
          out[key] = null;
          continue;
        }
      }
      const next = 'ref' in attribution ? attribution : { own: true as const };
      const walked = this.value(fieldValue, definition.type, fieldNodes, next, fieldPath);
      if (walked === BUBBLE) return BUBBLE;
      out[key] = walked;
    }
    return out;
  }

  /** Collected fields per (selection set, type) of this request: every item of a list selects the same. */
  private readonly collected = new WeakMap<SelectionSetNode, Map<GraphQLObjectType, Map<string, FieldNode[]>>>();

  /** The fields selected on `type` by response key, as execution collects them (fragments, @skip/@include). */
  private collect(type: GraphQLObjectType, sets: readonly SelectionSetNode[]): Map<string, FieldNode[]> {
    if (sets.length !== 1) return this.collectNow(type, sets);
    let byType = this.collected.get(sets[0]!);
    if (!byType) this.collected.set(sets[0]!, (byType = new Map()));
    let fields = byType.get(type);
    if (!fields) byType.set(type, (fields = this.collectNow(type, sets)));
    return fields;
  }

  private collectNow(type: GraphQLObjectType, sets: readonly SelectionSetNode[]): Map<string, FieldNode[]> {
    const fields = new Map<string, FieldNode[]>();
    const visit = (set: SelectionSetNode) => {
      for (const selection of set.selections) {
        if (!this.included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const list = fields.get(key);
          if (list) list.push(selection);
          else fields.set(key, [selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (this.applies(selection.typeCondition?.name.value, type)) visit(selection.selectionSet);
        } else {
          const fragment = this.operation.fragments[selection.name.value];
          if (fragment && this.applies(fragment.typeCondition.name.value, type)) visit(fragment.selectionSet);
        }
      }
    };
    for (const set of sets) visit(set);
    return fields;
  }

  private applies(condition: string | undefined, type: GraphQLObjectType): boolean {
    if (condition === undefined || condition === type.name) return true;
    const conditional = this.edge.schema.getType(condition);
    return conditional !== undefined && isAbstractType(conditional) && this.edge.schema.isSubType(conditional, type);
  }

  private included(selection: SelectionNode): boolean {
    for (const directive of selection.directives ?? []) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') continue;
      const argument = directive.arguments?.find((a) => a.name.value === 'if');
      const value = argument ? valueFromASTUntyped(argument.value, this.variables) : undefined;
      if (name === 'skip' && value === true) return false;
      if (name === 'include' && value !== true) return false;
    }
    return true;
  }
}
