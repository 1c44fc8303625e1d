/**
 * What a response holds is what its audit record says — as a property, over documents generated
 * from the live supergraph, for every persona and every purpose its token may declare.
 *
 * fast-check builds each document: `case(ref:)` or a page of `cases`, random subsets of the fields
 * of every type down to three levels, aliases (ordinary, `_`-prefixed, and now and then one
 * beginning with `__`), named and inline fragments on the concrete type and on the interface
 * (`MemberStateFile`), `@skip`/`@include` with literals and variables. The document goes through
 * the real gateway over HTTP; then, for every case:
 * - the data categories present in the response (a non-null value of a field of that category)
 *   are exactly the categories its audit record lists as released;
 * - none of them is a category the policy grants no role of the caller for the declared purpose.
 * A document using a reserved `__` name is refused whole (HUB_RESERVED_NAME) and serves nothing.
 *
 * The expectation is computed without the gateway's code: every alias is unique in the document,
 * so each response key maps back to the one `Type.field` it selected, whose category is read here
 * from the supergraph SDL; the case of every object is the `ref` the generator always selects on
 * `Case`. (PageInfo.endCursor is not generated: it names no case, and records are per case.)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import fc from 'fast-check';
import { getNamedType, isCompositeType, isInterfaceType, isNonNullType, isObjectType, Kind, parse, type GraphQLField, type GraphQLNamedType, type GraphQLObjectType, type GraphQLInterfaceType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseAccessesOf, type AuditContent } from '../../audit/index.js';
import { PERSONAS, type PersonaName } from '../../auth/dev-identities.js';
import { loadPolicy } from '../../auth/policy.js';
import type { Purpose } from '../../contract/index.js';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { postGraphQL } from '../harness/graphql.js';
import { testStores } from '../harness/stores.js';

const CASES = 60;
const RUNS = Number(process.env.CONTINUUM_PROPERTY_RUNS ?? 60);
const SDL = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const SCHEMA: GraphQLSchema = Supergraph.build(SDL).apiSchema().toGraphQLJSSchema();
const REFS = [...syntheticCases(CASES)].map((c) => c.ref);
const POLICY = loadPolicy();
/** Below the hub's alias limit (30), leaving room for the root fields. */
const MAX_ALIASES = 26;

/** `Type.field` → category, read straight from the SDL's @personalData directives. */
const CATEGORIES = new Map<string, string>();
for (const definition of parse(SDL).definitions) {
  if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
  for (const field of definition.fields ?? []) {
    const argument = field.directives?.find((d) => d.name.value === 'personalData')?.arguments?.find((a) => a.name.value === 'category');
    if (argument?.value.kind === Kind.ENUM) CATEGORIES.set(`${definition.name.value}.${field.name.value}`, argument.value.value);
  }
}

/** What the checker knows of each alias it generated. */
interface Selected {
  coordinate: string;
  /** The field selects a Case (its objects belong to the case they name). */
  isCase: boolean;
}

interface Built {
  text: string;
  fragments: string[];
  aliases: Map<string, Selected>;
  variables: Record<string, unknown>;
  variableDefinitions: string[];
  reserved: boolean;
}

type Gen = fc.GeneratorValue;

/** Fields a document can select without arguments (and not the cursor that names no case). */
function selectable(type: GraphQLObjectType | GraphQLInterfaceType): GraphQLField<unknown, unknown>[] {
  return Object.values(type.getFields()).filter((f) => f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined) && !(type.name === 'PageInfo' && f.name === 'endCursor'));
}

class DocumentBuilder {
  private counter = 0;
  private variableCount = 0;
  readonly built: Built = { text: '', fragments: [], aliases: new Map(), variables: {}, variableDefinitions: [], reserved: false };

  constructor(private readonly g: Gen) {}

  private alias(selected: Selected): string {
    this.counter++;
    const style = this.g(fc.constantFrom, 'plain', 'plain', 'plain', 'underscore', 'reserved');
    let name = style === 'underscore' ? `_continuum${this.counter}` : `f${this.counter}`;
    if (style === 'reserved' && this.g(fc.integer, { min: 0, max: 9 }) === 0) {
      name = this.g(fc.constantFrom, `__continuum${this.counter}`, `__f${this.counter}`);
      this.built.reserved = true;
    }
    this.built.aliases.set(name, selected);
    return name;
  }

