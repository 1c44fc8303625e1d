/**
 * What the gateway knows about fields: the data category of each `Type.field`, read from the core
 * supergraph SDL (Apollo Gateway drops the composed @personalData directive from the API schema,
 * so it cannot be read there). Rebuilt whenever the supergraph changes.
 */
import { isInterfaceType, isObjectType, Kind, parse, type GraphQLCompositeType, type GraphQLSchema } from 'graphql';
import { DATA_CATEGORIES, PERSONAL_DATA_DIRECTIVE, type DataCategory } from '../../schema/vocabulary.js';

const KNOWN = new Set<string>(DATA_CATEGORIES);

export class AccessMetadata {
  private constructor(
    readonly apiSchema: GraphQLSchema,
    private readonly categories: ReadonlyMap<string, DataCategory>,
  ) {}

  static build(apiSchema: GraphQLSchema, coreSupergraphSdl: string): AccessMetadata {
    const categories = new Map<string, DataCategory>();
    for (const definition of parse(coreSupergraphSdl).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
      for (const field of definition.fields ?? []) {
        const directive = field.directives?.find((d) => d.name.value === PERSONAL_DATA_DIRECTIVE);
        const value = directive?.arguments?.find((a) => a.name.value === 'category')?.value;
        if (value?.kind === Kind.ENUM && KNOWN.has(value.value)) categories.set(`${definition.name.value}.${field.name.value}`, value.value as DataCategory);
      }
    }
    return new AccessMetadata(apiSchema, categories);
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

  isRootType(name: string): boolean {
    return name === this.apiSchema.getQueryType()?.name || name === this.apiSchema.getMutationType()?.name || name === this.apiSchema.getSubscriptionType()?.name;
  }
}
