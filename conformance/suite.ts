/**
 * What the checks share: the endpoint, the suite's keys, the cases to ask about, and what the
 * schema checks learn (the endpoint's SDL, schema, categories and entity type) and the control
 * answer (everything released), computed once and reused by the enforcement checks.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, parse, type GraphQLObjectType, type GraphQLSchema, type StringValueNode } from 'graphql';
import { DATA_CATEGORIES, declaredCategories, type DataCategory } from '../contract/index.js';
import { decisionsFor, Endpoint, type Reply } from './endpoint.js';
import type { SuiteKeys } from './keys.js';
import { categorisedValues, entitiesDocument, selectAll, type Found, type Selected, type Shape } from './selection.js';

export interface SuiteOptions {
  url: string;
  /** The subgraph's registered name: the audience of the suite's contexts. */
  name: string;
  keys: SuiteKeys;
  /** The endpoint trusts one key (the current one) rather than the suite's key set. */
  singleKey: boolean;
  /** Case references the endpoint holds data for (at least two). */
  cases: string[];
  /** The categories the participant may contribute, when known. */
  remit?: DataCategory[];
  timeoutMs?: number;
}

export type Outcome = { status: 'pass'; detail?: string } | { status: 'fail'; detail: string } | { status: 'n/a'; detail: string };

export interface Check {
  id: number;
  group: Group;
  title: string;
  run(suite: Suite): Promise<Outcome>;
}

export const GROUPS = ['context', 'schema', 'enforcement', 'transport'] as const;
export type Group = (typeof GROUPS)[number];

export const GROUP_TITLES: Record<Group, string> = {
  context: 'Context verification',
  schema: 'Schema',
  enforcement: 'Enforcement',
  transport: 'Transport',
};

/** A failed check's reason. */
export class CheckFailed extends Error {}

export const pass = (detail?: string): Outcome => ({ status: 'pass', ...(detail ? { detail } : {}) });
export const fail = (detail: string): Outcome => ({ status: 'fail', detail });
export const notApplicable = (detail: string): Outcome => ({ status: 'n/a', detail });

export interface Entity {
  type: GraphQLObjectType;
  keyField: 'ref' | 'caseRef';
  selections: Selected[];
}

export interface Learned {
  sdl: string;
  schema: GraphQLSchema;
  categories: Map<string, DataCategory>;
  entity: Entity;
}

const ALL_RELEASED = Object.fromEntries(DATA_CATEGORIES.map((c) => [c, 'R']));

export class Suite {
  readonly endpoint: Endpoint;
  private learned: Promise<Learned> | null = null;
  private controls = new Map<string, Promise<Found[][]>>();

  constructor(readonly options: SuiteOptions) {
    this.endpoint = new Endpoint(options.url, options.name, options.timeoutMs ?? 10_000);
  }

  get cases(): string[] {
    return this.options.cases;
  }

  /** Every category released for each of `refs`, with `overrides[ref][category]` replacing some. */
  releasing(refs: readonly string[], overrides: Record<string, Record<string, string>> = {}) {
    return decisionsFor(Object.fromEntries(refs.map((ref) => [ref, { ...ALL_RELEASED, ...overrides[ref] }])));
  }

  /** The SDL as the endpoint serves it to a signed `_service { sdl }`. */
  async sdl(): Promise<string> {
    return (await this.learn()).sdl;
  }

  learn(): Promise<Learned> {
    this.learned ??= (async () => {
      const reply = await this.endpoint.post({ query: '{ _service { sdl } }' }, await this.endpoint.token(this.options.keys.current, { audience: this.options.name }));
      const sdl = (reply.body?.data as { _service?: { sdl?: unknown } } | undefined)?._service?.sdl;
      if (reply.status !== 200 || typeof sdl !== 'string') throw new CheckFailed(`a signed _service { sdl } was answered HTTP ${reply.status} without an SDL`);
      let schema: GraphQLSchema;
      try {
        schema = buildSubgraphSchema(parse(sdl));
      } catch (error) {
        throw new CheckFailed(`the SDL does not build as a federation subgraph schema: ${(error as Error).message}`);
      }
      const categories = readCategories(sdl);
      const entity = findEntity(sdl, schema, categories);
      if (!entity) throw new CheckFailed('no entity type keyed by a case reference (@key(fields: "ref") or "caseRef")');
      return { sdl, schema, categories, entity };
    })();
    return this.learned;
  }

  representations(entity: Entity, refs: readonly string[]) {
    return { representations: refs.map((ref) => ({ __typename: entity.type.name, [entity.keyField]: ref })) };
  }

  /** Asks for everything about `refs`, with the given context. */
  async entities(refs: readonly string[], token: string, shape: Shape = 'plain', selections?: Selected[]): Promise<Reply> {
    const { entity } = await this.learn();
    return this.endpoint.post({ query: entitiesDocument(entity.type.name, selections ?? entity.selections, shape), variables: this.representations(entity, refs) }, token);
  }

  /** The categorised values of each entity of an answer. */
  async found(reply: Reply, selections?: Selected[]): Promise<Found[][]> {
    const { entity } = await this.learn();
    const entities = (reply.body?.data as { _entities?: unknown[] } | null | undefined)?._entities;
    if (!Array.isArray(entities)) return [];
    return entities.map((value, i) => categorisedValues(value, entity.type.name, selections ?? entity.selections, ['_entities', i]));
  }

  /** What the endpoint answers for the given cases with everything released (once per case list). */
  control(refs: readonly string[] = this.cases): Promise<Found[][]> {
    const key = refs.join(',');
    let control = this.controls.get(key);
    if (!control) {
      control = (async () => {
        const reply = await this.entities(refs, await this.endpoint.token(this.options.keys.current, { decisions: this.releasing(refs) }));
        if (reply.status !== 200) throw new CheckFailed(`everything released, the endpoint answered HTTP ${reply.status}`);
        return this.found(reply);
      })();
      this.controls.set(key, control);
    }
    return control;
  }

  /** The categories the control answer holds values of (other than the key field's). */
  async testedCategories(): Promise<DataCategory[]> {
    const { entity } = await this.learn();
    const found = (await this.control()).flat().filter((f) => f.coordinate !== `${entity.type.name}.${entity.keyField}`);
    return [...new Set(found.map((f) => f.category))];
  }
}

/** `Type.field` → category, by the contract's one reader (unknown names kept as they are, for the schema checks). */
export function readCategories(sdl: string): Map<string, DataCategory> {
  return declaredCategories(sdl) as Map<string, DataCategory>;
}

/** The first object type with `@key(fields: "ref")` or `@key(fields: "caseRef")`. */
function findEntity(sdl: string, schema: GraphQLSchema, categories: Map<string, DataCategory>): Entity | null {
  for (const definition of parse(sdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'key') continue;
      const fields = (directive.arguments?.find((a) => a.name.value === 'fields')?.value as StringValueNode | undefined)?.value.trim();
      if (fields !== 'ref' && fields !== 'caseRef') continue;
      const type = schema.getType(definition.name.value) as GraphQLObjectType;
      return { type, keyField: fields, selections: selectAll(schema, categories, type) };
    }
  }
  return null;
}
