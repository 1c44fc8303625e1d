/**
 * Result shaping, compiled per request instead of interpreted per object
 *
 * After a query plan's fetches, Apollo Gateway 2.14 makes the response by copying the merged
 * subgraph data into a new tree along the client's operation (`computeResponse`, @apollo/gateway
 * `dist/resultShaping.js`): response names (aliases), type conditions, `@skip`/`@include`,
 * `__typename`, a check of every leaf value against its type, and null propagation through
 * non-null fields. It interprets the operation afresh for every object of the response: two
 * directive look-ups per selection per object, the field's type unwrapped again, a result object
 * per value, and every object it makes is `Object.create(null)`, which V8 keeps in dictionary
 * mode — slower for everything that reads the response afterwards (the final enforcement walk,
 * the response hash, the HTTP body: a dictionary-mode object serialises at about half the speed).
 * On a page of fifty cases it was 14 % of bare Apollo Gateway's own main thread
 * (docs/BENCHMARKS.md, "Where bare Apollo Gateway itself spends").
 *
 * `shapeResponse` computes the same response — the same data in the same key order, the same
 * errors with the same messages and paths — from the same arguments, but:
 * - what depends only on the operation and the request is decided once per selection, when the
 *   selection set is first reached: whether `@skip`/`@include` leave it out, its response name,
 *   the field's type unwrapped into a small shape, whether the name is also a property of
 *   `Object.prototype` (read and written as an own property only);
 * - objects are plain objects filled in selection order, so the objects one selection set makes
 *   share a hidden class and stay in V8's fast mode;
 * - values are returned, not wrapped: the two flags Apollo returns beside each value live on the
 *   request's shaping state.
 *
 * Selection sets are compiled lazily and once per request (a named fragment's selection set is
 * one object however often it is spread), so compiling costs the document's size. The walk over
 * the data is Apollo's, selection by selection: it visits what Apollo visits, in the same order,
 * which is what makes errors and their order the same. Malformed subgraph data Apollo refuses with
 * an assertion (a list where an object belongs, a non-string `__typename`) is refused here with a
 * `ShapingError`, whose message names schema types only: never the value (it may be personal data)
 * nor a response path or variable (aliases and variable names are the client's words, and the
 * message of an unexpected error reaches the operator's log).
 *
 * Equivalence is tested against Apollo's own function: tests/shaping/shapeResponse.test.ts (cases
 * by hand) and shapeResponse.property.test.ts (generated operations and data), and every response
 * of the test suite is shaped both ways and compared (tests/setup/shaping.ts).
 */
import {
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  isValidLeafValue,
  typenameFieldName,
  Variable,
  type CompositeType,
  type Directive,
  type Field,
  type FragmentElement,
  type FieldSelection,
  type NamedType,
  type Operation,
  type Schema,
  type Selection,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';

/** What Apollo Gateway's `computeResponse` is called with (executeQueryPlan.js). */
export interface ShapingInput {
  operation: Operation;
  variables?: Record<string, unknown>;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: FieldSelection) => unknown;
}

export interface ShapingOutput {
  data: Record<string, unknown> | null | undefined;
  errors: GraphQLError[];
}

/** Subgraph data the operation cannot be shaped from (Apollo Gateway asserts on the same). */
export class ShapingError extends Error {
  override readonly name = 'ShapingError';
}

/** A field's type, unwrapped once. `type` is what error messages name. */
type Shape =
  | { kind: typeof NON_NULL; of: Shape; type: Type }
  | { kind: typeof LIST; of: Shape; type: Type }
  | { kind: typeof COMPOSITE; type: CompositeType }
  | { kind: typeof LEAF; type: NamedType; custom: boolean };
const NON_NULL = 0;
const LIST = 1;
const COMPOSITE = 2;
const LEAF = 3;

const FIELD = 0;
const TYPENAME = 1;
const INTROSPECTION = 2;
const FRAGMENT = 3;

