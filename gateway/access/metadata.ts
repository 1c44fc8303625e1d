/**
 * What the gateway knows about fields: the data category of each `Type.field`, read from the core
 * supergraph SDL (Apollo Gateway drops the composed @personalData directive from the API schema,
 * so it cannot be read there). Rebuilt whenever the supergraph changes.
 */
import { getNamedType, isAbstractType, isCompositeType, isInterfaceType, isObjectType, type GraphQLCompositeType, type GraphQLSchema } from 'graphql';
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
}

export class AccessMetadata {
  /** Static plans made against this version of the supergraph (staticPlan.ts). */
  readonly plans = new StaticPlanCache();
  private readonly fields = new Map<GraphQLCompositeType, Map<string, FieldInfo>>();
  private readonly conditions = new Map<string, boolean>();

  private constructor(
    readonly apiSchema: GraphQLSchema,
    private readonly categories: ReadonlyMap<string, DataCategory>,
  ) {}

  static build(apiSchema: GraphQLSchema, coreSupergraphSdl: string): AccessMetadata {
    return new AccessMetadata(apiSchema, fieldCategories(coreSupergraphSdl));
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
      };
      byName.set(field, info);
    }
    return info;
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
      else applies = conditionType === parent || (isAbstractType(conditionType) && isObjectType(parent) && schema.isSubType(conditionType, parent));
      if (this.conditions.size < 10_000) this.conditions.set(key, applies);
    }
    return applies;
  }

  isRootType(name: string): boolean {
    return name === this.apiSchema.getQueryType()?.name || name === this.apiSchema.getMutationType()?.name || name === this.apiSchema.getSubscriptionType()?.name;
  }
}
