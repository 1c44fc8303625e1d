/**
 * Measuring an operation's expansion in time proportional to its document
 *
 * A fragment that spreads the one before it twice, forty times over, is a kilobyte of query that
 * expands to 2^40 fields (a "fragment bomb"). The limits must count the expansion — it is what
 * the hub and the subgraphs would do the work for — but must never walk it. `measure` folds an
 * operation bottom-up: a fragment's value is computed once, from its own selections, and reused
 * at every spread, so the walk visits each selection of the document at most once however often
 * its fragment is spread. A fragment's value does not depend on where it is spread (its
 * selections are read against its own type condition), which is what makes the memo sound.
 *
 * The walk is iterative (an explicit stack): neither deep nesting nor a long chain of fragments
 * can exhaust the call stack. A spread of a fragment whose value is still being computed — a
 * cycle, which graphql-js's `NoFragmentCyclesRule` refuses — counts as empty, so the fold ends in
 * whatever order the validation rules run.
 *
 * Counts saturate at `SATURATED` (2^53 − 1) instead of growing into `Infinity` (and `0 × Infinity`
 * into `NaN`, which compares as under every limit).
 */
import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/** The largest count kept exactly; anything larger is "at least this much". */
export const SATURATED = Number.MAX_SAFE_INTEGER;

/** `n`, kept within [0, SATURATED]; NaN counts as saturated (deny by default). */
export function saturate(n: number): number {
  if (!(n <= SATURATED)) return SATURATED;
  return n < 0 ? 0 : n;
}

/** How one limit values a selection set. */
export interface Fold<T> {
  /** The value of an empty selection set. */
  readonly empty: T;
  /** Sibling selections (and what a fragment brings into its parent's selection set). */
  combine(a: T, b: T): T;
  /** A field of `parent`, given the value of its own selection set (`empty` for a leaf). */
  field(node: FieldNode, definition: GraphQLField<unknown, unknown> | undefined, parent: GraphQLCompositeType | undefined, below: T): T;
}

export interface Measured<T> {
  value: T;
  /** Selections visited: never more than the document holds, whatever its expansion. */
  work: number;
}

/** The fragments of one document by name, and each fragment's value once computed. */
export interface FragmentScope<T> {
  fragment(name: string): FragmentDefinitionNode | null | undefined;
  /** Shared by every operation measured in the same document. */
  readonly values: Map<string, T>;
}

interface Frame<T> {
  readonly selections: readonly SelectionNode[];
  readonly type: GraphQLCompositeType | undefined;
  next: number;
  value: T;
  /** The field this is the selection set of. */
  readonly field?: { node: FieldNode; definition: GraphQLField<unknown, unknown> | undefined; parent: GraphQLCompositeType | undefined };
  /** The fragment this is the selection set of. */
  readonly fragment?: string;
}

/** The definition `name` has on `parent`, meta-fields included (as graphql-js's `getFieldDef`). */
function fieldDefinition(schema: GraphQLSchema, parent: GraphQLCompositeType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (!parent) return undefined;
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

function compositeType(schema: GraphQLSchema, name: string): GraphQLCompositeType | undefined {
  const type = schema.getType(name);
  return type && isCompositeType(type) ? type : undefined;
}

/** Folds `selectionSet` (read as `type`) and everything it spreads, each fragment once. */
export function measure<T>(schema: GraphQLSchema, scope: FragmentScope<T>, selectionSet: SelectionSetNode, type: GraphQLCompositeType | undefined, fold: Fold<T>): Measured<T> {
  const stack: Frame<T>[] = [{ selections: selectionSet.selections, type, next: 0, value: fold.empty }];
  const open = new Set<string>();
  let work = 0;
  let result = fold.empty;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const selection = frame.selections[frame.next];
    if (selection) {
      frame.next += 1;
      work += 1;
      if (selection.kind === Kind.FIELD) {
        const definition = fieldDefinition(schema, frame.type, selection.name.value);
        if (selection.selectionSet) {
          const named = definition ? getNamedType(definition.type) : undefined;
          const below = named && isCompositeType(named) ? named : undefined;
          stack.push({ selections: selection.selectionSet.selections, type: below, next: 0, value: fold.empty, field: { node: selection, definition, parent: frame.type } });
        } else {
          frame.value = fold.combine(frame.value, fold.field(selection, definition, frame.type, fold.empty));
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const scoped = selection.typeCondition ? compositeType(schema, selection.typeCondition.name.value) : frame.type;
        stack.push({ selections: selection.selectionSet.selections, type: scoped, next: 0, value: fold.empty });
      } else {
        const name = selection.name.value;
        if (scope.values.has(name)) {
          frame.value = fold.combine(frame.value, scope.values.get(name)!);
          continue;
        }
        const fragment = scope.fragment(name);
        // Unknown: KnownFragmentNamesRule reports it. Open: a cycle, NoFragmentCyclesRule's to report.
        if (!fragment || open.has(name)) continue;
        open.add(name);
        stack.push({ selections: fragment.selectionSet.selections, type: compositeType(schema, fragment.typeCondition.name.value), next: 0, value: fold.empty, fragment: name });
      }
      continue;
    }
    stack.pop();
    const value = frame.field ? fold.field(frame.field.node, frame.field.definition, frame.field.parent, frame.value) : frame.value;
    if (frame.fragment !== undefined) {
      scope.values.set(frame.fragment, value);
      open.delete(frame.fragment);
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.value = fold.combine(parent.value, value);
    else result = value;
  }
  return { value: result, work };
}

/** A fresh scope over a validation context's (or any document's) fragments. */
export function fragmentScope<T>(fragment: (name: string) => FragmentDefinitionNode | null | undefined): FragmentScope<T> {
  return { fragment, values: new Map() };
}