  private directive(): string {
    switch (this.g(fc.integer, { min: 0, max: 7 })) {
      case 0:
        return ' @skip(if: true)';
      case 1:
        return ' @include(if: false)';
      case 2: {
        const name = `v${++this.variableCount}`;
        this.built.variableDefinitions.push(`$${name}: Boolean!`);
        this.built.variables[name] = this.g(fc.boolean);
        return ` @include(if: $${name})`;
      }
      default:
        return '';
    }
  }

  /** A selection set on `type`, `depth` levels left. */
  selection(type: GraphQLObjectType | GraphQLInterfaceType, depth: number): string {
    // At the last level only leaves: an object field would need a selection of its own.
    const fields = selectable(type).filter((f) => depth > 0 || !isCompositeType(getNamedType(f.type)));
    if (fields.length === 0) return '__typename';
    const names = this.g(fc.subarray, fields.map((f) => f.name), { minLength: 1, maxLength: Math.min(fields.length, 4) });
    const chosen = names.map((name) => type.getFields()[name]!);
    const parts: string[] = [];
    if (type.name === 'CaseEdge' && !chosen.some((f) => f.name === 'node')) chosen.push(type.getFields().node!);
    // Every field is aliased (so the checker can map keys back), and the hub allows 30 aliases.
    for (const field of chosen) if (this.counter < MAX_ALIASES) parts.push(this.field(type, field, depth));
    if (parts.length === 0) parts.push('__typename');
    if (isInterfaceType(type)) {
      for (const implementation of SCHEMA.getPossibleTypes(type)) {
        if (this.g(fc.boolean)) parts.push(`... on ${implementation.name} { ${this.selection(implementation, depth)} }`);
      }
    }
    const wrapped = this.wrap(type, parts);
    // Every Case names itself, outside any fragment or directive, so the checker knows whose each object is.
    return type.name === 'Case' ? `${this.alias({ coordinate: 'Case.ref', isCase: false })}: ref ${wrapped}` : wrapped;
  }

  /** Some of the selections, moved into a named or an inline fragment on the same type. */
  private wrap(type: GraphQLNamedType, parts: string[]): string {
    const how = this.g(fc.constantFrom, 'as is', 'as is', 'named', 'inline');
    if (how === 'as is' || parts.length === 0) return parts.join(' ');
    const cut = this.g(fc.integer, { min: 0, max: parts.length - 1 });
    const moved = parts.slice(cut).join(' ');
    if (how === 'inline') return [...parts.slice(0, cut), `... on ${type.name}${this.directive()} { ${moved} }`].join(' ');
    const name = `G${++this.counter}`;
    this.built.fragments.push(`fragment ${name} on ${type.name} { ${moved} }`);
    return [...parts.slice(0, cut), `...${name}${this.directive()}`].join(' ');
  }

  private field(parent: GraphQLObjectType | GraphQLInterfaceType, field: GraphQLField<unknown, unknown>, depth: number): string {
    const named = getNamedType(field.type);
    const alias = this.alias({ coordinate: `${parent.name}.${field.name}`, isCase: named.name === 'Case' });
    const head = `${alias}: ${field.name}${this.directive()}`;
    if (!isObjectType(named) && !isInterfaceType(named)) return head;
    return `${head} { ${this.selection(named, depth - 1)} }`;
  }
}

