/**
 * The conformance checks, numbered and in groups, in the order they run. Each proves one statement
 * of docs/PARTNER-PROTOCOL.md against the endpoint; none reports a value the endpoint returned
 * (only coordinates, paths and codes), so a report holds no personal data.
 */
import { isDeepStrictEqual } from 'node:util';
import { Kind, parse, type DirectiveDefinitionNode, type EnumTypeDefinitionNode, type FieldDefinitionNode, type TypeNode } from 'graphql';
import { COMMON_SDL, DENIAL_CODES } from '../contract/index.js';
import { generateContextKeys } from '../auth/context-token.js';
import { DATA_CATEGORIES, GDPR_SPEC_URL, PERSONAL_DATA_DIRECTIVE, type DataCategory } from '../schema/vocabulary.js';
import { claims, CONTEXT_HEADER, hmacToken, rawToken, type Reply } from './endpoint.js';
import { entitiesDocument, selectAll, type Found } from './selection.js';
import { fail, notApplicable, pass, type Check, type Group, type Outcome, type Suite } from './suite.js';

/** Where the vocabulary lets `@personalData` stand (fields, and reference-data types), as it says. */
const VOCABULARY_LOCATIONS = (parse(COMMON_SDL).definitions.find((d): d is DirectiveDefinitionNode => d.kind === Kind.DIRECTIVE_DEFINITION && d.name.value === PERSONAL_DATA_DIRECTIVE)?.locations ?? []).map((l) => l.value);

export const REFUSAL = { errors: [{ message: 'Requests to this subgraph must come through the Continuum gateway.', extensions: { code: 'UNAUTHENTICATED', hubCode: 'HUB_CONTEXT_INVALID' } }] };

const RULE = 'conformance.denied-for-test';
const SERVICE = { query: '{ _service { sdl } }' };

function refused(reply: Reply): Outcome {
  if (reply.status === 401 && isDeepStrictEqual(reply.body, REFUSAL)) return pass();
  const code = reply.body?.errors?.[0]?.extensions?.code;
  return fail(`expected HTTP 401 with the refusal body of §4; got HTTP ${reply.status}${code ? ` (${String(code)})` : ''}${reply.body?.data ? ' with data' : ''}`);
}

function noData(reply: Reply): boolean {
  return reply.body?.data === undefined || reply.body.data === null;
}

const where = (found: Found[]) => [...new Set(found.map((f) => `${f.coordinate} at ${f.path.join('.')}`))].slice(0, 5).join('; ');

/** Context checks: a hostile token, sent with `_service { sdl }`, must be refused exactly. */
function contextCheck(id: number, title: string, token: (suite: Suite) => Promise<string | undefined>): Check {
  return { id, group: 'context', title, run: async (suite) => refused(await suite.endpoint.post(SERVICE, await token(suite))) };
}

const name = (suite: Suite) => suite.options.name;
const current = (suite: Suite) => suite.options.keys.current.privateKey;

