/**
 * What the gateway knows about fields: the data category of each `Type.field`, read from the core
 * supergraph SDL (Apollo Gateway drops the composed @personalData directive from the API schema,
 * so it cannot be read there). Rebuilt whenever the supergraph changes.
 */
import { Supergraph } from '@apollo/federation-internals';
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type DefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fieldCategories, type DataCategory } from '../../contract/index.js';
import { StaticPlanCache } from './staticPlan.js';

/** What a walk needs to know about one field selected on one parent type, worked out once. */
export interface FieldInfo {
  /** `Parent.field`, with the static parent type's name. */
  coordinate: string;
  /** The field's data category; undefined when undeclared (and therefore denied). */
  category: DataCategory | undefined;
  /** The type to walk the field's value with, when it is an object, interface or union. */
  child: GraphQLCompositeType | undefined;
  /** The parent is a root operation type (its fields are decided where they are answered). */
  onRoot: boolean;
  /**
   * What the field is computed from (`@requires`), transitively: a value computed from a denied
   * input carries that input, so the field is released only when every input is too. Empty for
   * almost every field.
   */
  inputs: readonly FieldInput[];
}

/** One field a `@requires` names, with its category (undefined when undeclared: denied). */
export interface FieldInput {
  coordinate: string;
  category: DataCategory | undefined;
}

/**
 * The fields each `@requires` names, by the requiring field's coordinate, read from the core
 * supergraph (`@join__field(requires: "…")`): nested selections and inline fragments resolved by
 * the field types the same document declares.
 */
function requiresOf(definitions: readonly DefinitionNode[]): Map<string, string[]> {
  const fieldTypes = new Map<string, string>();
  for (const definition of definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of definition.fields ?? []) {
      let type = field.type;
      while (type.kind !== Kind.NAMED_TYPE) type = type.type;
      fieldTypes.set(`${definition.name.value}.${field.name.value}`, type.name.value);
    }
  }
  const collect = (selectionSet: SelectionSetNode, typeName: string, into: string[]) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, selection.typeCondition?.name.value ?? typeName, into);
      else if (selection.kind === Kind.FIELD && selection.name.value !== '__typename') {
        const coordinate = `${typeName}.${selection.name.value}`;
        into.push(coordinate);
        const child = fieldTypes.get(coordinate);
        if (selection.selectionSet && child) collect(selection.selectionSet, child, into);
      }
    }
  };
  const requires = new Map<string, string[]>();
  for (const definition of definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of definition.fields ?? []) {
      for (const directive of field.directives ?? []) {
        if (directive.name.value !== 'join__field') continue;
        const value = directive.arguments?.find((a) => a.name.value === 'requires')?.value;
        if (value?.kind !== Kind.STRING) continue;
        const coordinate = `${definition.name.value}.${field.name.value}`;
        const into = requires.get(coordinate) ?? [];
        const [required] = parse(`{ ${value.value} }`, { noLocation: true }).definitions as OperationDefinitionNode[];
        collect(required!.selectionSet, definition.name.value, into);
        requires.set(coordinate, into);
      }
    }
  }
  return requires;
}

export class AccessMetadata {
  /** Static plans made against this version of the supergraph (staticPlan.ts). */
  readonly plans = new StaticPlanCache();
  private readonly fields = new Map<GraphQLCompositeType, Map<string, FieldInfo>>();
  private readonly conditions = new Map<string, boolean>();
  private readonly subgraphs = new Map<string, AccessMetadata>();
  private supergraph: Supergraph | null | undefined;

  private constructor(
    readonly apiSchema: GraphQLSchema,
    private readonly categories: ReadonlyMap<string, DataCategory>,
    private readonly requires: ReadonlyMap<string, readonly string[]>,
    private readonly interfaceObjects: ReadonlySet<string>,
    private readonly coreSupergraphSdl?: string,
  ) {}

  static build(apiSchema: GraphQLSchema, coreSupergraphSdl: string): AccessMetadata {
    // The supergraph marks every field itself: composition leaves no type-level mark to lend.
    const categories = fieldCategories(coreSupergraphSdl);
    const { definitions } = parse(coreSupergraphSdl);
    const interfaceObjects = new Set<string>();
    for (const definition of definitions) {
      if (definition.kind === Kind.INTERFACE_TYPE_DEFINITION && definition.directives?.some((d) => d.name.value === 'join__type' && d.arguments?.some((a) => a.name.value === 'isInterfaceObject' && a.value.kind === Kind.BOOLEAN && a.value.value))) {
        interfaceObjects.add(definition.name.value);
      }
    }
    return new AccessMetadata(apiSchema, categories, requiresOf(definitions), interfaceObjects, coreSupergraphSdl);
  }