/** For every case: the categories of the non-null values the response holds for it. */
function categoriesPresent(data: unknown, aliases: ReadonlyMap<string, Selected>): Map<string, Set<string>> {
  const present = new Map<string, Set<string>>();
  const visit = (value: unknown, ref: string | null): void => {
    if (value === null || value === undefined || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach((item) => visit(item, ref));
    const object = value as Record<string, unknown>;
    // An edge belongs to the case of its node.
    const own = Object.entries(object).find(([key]) => aliases.get(key)?.coordinate === 'Case.ref')?.[1];
    const nodeKey = Object.keys(object).find((key) => aliases.get(key)?.coordinate === 'CaseEdge.node');
    const nodeRef = nodeKey ? Object.entries((object[nodeKey] ?? {}) as Record<string, unknown>).find(([key]) => aliases.get(key)?.coordinate === 'Case.ref')?.[1] : undefined;
    const here = (typeof own === 'string' ? own : typeof nodeRef === 'string' ? nodeRef : null) ?? ref;
    for (const [key, child] of Object.entries(object)) {
      const selected = aliases.get(key);
      if (!selected || child === null || child === undefined) continue;
      const category = CATEGORIES.get(selected.coordinate);
      if (here && category && category !== 'NOT_PERSONAL') {
        let set = present.get(here);
        if (!set) present.set(here, (set = new Set()));
        set.add(category);
      }
      visit(child, here);
    }
  };
  visit(data, null);
  return present;
}

const PERSONA_PURPOSES = (Object.entries(PERSONAS) as [PersonaName, { purposes: readonly Purpose[] }][]).flatMap(([persona, { purposes }]) => purposes.map((purpose) => ({ persona, purpose })));

describe.each(testStores)('the audit record matches the response, for generated documents, on $name', (store) => {
  let federation: TestFederation;

  beforeAll(async () => {
    federation = await startTestFederation(store, { cases: CASES });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it('records exactly the categories each case has in the response, none beyond the policy, and refuses reserved names whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PERSONA_PURPOSES), fc.gen(), async ({ persona, purpose }, g) => {
        const builder = new DocumentBuilder(g);
        const root = g(fc.constantFrom, 'case', 'cases');
        const caseType = SCHEMA.getType('Case') as GraphQLObjectType;
        const connection = SCHEMA.getType('CaseConnection') as GraphQLObjectType;
        const body =
          root === 'case'
            ? `one: case(ref: "${g(fc.constantFrom, ...REFS)}") { ${builder.selection(caseType, 3)} }`
            : `page: cases(first: ${g(fc.integer, { min: 1, max: 4 })}) { ${builder.selection(connection, 4)} }`;
        const built = builder.built;
        built.aliases.set('one', { coordinate: 'Query.case', isCase: true });
        built.aliases.set('page', { coordinate: 'Query.cases', isCase: false });
        const definitions = built.variableDefinitions.length > 0 ? `(${built.variableDefinitions.join(', ')})` : '';
        const document = `query${definitions} { ${body} } ${built.fragments.join(' ')}`;

        const requestId = randomUUID();
        const result = await postGraphQL(federation.gateway.url, document, built.variables, { ...(await federation.as(persona, purpose)), 'x-request-id': requestId });
        if (built.reserved) {
          expect(result.status).toBe(400);
          expect(result.data ?? null).toBeNull();
          expect(result.errors?.map((e) => e.extensions?.hubCode)).toContain('HUB_RESERVED_NAME');
          return;
        }
        expect(result.status, JSON.stringify(result.errors)).toBe(200);
        const [record] = await federation.db.query<{ content: AuditContent }>('SELECT body::jsonb AS content FROM audit.record WHERE request_id = $1', [requestId]);
        const recorded = new Map(caseAccessesOf(record!.content).map((access) => [access.ref, new Set(access.released.map((r) => r.category))]));
        const present = categoriesPresent(result.data, built.aliases);
        const granted = new Set(POLICY.grantsFor(PERSONAS[persona].roles, purpose).keys());
        const because = `document: ${document} variables: ${JSON.stringify(built.variables)}`;
        for (const [ref, categories] of present) {
          expect({ ref, categories: [...categories].sort() }, because).toEqual({ ref, categories: [...(recorded.get(ref) ?? [])].sort() });
          for (const category of categories) expect({ ref, category, granted: granted.has(category as never) }, because).toEqual({ ref, category, granted: true });
        }
        for (const [ref, categories] of recorded) if (categories.size > 0) expect({ ref, present: [...(present.get(ref) ?? [])].sort() }, because).toEqual({ ref, present: [...categories].sort() });
      }),
      { numRuns: RUNS, seed: process.env.CONTINUUM_PROPERTY_SEED ? Number(process.env.CONTINUUM_PROPERTY_SEED) : undefined },
    );
  });
});