interface StepBase {
  /** Left out by `@skip`/`@include` with this request's variables. */
  skipped: boolean;
  /** A directive argument that could not be decided: thrown when (and only when) the step is reached. */
  failure: ShapingError | null;
}
interface FieldStep extends StepBase {
  kind: typeof FIELD;
  name: string;
  guarded: boolean;
  shape: Shape;
  selectionSet: SelectionSet | undefined;
  /** The sub-selection, compiled when first reached. */
  sub: CompiledSet | null;
}
interface TypenameStep extends StepBase {
  kind: typeof TYPENAME;
  name: string;
  guarded: boolean;
}
interface IntrospectionStep extends StepBase {
  kind: typeof INTROSPECTION;
  name: string;
  guarded: boolean;
  selection: FieldSelection;
}
interface FragmentStep extends StepBase {
  kind: typeof FRAGMENT;
  condition: CompositeType | undefined;
  selectionSet: SelectionSet;
  sub: CompiledSet | null;
  /** Whether the condition applies, by the object's `__typename` ('' for none). */
  applies: Map<string, boolean>;
  /** The same, by static parent type, for objects without `__typename`. */
  appliesTo: Map<CompositeType, boolean>;
}
type Step = FieldStep | TypenameStep | IntrospectionStep | FragmentStep;
interface CompiledSet {
  steps: readonly Step[];
}

/** Shapes per field definition: the schema outlives requests, and a field's type is fixed. */
const shapes = new WeakMap<object, Shape>();

function shapeOf(type: Type): Shape {
  if (isNonNullType(type)) return { kind: NON_NULL, of: shapeOf(type.ofType), type: type.ofType };
  if (isListType(type)) return { kind: LIST, of: shapeOf(type.ofType), type: type.ofType };
  if (isCompositeType(type)) return { kind: COMPOSITE, type };
  return { kind: LEAF, type: type as NamedType, custom: isCustomScalarType(type) };
}

const hasOwn = Object.prototype.hasOwnProperty;

/** What Apollo's `getOwn` reads: the property only when it is the object's own. */
function own(object: object, name: string): unknown {
  const value = (object as Record<string, unknown>)[name];
  return value !== undefined && hasOwn.call(object, name) ? value : undefined;
}

/** Writes an own property; `__proto__` too, which assignment would take as the prototype. */
function put(object: Record<string, unknown>, name: string, guarded: boolean, value: unknown): void {
  if (guarded) Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
  else object[name] = value;
}

/** Names a plain object answers from its prototype: read and written as own properties only. */
const guardedName = (name: string) => name in Object.prototype;

class Shaping {
  readonly errors: GraphQLError[] = [];
  readonly path: (string | number)[] = [];
  /** Set beside each value `update` returns: a non-null violation to propagate, an error already reported. */
  invalid = false;
  failed = false;
  private readonly compiled = new Map<SelectionSet, CompiledSet>();

  constructor(
    readonly schema: Schema,
    private readonly variables: Record<string, unknown>,
    readonly introspection: (selection: FieldSelection) => unknown,
  ) {}

  compile(selectionSet: SelectionSet): CompiledSet {
    let compiled = this.compiled.get(selectionSet);
    if (compiled) return compiled;
    const steps: Step[] = [];
    for (const selection of selectionSet.selections()) steps.push(this.step(selection));
    compiled = { steps };
    this.compiled.set(selectionSet, compiled);
    return compiled;
  }