const CONTEXT: Check[] = [
  contextCheck(1, 'a request without a context is refused', async () => undefined),
  contextCheck(2, 'an empty context is refused', async () => ''),
  contextCheck(3, 'a context that is not a compact JWS is refused', async () => 'not-a-token.at-all'),
  contextCheck(4, 'a context signed with a key the hub does not publish (forged) is refused', async (suite) => suite.endpoint.token(await generateContextKeys())),
  contextCheck(5, 'a context whose claims were altered after signing is refused', async (suite) => {
    const [header, , signature] = (await suite.endpoint.token(suite.options.keys.current)).split('.');
    return `${header}.${Buffer.from(JSON.stringify(claims(name(suite), { roles: ['HUB_OPERATOR'] }))).toString('base64url')}.${signature}`;
  }),
  contextCheck(6, 'a context with a truncated signature is refused', async (suite) => (await suite.endpoint.token(suite.options.keys.current)).slice(0, -10)),
  contextCheck(7, 'an expired context (exp two minutes ago) is refused', async (suite) => suite.endpoint.token(suite.options.keys.current, { now: Date.now() - 120_000 })),
  contextCheck(8, 'a context not yet valid (iat two minutes ahead) is refused', async (suite) => suite.endpoint.token(suite.options.keys.current, { now: Date.now() + 120_000 })),
  contextCheck(9, 'a context signed for another subgraph (other audience) is refused', async (suite) => suite.endpoint.token(suite.options.keys.current, { audience: `${name(suite)}-other` })),
  contextCheck(10, 'a context from another issuer is refused', async (suite) => rawToken(current(suite), CONTEXT_HEADER, claims(name(suite), { iss: 'someone-else' }))),
  contextCheck(11, 'a context with alg "none" and no signature is refused', async (suite) => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${encode({ alg: 'none', typ: CONTEXT_HEADER.typ })}.${encode(claims(name(suite)))}.`;
  }),
  contextCheck(12, 'a context carrying its own key (jwk header) is refused', async (suite) => {
    const attacker = await generateContextKeys();
    return rawToken(attacker.privateKey, { ...CONTEXT_HEADER, jwk: attacker.publicJwk }, claims(name(suite)));
  }),
  contextCheck(13, 'a context naming a key (kid header) is refused: the header is fixed', async (suite) => rawToken(current(suite), { ...CONTEXT_HEADER, kid: 'conformance-current' }, claims(name(suite)))),
  contextCheck(14, 'a context signed HS256 with the public key as secret is refused', async (suite) => hmacToken(suite.options.keys.current.publicJwk, claims(name(suite)))),
  contextCheck(15, 'a context of another type (typ JWT) is refused', async (suite) => rawToken(current(suite), { alg: 'EdDSA', typ: 'JWT' }, claims(name(suite)))),
  contextCheck(16, 'a context asserting an unknown role is refused', async (suite) => rawToken(current(suite), CONTEXT_HEADER, claims(name(suite), { roles: ['SUPERUSER'] }))),
  contextCheck(17, 'a context without a request id (rid) is refused', async (suite) => rawToken(current(suite), CONTEXT_HEADER, claims(name(suite), { rid: undefined }))),
  {
    id: 18,
    group: 'context',
    title: 'a context sent in HTTP headers instead of the body is refused',
    run: async (suite) => {
      const token = await suite.endpoint.token(suite.options.keys.current);
      return refused(await suite.endpoint.post(SERVICE, undefined, { authorization: `Bearer ${token}`, 'x-continuum-context': token }));
    },
  },
  {
    id: 19,
    group: 'context',
    title: 'a valid context is accepted',
    run: async (suite) => {
      const reply = await suite.endpoint.post(SERVICE, await suite.endpoint.token(suite.options.keys.current));
      return reply.status === 200 && typeof (reply.body?.data as { _service?: { sdl?: unknown } } | undefined)?._service?.sdl === 'string' ? pass() : fail(`HTTP ${reply.status}`);
    },
  },
  {
    id: 20,
    group: 'context',
    title: 'key rotation: a context signed with the next key of the published set is accepted',
    run: async (suite) => {
      if (suite.options.singleKey) return notApplicable('the endpoint trusts one key (--single-key)');
      const reply = await suite.endpoint.post(SERVICE, await suite.endpoint.token(suite.options.keys.next));
      return reply.status === 200 ? pass() : fail(`HTTP ${reply.status}: only the first key of the set is trusted?`);
    },
  },
  contextCheck(21, 'key rotation: a context signed with a retired key (no longer published) is refused', async (suite) => suite.endpoint.token(suite.options.keys.retired)),
  contextCheck(22, 'a validly signed context whose claims are not a JSON object is refused', async (suite) => rawToken(current(suite), CONTEXT_HEADER, [claims(name(suite))])),
];

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

const SCHEMA: Check[] = [
  {
    id: 23,
    group: 'schema',
    title: 'a signed `_service { sdl }` is answered with the SDL',
    run: async (suite) => {
      const reply = await suite.endpoint.post(SERVICE, await suite.endpoint.token(suite.options.keys.current));
      return typeof (reply.body?.data as { _service?: { sdl?: unknown } } | undefined)?._service?.sdl === 'string' ? pass() : fail(`HTTP ${reply.status} without an SDL`);
    },
  },
  { id: 24, group: 'schema', title: 'the SDL builds as a federation subgraph schema', run: async (suite) => (await suite.learn(), pass()) },
  {
    id: 25,
    group: 'schema',
    title: 'the SDL links the GDPR spec, imports @personalData and composes it',
    run: async (suite) => {
      const sdl = await suite.sdl();
      const linked = new RegExp(`@link\\(\\s*url:\\s*"${GDPR_SPEC_URL.replace(/[.]/g, '\\.')}"\\s*,\\s*import:\\s*\\[[^\\]]*"@${PERSONAL_DATA_DIRECTIVE}"`).test(sdl);
      const composed = new RegExp(`@composeDirective\\(\\s*name:\\s*"@${PERSONAL_DATA_DIRECTIVE}"\\s*\\)`).test(sdl);
      return linked && composed ? pass() : fail(`${linked ? '' : `no @link of ${GDPR_SPEC_URL} importing @${PERSONAL_DATA_DIRECTIVE}. `}${composed ? '' : `no @composeDirective(name: "@${PERSONAL_DATA_DIRECTIVE}").`}`.trim());
    },
  },
  {
    id: 26,
    group: 'schema',
    title: 'the @personalData directive is defined as the vocabulary defines it',
    run: async (suite) => {
      const definition = parse(await suite.sdl()).definitions.find((d): d is DirectiveDefinitionNode => d.kind === Kind.DIRECTIVE_DEFINITION && d.name.value === PERSONAL_DATA_DIRECTIVE);
      if (!definition) return fail('no directive definition');
      const args = (definition.arguments ?? []).map((a) => `${a.name.value}: ${a.type.kind === Kind.NON_NULL_TYPE ? `${namedType(a.type)}!` : namedType(a.type)}`);
      const locations = definition.locations.map((l) => l.value);
      return isDeepStrictEqual(args, ['category: DataCategory!']) && isDeepStrictEqual(locations, VOCABULARY_LOCATIONS) ? pass() : fail(`(${args.join(', ')}) on ${locations.join(' | ')}`);
    },
  },
  {
    id: 27,
    group: 'schema',
    title: "DataCategory holds exactly the vocabulary's categories",
    run: async (suite) => {
      const definition = parse(await suite.sdl()).definitions.find((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'DataCategory');
      const values = (definition?.values ?? []).map((v) => v.name.value).sort();
      return isDeepStrictEqual(values, [...DATA_CATEGORIES].sort()) ? pass() : fail(`differs: ${values.join(', ') || 'no enum'}`);
    },
  },
  {
    id: 28,
    group: 'schema',
    title: 'every field of every object and interface type declares a category',
    run: async (suite) => {
      const { sdl, schema } = await suite.learn();
      const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name].filter(Boolean));
      const undeclared: string[] = [];
      for (const definition of parse(sdl).definitions) {
        if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_EXTENSION) continue;
        // Root operation types are entry points; `_`-types are federation's own (`_Service`).
        if (roots.has(definition.name.value) || definition.name.value.startsWith('_')) continue;
        for (const field of definition.fields ?? []) if (!field.directives?.some((d) => d.name.value === PERSONAL_DATA_DIRECTIVE)) undeclared.push(`${definition.name.value}.${field.name.value}`);
      }
      return undeclared.length === 0 ? pass() : fail(`undeclared: ${undeclared.slice(0, 10).join(', ')}`);
    },
  },
  {
    id: 29,
    group: 'schema',
    title: 'every declared category is one of the vocabulary',
    run: async (suite) => {
      const unknown = [...(await suite.learn()).categories].filter(([, c]) => !(DATA_CATEGORIES as readonly string[]).includes(c)).map(([k, c]) => `${k} (${c})`);
      return unknown.length === 0 ? pass() : fail(unknown.join(', '));
    },
  },
  {
    id: 30,
    group: 'schema',
    title: "the categories stay within the participant's remit",
    run: async (suite) => {
      if (!suite.options.remit) return notApplicable('no --remit given');
      const remit = new Set<string>([...suite.options.remit, 'NOT_PERSONAL']);
      const outside = [...(await suite.learn()).categories].filter(([, c]) => !remit.has(c)).map(([k, c]) => `${k} (${c})`);
      return outside.length === 0 ? pass() : fail(`outside the remit: ${outside.slice(0, 10).join(', ')}`);
    },
  },
  { id: 31, group: 'schema', title: 'an entity type is keyed by a case reference (ref or caseRef)', run: async (suite) => pass(`${(await suite.learn()).entity.type.name} @key(fields: "${(await suite.learn()).entity.keyField}")`) },
  {
    id: 32,
    group: 'schema',
    title: 'no non-null field has a category other than its holder’s (a denial stays local)',
    run: async (suite) => {
      const document = parse(await suite.sdl());
      const category = (field: FieldDefinitionNode) => {
        const argument = field.directives?.find((d) => d.name.value === PERSONAL_DATA_DIRECTIVE)?.arguments?.find((a) => a.name.value === 'category');
        return argument?.value.kind === Kind.ENUM ? argument.value.value : undefined;
      };
      const holders = new Map<string, string[]>();
      const typed = document.definitions.filter((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION || d.kind === Kind.INTERFACE_TYPE_DEFINITION || d.kind === Kind.INTERFACE_TYPE_EXTENSION);
      for (const definition of typed) {
        for (const field of ('fields' in definition ? definition.fields : []) ?? []) {
          const c = category(field as FieldDefinitionNode);
          if (c && c !== 'NOT_PERSONAL') holders.set(namedType(field.type), [...(holders.get(namedType(field.type)) ?? []), c]);
        }
      }
      const wrong: string[] = [];
      for (const definition of typed) {
        for (const field of ('fields' in definition ? definition.fields : []) ?? []) {
          const c = category(field as FieldDefinitionNode);
          if (field.type.kind !== Kind.NON_NULL_TYPE || !c || c === 'NOT_PERSONAL' || !('name' in definition)) continue;
          if ((holders.get(definition.name.value) ?? []).some((h) => h !== c)) wrong.push(`${definition.name.value}.${field.name.value}`);
        }
      }
      return wrong.length === 0 ? pass() : fail(`make nullable: ${wrong.join(', ')}`);
    },
  },
];

/** Decisions denying `categories` (as `code rule`) for `refs`, releasing everything else of every case. */
function denying(suite: Suite, refs: readonly string[], categories: readonly string[], code = 'FORBIDDEN_FIELD') {
  return suite.releasing(suite.cases, Object.fromEntries(refs.map((ref) => [ref, Object.fromEntries(categories.map((c) => [c, `${code} ${RULE}`]))])));
}

async function tested(suite: Suite): Promise<DataCategory[]> {
  const categories = await suite.testedCategories();
  if (categories.length === 0) throw new Error('everything released, the endpoint returned no categorised value for the given cases: give cases it holds data for (--cases)');
  return categories;
}

/** Asks with a context signed for `decisions`, returns each entity's categorised values. */
async function ask(suite: Suite, decisions: ReturnType<Suite['releasing']> | undefined, options: { quiet?: boolean; shape?: 'plain' | 'fragment'; aliased?: boolean } = {}) {
  const { schema, categories, entity } = await suite.learn();
  const selections = options.aliased ? selectAll(schema, categories, entity.type, (f) => `conformanceAlias_${f}`) : undefined;
  const reply = await suite.entities(suite.cases, await suite.endpoint.token(suite.options.keys.current, { ...(decisions ? { decisions } : {}), quiet: options.quiet ?? false }), options.shape ?? 'plain', selections);
  return { reply, found: await suite.found(reply, selections) };
}

/** The first control value of `category` for case 0, shallowest first. */
async function firstOf(suite: Suite, category: DataCategory): Promise<Found | undefined> {
  return (await suite.control())[0]?.filter((f) => f.category === category).sort((a, b) => a.depth - b.depth)[0];
}

function codeCheck(id: number, code: string): Check {
  return {
    id,
    group: 'enforcement',
    title: `a ${code} denial is answered null with its code, rule and category at the field's path`,
    run: async (suite) => {
      for (const category of await tested(suite)) {
        const expected = await firstOf(suite, category);
        if (!expected) continue;
        const { reply, found } = await ask(suite, denying(suite, [suite.cases[0]!], [category], code));
        if (found[0]?.some((f) => f.category === category)) return fail(`${category} returned for the denied case: ${where(found[0].filter((f) => f.category === category))}`);
        const atPath = (reply.body?.errors ?? []).filter((e) => isDeepStrictEqual(e.path, expected.path));
        if (atPath.length === 0) return fail(`no error at ${expected.path.join('.')}`);
        const extensions = atPath.map((e) => ({ code: e.extensions?.code, rule: e.extensions?.rule, category: e.extensions?.category }));
        if (!extensions.some((e) => isDeepStrictEqual(e, { code, rule: RULE, category }))) return fail(`errors at ${expected.path.join('.')} have ${JSON.stringify(extensions)}`);
        return pass(`${expected.coordinate} (${category})`);
      }
      return fail('no categorised value of the first case to deny');
    },
  };
}

const ENFORCEMENT: Check[] = [
  {
    id: 33,
    group: 'enforcement',
    title: 'everything released, the endpoint answers categorised values for the given cases (control)',
    run: async (suite) => pass(`categories answered: ${(await tested(suite)).join(', ')}`),
  },
  {
    id: 34,
    group: 'enforcement',
    title: 'a category denied for every case: none of its values is returned',
    run: async (suite) => {
      for (const category of await tested(suite)) {
        const { found } = await ask(suite, denying(suite, suite.cases, [category]));
        const leaked = found.flat().filter((f) => f.category === category);
        if (leaked.length > 0) return fail(`${category} returned: ${where(leaked)}`);
      }
      return pass();
    },
  },
  {
    id: 35,
    group: 'enforcement',
    title: 'a mixed batch: a category denied for one case is never returned for it, and the other cases answer as released',
    run: async (suite) => {
      const control = await suite.control();
      for (const category of await tested(suite)) {
        const { found } = await ask(suite, denying(suite, [suite.cases[0]!], [category]));
        const leaked = (found[0] ?? []).filter((f) => f.category === category);
        if (leaked.length > 0) return fail(`${category} returned for the denied case: ${where(leaked)}`);
        for (let i = 1; i < suite.cases.length; i++) {
          const simplify = (list: Found[] | undefined) => (list ?? []).map((f) => [f.path.slice(2).join('.'), JSON.stringify(f.value)]);
          if (!isDeepStrictEqual(simplify(found[i]), simplify(control[i]))) return fail(`${category} denied for case 1 changed the answer for case ${i + 1}`);
        }
      }
      return pass();
    },
  },
  ...DENIAL_CODES.map((code, i) => codeCheck(36 + i, code)),
  {
    id: 40,
    group: 'enforcement',
    title: 'a denial error names the field, its category, the code and the rule',
    run: async (suite) => {
      const [category] = await tested(suite);
      const expected = (await firstOf(suite, category!))!;
      const { reply } = await ask(suite, denying(suite, [suite.cases[0]!], [category!]));
      const message = `Field "${expected.coordinate}" (${category}) is not released to you: FORBIDDEN_FIELD by rule ${RULE}.`;
      const messages = (reply.body?.errors ?? []).filter((e) => isDeepStrictEqual(e.path, expected.path)).map((e) => e.message);
      return messages.includes(message) ? pass() : fail(`expected the message ${JSON.stringify(message)}`);
    },
  },
  {
    id: 41,
    group: 'enforcement',
    title: 'quiet denials: every denied category is withheld (plain null allowed for nullable fields)',
    run: async (suite) => {
      const categories = await tested(suite);
      const { found } = await ask(suite, denying(suite, suite.cases, categories), { quiet: true });
      const leaked = found.flat().filter((f) => categories.includes(f.category));
      return leaked.length === 0 ? pass() : fail(`returned: ${where(leaked)}`);
    },
  },
  {
    id: 42,
    group: 'enforcement',
    title: 'a case the decisions do not name gets no categorised value',
    run: async (suite) => {
      const others = suite.cases.slice(1);
      const { found } = await ask(suite, suite.releasing(others));
      return (found[0] ?? []).length === 0 ? pass() : fail(`returned for the unnamed case: ${where(found[0]!)}`);
    },
  },
  {
    id: 43,
    group: 'enforcement',
    title: "a category missing from a case's decision set is denied",
    run: async (suite) => {
      for (const category of await tested(suite)) {
        const decisions = suite.releasing(suite.cases);
        for (const set of decisions.sets) delete set[category];
        const { found } = await ask(suite, decisions);
        const leaked = found.flat().filter((f) => f.category === category);
        if (leaked.length > 0) return fail(`${category} returned: ${where(leaked)}`);
      }
      return pass();
    },
  },
  {
    id: 44,
    group: 'enforcement',
    title: 'a context without decisions gets no categorised value of any case',
    run: async (suite) => {
      const { found } = await ask(suite, undefined);
      return found.flat().length === 0 ? pass() : fail(`returned: ${where(found.flat())}`);
    },
  },
  {
    id: 45,
    group: 'enforcement',
    title: 'nested fields: a denied category is withheld at every depth below the entity',
    run: async (suite) => {
      const nested = [...new Set((await suite.control()).flat().filter((f) => f.depth >= 2).map((f) => f.category))];
      if (nested.length === 0) return notApplicable('no categorised value below the first level in the control answer');
      for (const category of nested) {
        const { found } = await ask(suite, denying(suite, suite.cases, [category]));
        const leaked = found.flat().filter((f) => f.category === category);
        if (leaked.length > 0) return fail(`${category} returned: ${where(leaked)}`);
      }
      return pass(`categories: ${nested.join(', ')}`);
    },
  },
  {
    id: 46,
    group: 'enforcement',
    title: 'list fields: a denied category is withheld in every list item',
    run: async (suite) => {
      const listed = [...new Set((await suite.control()).flat().filter((f) => f.inList).map((f) => f.category))];
      if (listed.length === 0) return notApplicable('no categorised value inside a list in the control answer');
      for (const category of listed) {
        const { found } = await ask(suite, denying(suite, suite.cases, [category]));
        const leaked = found.flat().filter((f) => f.category === category);
        if (leaked.length > 0) return fail(`${category} returned: ${where(leaked)}`);
      }
      return pass(`categories: ${listed.join(', ')}`);
    },
  },
  {
    id: 47,
    group: 'enforcement',
    title: 'aliases do not get around a denial',
    run: async (suite) => {
      const categories = await tested(suite);
      const { found } = await ask(suite, denying(suite, suite.cases, categories), { aliased: true });
      const leaked = found.flat().filter((f) => categories.includes(f.category));
      return leaked.length === 0 ? pass() : fail(`returned under an alias: ${where(leaked)}`);
    },
  },
  {
    id: 48,
    group: 'enforcement',
    title: 'named fragments do not get around a denial',
    run: async (suite) => {
      const categories = await tested(suite);
      const { found } = await ask(suite, denying(suite, suite.cases, categories), { shape: 'fragment' });
      const leaked = found.flat().filter((f) => categories.includes(f.category));
      return leaked.length === 0 ? pass() : fail(`returned through a fragment: ${where(leaked)}`);
    },
  },
  {
    id: 49,
    group: 'enforcement',
    title: 'a representation whose reference is not a case reference gets no categorised value',
    run: async (suite) => {
      const { entity } = await suite.learn();
      const near = `${suite.cases[0]} `;
      const token = await suite.endpoint.token(suite.options.keys.current, { decisions: suite.releasing([suite.cases[0]!, near]) });
      const reply = await suite.endpoint.post({ query: entitiesDocument(entity.type.name, entity.selections), variables: suite.representations(entity, [near]) }, token);
      const found = (await suite.found(reply)).flat();
      return found.length === 0 ? pass() : fail(`returned for "${suite.cases[0]}" with a trailing space: ${where(found)}`);
    },
  },
  {
    id: 50,
    group: 'enforcement',
    title: 'a denial withholds only its category: the other released values answer unchanged',
    run: async (suite) => {
      const control = (await suite.control()).flat();
      for (const category of await tested(suite)) {
        const denied = control.filter((f) => f.category === category);
        const { found } = await ask(suite, denying(suite, suite.cases, [category]));
        const answered = new Map(found.flat().map((f) => [f.path.join('.'), JSON.stringify(f.value)]));
        // Values below a denied field go with it; a value that holds a denied one changes (it holds a null now).
        const below = (f: Found) => denied.some((d) => d.path.length <= f.path.length && d.path.every((p, i) => f.path[i] === p));
        const above = (f: Found) => denied.some((d) => f.path.length < d.path.length && f.path.every((p, i) => d.path[i] === p));
        const missing = control.filter((f) => f.category !== category && !below(f) && !above(f) && answered.get(f.path.join('.')) !== JSON.stringify(f.value));
        if (missing.length > 0) return fail(`${category} denied also withheld: ${where(missing)}`);
      }
      return pass();
    },
  },
];

const TRANSPORT: Check[] = [
  {
    id: 51,
    group: 'transport',
    title: 'a GET request without a context gets no data',
    run: async (suite) => {
      const reply = await suite.endpoint.request({ method: 'GET', query: `query=${encodeURIComponent('{ _service { sdl } }')}` });
      return reply.status >= 400 && noData(reply) ? pass(`HTTP ${reply.status}`) : fail(`HTTP ${reply.status}${noData(reply) ? '' : ' with data'}`);
    },
  },
  {
    id: 52,
    group: 'transport',
    title: 'a body that is not JSON gets a 4xx and no data',
    run: async (suite) => {
      const reply = await suite.endpoint.request({ body: '{"query": "{ _service { sdl } }"' });
      return reply.status >= 400 && reply.status < 500 && noData(reply) ? pass(`HTTP ${reply.status}`) : fail(`HTTP ${reply.status}`);
    },
  },
  {
    id: 53,
    group: 'transport',
    title: 'introspection without a context is refused',
    run: async (suite) => refused(await suite.endpoint.post({ query: '{ __schema { types { name } } }' }, undefined)),
  },
];

/** Every check, in the order it runs and is numbered. */
export const CHECKS: readonly Check[] = Object.freeze([...CONTEXT, ...SCHEMA, ...ENFORCEMENT, ...TRANSPORT]);

export function checksOf(group: Group): Check[] {
  return CHECKS.filter((check) => check.group === group);
}