  /**
   * The same categories over one subgraph's own schema, to judge what that subgraph answers: its
   * answer is shaped by its schema, not the client's. A field the supergraph types as a union may
   * be one of its members there (`featured: Course` against `featured: Offer`), and an interface
   * may be an object type (`@interfaceObject`); walking its answer with the client-facing types
   * would find fields "undeclared" that the subgraph rightly returned. Built once per subgraph and
   * supergraph version. A subgraph the supergraph does not name is judged by the API schema.
   */
  forSubgraph(name: string): AccessMetadata {
    let own = this.subgraphs.get(name);
    if (own) return own;
    if (this.supergraph === undefined) this.supergraph = this.coreSupergraphSdl ? Supergraph.build(this.coreSupergraphSdl) : null;
    const subgraph = this.supergraph?.subgraphs().get(name);
    own = subgraph ? new AccessMetadata(subgraph.schema.toGraphQLJSSchema(), this.categories, this.requires, this.interfaceObjects) : this;
    this.subgraphs.set(name, own);
    return own;
  }

  /**
   * The category of a field selected on `parent`. A field selected through an interface has the
   * interface field's category; undefined means undeclared (and therefore denied).
   */
  categoryOf(parent: GraphQLCompositeType | string, field: string): DataCategory | undefined {
    const name = typeof parent === 'string' ? parent : parent.name;
    const own = this.categories.get(`${name}.${field}`);
    if (own || typeof parent === 'string') return own;
    if (isObjectType(parent) || isInterfaceType(parent)) {
      for (const iface of parent.getInterfaces()) {
        const inherited = this.categories.get(`${iface.name}.${field}`);
        if (inherited) return inherited;
      }
    }
    return undefined;
  }

  /** The walk's view of `parent.field` (cached: the schema does not change under one metadata). */
  fieldOf(parent: GraphQLCompositeType, field: string): FieldInfo {
    let byName = this.fields.get(parent);
    if (!byName) this.fields.set(parent, (byName = new Map()));
    let info = byName.get(field);
    if (!info) {
      const definition = 'getFields' in parent ? parent.getFields()[field] : undefined;
      const named = definition ? getNamedType(definition.type) : undefined;
      info = {
        coordinate: `${parent.name}.${field}`,
        category: this.categoryOf(parent, field),
        child: named && isCompositeType(named) ? named : undefined,
        onRoot: this.isRootType(parent.name),
        inputs: this.requires.size === 0 ? [] : this.inputsOf(parent, field),
      };
      byName.set(field, info);
    }
    return info;
  }

  /**
   * Whether some subgraph sees this interface as an object type (`@interfaceObject`): there, an
   * object's runtime type is not known to the subgraph that answers it, and asking for it makes
   * the planner look for a subgraph that can tell — which, for a non-resolvable interface object,
   * none can.
   */
  isInterfaceObject(type: GraphQLCompositeType): boolean {
    return this.interfaceObjects.has(type.name);
  }

  /**
   * The inputs of `parent.field`, transitively (a required field that itself requires others
   * carries those too). Selected on an interface or union, the inputs of every type the object may
   * be: a field is released only when it could not have been computed from a denied value.
   */
  private inputsOf(parent: GraphQLCompositeType, field: string): FieldInput[] {
    const types = isAbstractType(parent) ? [parent.name, ...this.apiSchema.getPossibleTypes(parent).map((t) => t.name)] : [parent.name];
    const seen = new Set<string>();
    const pending = types.map((t) => `${t}.${field}`);
    const inputs: FieldInput[] = [];
    while (pending.length > 0) {
      const coordinate = pending.pop()!;
      for (const input of this.requires.get(coordinate) ?? []) {
        if (seen.has(input)) continue;
        seen.add(input);
        inputs.push({ coordinate: input, category: this.categories.get(input) });
        pending.push(input);
      }
    }
    return inputs;
  }

  /**
   * Whether a fragment's type condition holds for every object of static type `parent`: the
   * condition is the type itself, or an interface or union it belongs to.
   */
  conditionHoldsStatically(condition: string, parent: GraphQLCompositeType): boolean {
    if (condition === parent.name) return true;
    const conditionType = this.apiSchema.getType(condition);
    if (!conditionType || !isAbstractType(conditionType)) return false;
    if (isObjectType(parent)) return this.apiSchema.isSubType(conditionType, parent);
    return isInterfaceType(parent) && parent.getInterfaces().some((i) => i.name === condition);
  }

  /**
   * Whether a fragment's type condition applies to an object: by its runtime type when the
   * response names it, else only when the static type already satisfies the condition.
   */
  conditionApplies(condition: string, parent: GraphQLCompositeType, runtimeName: string | undefined): boolean {
    const schema = this.apiSchema;
    const named = runtimeName ? schema.getType(runtimeName) : undefined;
    // Only schema types make keys: a subgraph naming types that do not exist cannot grow the cache.
    const runtime = named && isObjectType(named) ? named : undefined;
    const key = `${condition}|${parent.name}|${runtime?.name ?? ''}`;
    let applies = this.conditions.get(key);
    if (applies === undefined) {
      const conditionType = schema.getType(condition);
      if (!conditionType || !isCompositeType(conditionType)) applies = false;
      else if (runtime) applies = conditionType === runtime || (isAbstractType(conditionType) && schema.isSubType(conditionType, runtime));
      else applies = this.conditionHoldsStatically(condition, parent);
      if (this.conditions.size < 10_000) this.conditions.set(key, applies);
    }
    return applies;
  }

  isRootType(name: string): boolean {
    return name === this.apiSchema.getQueryType()?.name || name === this.apiSchema.getMutationType()?.name || name === this.apiSchema.getSubscriptionType()?.name;
  }
}
