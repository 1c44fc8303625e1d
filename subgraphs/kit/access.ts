/**
 * Subgraph-side enforcement. Every field a subgraph serves has a data category (the lint sees to
 * that); before a categorised field resolves, the kit asks the request's decisions whether that
 * category of that case is released. A denied field resolves to an error carrying the code and
 * rule, its value is never read from the backend, and the rest of the response stands.
 *
 * The decisions come from the context the gateway signed (per case, per category). A subgraph
 * that can decide itself (the central case index holds the facts) may supply a local decider for
 * cases the gateway could not know in advance, e.g. the results of a root query.
 */
import { defaultFieldResolver, GraphQLError, isNonNullType, isObjectType, Kind, valueFromASTUntyped, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { CASE_INDEPENDENT_KEY, caseRefIn, DECISION_MISSING, declaredCategories, signedOutcome, type DataCategory, type FieldOutcome, type SubgraphContext } from '@continuum/contract';

export type { FieldOutcome };

/**
 * Decides what the gateway did not sign (optional; central uses it for its root queries). Gets
 * the whole request context, so it can use the request's own loaders.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LocalDecider = (context: any, ref: string | null, category: DataCategory) => FieldOutcome | Promise<FieldOutcome>;

export interface AccessContext {
  caller: SubgraphContext;
}

/**
 * `Type.field` → category, read from the subgraph's own SDL by the contract's one reader. Every
 * declared name counts, even one outside the vocabulary: no decision holds it, so it is denied.
 */
export function fieldCategories(sdl: string): Map<string, DataCategory> {
  return declaredCategories(sdl) as Map<string, DataCategory>;
}

/**
 * The last answer, by the field's parent path and source: graphql-js resolves an object's fields
 * one after another with one parent path object (`info.path.prev`) made for that object in that
 * execution, so a field with the same parent path and source as the one before belongs to the
 * same case, and the path walk and the reference check are done once per object, not per field.
 */
let lastParent: object | undefined;
let lastSource: unknown;
let lastRef: string | null = null;

/**
 * The case a field belongs to: for entity fetches, the representation the gateway sent at that
 * index; otherwise the nearest object on the way that carries a case reference (`ref`/`caseRef`).
 */
export function caseRefOf(source: unknown, info: GraphQLResolveInfo): string | null {
  const parent = info.path.prev;
  if (parent !== undefined && parent === lastParent && source === lastSource) return lastRef;
  const ref = findCaseRef(source, info);
  lastParent = parent;
  lastSource = source;
  lastRef = ref;
  return ref;
}

function findCaseRef(source: unknown, info: GraphQLResolveInfo): string | null {
  let root = info.path;
  while (root.prev) root = root.prev;
  if (root.key === '_entities') {
    let at = info.path;
    while (at.prev && at.prev.prev) at = at.prev;
    const representations = representationsOf(info);
    if (representations && typeof at.key === 'number') {
      return caseRefIn(representations[at.key]);
    }
    return null;
  }
  return caseRefIn(source);
}

/** Where `_entities` takes its representations from in this operation (a variable or a literal). */
const representationSource = new WeakMap<object, { variable: string } | { literal: unknown[] } | null>();

function representationsOf(info: GraphQLResolveInfo): unknown[] | null {
  let source = representationSource.get(info.operation);
  if (source === undefined) {
    source = null;
    for (const selection of info.operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || selection.name.value !== '_entities') continue;
      const argument = selection.arguments?.find((a) => a.name.value === 'representations');
      if (argument?.value.kind === Kind.VARIABLE) source = { variable: argument.value.name.value };
      else if (argument) source = { literal: valueFromASTUntyped(argument.value) as unknown[] };
    }
    representationSource.set(info.operation, source);
  }
  if (source === null) return null;
  const value = 'variable' in source ? info.variableValues[source.variable] : source.literal;
  return Array.isArray(value) ? value : null;
}

const MISSING = DECISION_MISSING;

export { CASE_INDEPENDENT_KEY };

/**
 * Whether the gateway signed STATISTICS for this request: a contribution's root resolver asks
 * before it reads its backend, so a request that may not have the values never reads them.
 */