  private step(selection: Selection): Step {
    const { skipped, failure } = this.skipOf(selection.element);
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      const name = field.responseName();
      const guarded = guardedName(name);
      if (field.definition.isSchemaIntrospectionField()) return { kind: INTROSPECTION, skipped, failure, name, guarded, selection };
      if (field.name === typenameFieldName) return { kind: TYPENAME, skipped, failure, name, guarded };
      const definition = field.definition;
      let shape = shapes.get(definition);
      if (!shape) shapes.set(definition, (shape = shapeOf(definition.type!)));
      return { kind: FIELD, skipped, failure, name, guarded, shape, selectionSet: selection.selectionSet, sub: null };
    }
    return {
      kind: FRAGMENT,
      skipped,
      failure,
      condition: selection.element.typeCondition,
      selectionSet: selection.selectionSet,
      sub: null,
      applies: new Map(),
      appliesTo: new Map(),
    };
  }

  /** `@skip(if:)` first, `@include(if:)` only when not skipped, as Apollo evaluates them. */
  private skipOf(element: Selection['element']): { skipped: boolean; failure: ShapingError | null } {
    try {
      const skip = element.appliedDirectivesOf(this.schema.skipDirective())[0];
      if (skip && this.ifValue(skip)) return { skipped: true, failure: null };
      const include = element.appliedDirectivesOf(this.schema.includeDirective())[0];
      return { skipped: include !== undefined && !this.ifValue(include), failure: null };
    } catch (error) {
      if (error instanceof ShapingError) return { skipped: false, failure: error };
      throw error;
    }
  }

  private ifValue(directive: Directive<FragmentElement | Field, { if: boolean | Variable }>): boolean {
    const argument = directive.arguments().if;
    if (!(argument instanceof Variable)) return argument;
    const value = this.variables[argument.name];
    if (typeof value !== 'boolean') throw new ShapingError(`@${directive.name} has a condition variable without a boolean value`);
    return value;
  }

  typeOf(name: string): NamedType | undefined {
    return this.schema.type(name);
  }
}

/** How Apollo's messages name the place: a field of the parent type, or a list element. */
function describe(path: readonly (string | number)[], type: Type, parentType: CompositeType): string {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${String(parentType)}.${element}` : `array element of type ${String(type)} at index ${String(element)}`;
}

/**
 * Applies one compiled selection set of `input` to `output`. True when a non-null violation
 * makes the object null (Apollo's NULL_BUBBLE_UP); the rest of the set is then not applied.
 */
function apply(state: Shaping, input: Record<string, unknown>, compiled: CompiledSet, output: Record<string, unknown>, parentType: CompositeType): boolean {
  const steps = compiled.steps;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.failure) throw step.failure;
    if (step.skipped) continue;
    switch (step.kind) {
      case FIELD: {
        const name = step.name;
        const current = step.guarded ? own(output, name) : output[name];
        const value = own(input, name) ?? null;
        state.path.push(name);
        const updated = update(state, current, step.shape, value, step, parentType);
        put(output, name, step.guarded, updated);
        state.path.pop();
        if (state.invalid) return true;
        break;
      }
      case TYPENAME: {
        const name = step.name;
        if ((step.guarded ? own(output, name) : output[name]) !== undefined) break;
        let value = own(input, name) ?? null;
        if (value === null && name !== typenameFieldName) value = input[typenameFieldName] ?? null;
        const type = typeof value === 'string' ? (state.typeOf(value) ?? parentType) : parentType;
        if (!isObjectType(type)) return true;
        put(output, name, step.guarded, type.name);
        break;
      }
      case INTROSPECTION: {
        if ((step.guarded ? own(output, step.name) : output[step.name]) === undefined) put(output, step.name, step.guarded, state.introspection(step.selection));
        break;
      }
      case FRAGMENT: {
        const typename = input[typenameFieldName];
        if (typename && typeof typename !== 'string') throw new ShapingError(`__typename is not a string on an object of ${String(parentType)}`);
        if (!applies(state, step, typename as string | undefined, parentType)) break;
        const sub = (step.sub ??= state.compile(step.selectionSet));
        if (apply(state, input, sub, output, step.condition ?? parentType)) return true;
        break;
      }
    }
  }
  return false;
}

function applies(state: Shaping, step: FragmentStep, typename: string | undefined, parentType: CompositeType): boolean {
  const condition = step.condition;
  if (!condition) return true;
  if (typename) {
    let applied = step.applies.get(typename);
    if (applied === undefined) {
      const type = state.typeOf(typename);
      step.applies.set(typename, (applied = !!type && isSubtype(condition, type)));
    }
    return applied;
  }
  let applied = step.appliesTo.get(parentType);
  if (applied === undefined) step.appliesTo.set(parentType, (applied = isSubtype(condition, parentType)));
  return applied;
}

/**
 * The value at `state.path` given what is already there (`current`) and the subgraph data
 * (`value`), for a field of `shape`. Sets `state.invalid` (a non-null violation the parent must
 * propagate) and `state.failed` (an error was reported for this value) before returning.
 */
function update(state: Shaping, current: unknown, shape: Shape, value: unknown, step: FieldStep, parentType: CompositeType): unknown {
  if (value === undefined) throw new ShapingError(`no value for a field of ${String(parentType)}`);
  if (current === null || (current !== undefined && !step.selectionSet)) {
    state.invalid = false;
    state.failed = false;
    return current;
  }
  if (shape.kind === NON_NULL) {
    const updated = update(state, current, shape.of, value, step, parentType);
    if (updated === null) {
      if (!state.failed) {
        state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${describe(state.path, shape.type, parentType)}.`, { path: [...state.path] }));
      }
      state.invalid = true;
      state.failed = true;
      return null;
    }
    state.invalid = false;
    state.failed = false;
    return updated;
  }
  state.invalid = false;
  if (value === null) {
    state.failed = false;
    return null;
  }
  switch (shape.kind) {
    case LIST: {
      if (!Array.isArray(value)) throw new ShapingError(`subgraph data is not a list of ${String(shape.type)} (a field of ${String(parentType)})`);
      if (current !== undefined && !Array.isArray(current)) throw new ShapingError(`the response holds no list of ${String(shape.type)} (a field of ${String(parentType)})`);
      const previous = current as unknown[] | undefined;
      if (previous && previous.length !== value.length) throw new ShapingError(`lists of ${String(shape.type)} of different lengths (a field of ${String(parentType)})`);
      const updated: unknown[] = [];
      let nullify = false;
      let failed = false;
      const path = state.path;
      for (let index = 0; index < value.length; index++) {
        path.push(index);
        updated.push(update(state, previous?.[index], shape.of, value[index], step, parentType));
        path.pop();
        if (state.invalid) nullify = true;
        if (state.failed) failed = true;
      }
      state.invalid = false;
      state.failed = failed;
      return nullify ? null : updated;
    }
    case COMPOSITE: {
      if (!step.selectionSet) throw new ShapingError(`no selection for ${String(shape.type)} (a field of ${String(parentType)})`);
      if (typeof value !== 'object') throw new ShapingError(`subgraph data is not an object of ${String(shape.type)} (a field of ${String(parentType)})`);
      if (current !== undefined && typeof current !== 'object') throw new ShapingError(`the response holds no object of ${String(shape.type)} (a field of ${String(parentType)})`);
      const typename = (value as Record<string, unknown>)[typenameFieldName];
      if (typename !== undefined && typeof typename !== 'string') throw new ShapingError(`__typename is not a string on an object of ${String(shape.type)}`);
      let type: CompositeType = shape.type;
      if (typename) {
        const named = state.typeOf(typename);
        if (!named || !isCompositeType(named)) {
          state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describe(state.path, shape.type, parentType)}.`, { path: [...state.path] }));
          state.failed = true;
          return null;
        }
        type = named;
      }
      const object = (current as Record<string, unknown> | undefined) ?? {};
      const sub = (step.sub ??= state.compile(step.selectionSet));
      const bubbled = apply(state, value as Record<string, unknown>, sub, object, type);
      state.invalid = false;
      state.failed = bubbled;
      return bubbled ? null : object;
    }
    case LEAF: {
      if (current !== undefined) throw new ShapingError(`a value of ${String(shape.type)} answered twice (a field of ${String(parentType)})`);
      const valid = shape.custom || isValidLeafValue(state.schema, value, shape.type as Parameters<typeof isValidLeafValue>[2]);
      if (!valid) state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describe(state.path, shape.type, parentType)}.`, { path: [...state.path] }));
      state.failed = !valid;
      return valid ? value : null;
    }
  }
}

/** The response of `operation` from the merged subgraph data, as Apollo Gateway's `computeResponse` makes it. */
export function shapeResponse({ operation, variables, input, introspectionHandling }: ShapingInput): ShapingOutput {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const state = new Shaping(schema, { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables } as Record<string, unknown>, introspectionHandling);
  const data: Record<string, unknown> = {};
  const root = schema.schemaDefinition.rootType(operation.rootKind)!;
  const bubbled = apply(state, input, state.compile(operation.selectionSet), data, root);
  return { data: bubbled ? null : data, errors: state.errors };
}