export function statisticsSigned(caller: SubgraphContext): boolean {
  return signedOutcome(caller.decisions, CASE_INDEPENDENT_KEY, 'STATISTICS') === 'R';
}
const NO_CASE = { code: 'NO_RELATIONSHIP', rule: 'case.unknown' } as const;
/** What the gateway answers for a field without a category (auth/decide.ts): denied, always. */
const UNDECLARED = { code: 'FORBIDDEN_FIELD', rule: 'category.undeclared' } as const;

/** Object types whose fields carry no category: the roots (decided where they answer) and federation's `_Service`. */
const UNCATEGORISED_TYPES: ReadonlySet<string> = new Set(['Query', 'Mutation', 'Subscription', '_Service']);

export function deniedFieldError(coordinate: string, category: DataCategory | 'UNDECLARED', outcome: Exclude<FieldOutcome, 'R'>): GraphQLError {
  return new GraphQLError(`Field "${coordinate}" (${category}) is not released to you: ${outcome.code} by rule ${outcome.rule}.`, {
    extensions: { code: outcome.code, rule: outcome.rule, category },
  });
}

/**
 * Wraps every categorised field resolver of the schema, in place. NOT_PERSONAL fields and the
 * federation fields stay untouched; a field that declares no category is denied, whatever the
 * decisions say (deny by default, as the gateway does), and never resolved.
 */
export function enforceDecisions(schema: GraphQLSchema, categories: ReadonlyMap<string, DataCategory>, localDecider?: LocalDecider): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || UNCATEGORISED_TYPES.has(type.name)) continue;
    const interfaces = type.getInterfaces();
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const category = categories.get(coordinate) ?? interfaces.map((i) => categories.get(`${i.name}.${field.name}`)).find(Boolean);
      if (!category) {
        field.resolve = () => deniedFieldError(coordinate, 'UNDECLARED', UNDECLARED);
        continue;
      }
      if (category === 'NOT_PERSONAL') continue;
      const resolve: GraphQLFieldResolver<unknown, AccessContext> = field.resolve ?? defaultFieldResolver;
      // A nullable field denied on a gateway that answers denials itself is just null; a non-null
      // one needs its error, to explain the null its parent inherits.
      const nullable = !isNonNullType(field.type);
      // Called once per categorised field of every response: no closures are made per call.
      const settle = (decided: FieldOutcome, source: unknown, args: Record<string, unknown>, context: AccessContext, info: GraphQLResolveInfo): unknown =>
        decided === 'R' ? resolve(source, args, context, info) : nullable && context.caller.quietDenials ? null : deniedFieldError(coordinate, category, decided);
      const settleCaseIndependent = (decided: FieldOutcome, source: unknown, args: Record<string, unknown>, context: AccessContext, info: GraphQLResolveInfo): unknown =>
        decided === 'R' ? resolve(source, args, context, info) : deniedFieldError(coordinate, category, decided);
      const absentOnly = (value: unknown): unknown => (value === null || value === undefined ? value : deniedFieldError(coordinate, category, NO_CASE));
      field.resolve = (source, args, context, info) => {
        const ref = caseRefOf(source, info);
        if (ref === null && localDecider && (category === 'AUDIT' || category === 'STATISTICS')) {
          // Audit records and aggregates are not about one case: the subgraph decides them itself.
          const outcome = localDecider(context, null, category);
          return outcome instanceof Promise ? outcome.then((decided) => settleCaseIndependent(decided, source, args, context, info)) : settleCaseIndependent(outcome, source, args, context, info);
        }
        if (ref === null && category === 'STATISTICS') {
          // A statistics contribution: released only when the gateway signed it for this request.
          return settleCaseIndependent(signedOutcome(context.caller.decisions, CASE_INDEPENDENT_KEY, category) ?? MISSING, source, args, context, info);
        }
        if (ref === null) {
          // No case to decide for: only an absent value (e.g. the end cursor of an empty page) may pass.
          const value = resolve(source, args, context, info);
          return value instanceof Promise ? value.then(absentOnly) : absentOnly(value);
        }
        const outcome = signedOutcome(context.caller.decisions, ref, category) ?? (localDecider ? localDecider(context, ref, category) : MISSING);
        return outcome instanceof Promise ? outcome.then((decided) => settle(decided, source, args, context, info)) : settle(outcome, source, args, context, info);
      };
    }
  }
}
