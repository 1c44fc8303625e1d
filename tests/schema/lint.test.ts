/** The subgraph lint: nothing is personal data by accident. */
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../schema/compose.js';
import { DENIAL_NOT_LOCAL, lintSubgraph, PERSONAL_DATA_UNDECLARED, REFERENCE_DATA_REACHABLE_FROM_CASE, TYPE_CATEGORY_NOT_ALLOWED } from '../../schema/lint/index.js';
import { fieldCategories } from '../../subgraphs/kit/access.js';
import { subgraphSdl } from '../../subgraphs/kit/index.js';

const annotated = `
  type Query { partnerCase(ref: CaseRef!): PartnerCase }
  type PartnerCase @key(fields: "ref") {
    ref: CaseRef! @personalData(category: CASE_ADMIN)
    phone: String @personalData(category: CONTACT)
    officeOpeningHours: String @personalData(category: NOT_PERSONAL)
  }
`;

describe('PersonalDataDeclaredRule', () => {
  it('accepts a subgraph whose every field declares a category, NOT_PERSONAL included', () => {
    expect(lintSubgraph('partner', subgraphSdl(annotated))).toEqual([]);
  });

  it('rejects a personal field that declares no category, naming the field and subgraph', () => {
    const sdl = subgraphSdl(annotated.replace('phone: String @personalData(category: CONTACT)', 'phone: String'));
    const errors = lintSubgraph('partner', sdl);

    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe(PERSONAL_DATA_UNDECLARED);
    expect(errors[0]?.message).toBe(
      'Field "PartnerCase.phone" in subgraph "partner" declares no data category: add @personalData(category: …), or category NOT_PERSONAL if it holds no personal data.',
    );
    expect(errors[0]?.locations?.[0]?.line).toBeGreaterThan(0);
  });

  it('checks interfaces and type extensions too', () => {
    const sdl = subgraphSdl(`${annotated}
      interface Visit { date: Date }
      extend type PartnerCase { notes: String }
    `);
    expect(lintSubgraph('partner', sdl).map((e) => e.message.split(' in ')[0])).toEqual(['Field "Visit.date"', 'Field "PartnerCase.notes"']);
  });

  it('does not ask root operation types for a category', () => {
    const sdl = subgraphSdl(`${annotated} type Mutation { touch(ref: CaseRef!): Boolean }`);
    expect(lintSubgraph('partner', sdl)).toEqual([]);
  });
});

describe('DenialStaysLocalRule', () => {
  const partnerFile = (healthAssistance: string) => `
    type Query { partnerCase(ref: CaseRef!): PartnerCase }
    type PartnerCase @key(fields: "ref") {
      ref: CaseRef! @personalData(category: CASE_ADMIN)
      file: PartnerFile @personalData(category: CASE_ADMIN)
    }
    type PartnerFile {
      partner: String! @personalData(category: NOT_PERSONAL)
      healthAssistance: ${healthAssistance} @personalData(category: HEALTH)
    }
    type HealthSession {
      kind: String! @personalData(category: HEALTH)
    }
  `;

  it('rejects a non-null field that can be denied apart from the field holding it', () => {
    const errors = lintSubgraph('partner', subgraphSdl(partnerFile('[HealthSession!]!')));
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      [
        DENIAL_NOT_LOCAL,
        'Field "PartnerFile.healthAssistance" (HEALTH) in subgraph "partner" is non-null inside "PartnerCase.file" (CASE_ADMIN): a caller denied HEALTH would lose the whole "PartnerCase.file". Make it nullable.',
      ],
    ]);
  });

  it('accepts the nullable field, and non-null fields sharing their holder\'s category', () => {
    // HealthSession.kind is HEALTH inside a HEALTH field: it is released or denied with its holder.
    expect(lintSubgraph('partner', subgraphSdl(partnerFile('[HealthSession!]')))).toEqual([]);
  });
});

describe('composeSupergraph', () => {
  it('refuses to compose a subgraph that fails the lint, and says why', () => {
    const result = composeSupergraph([{ name: 'partner', url: 'http://127.0.0.1:1/graphql', sdl: subgraphSdl(annotated.replace(' @personalData(category: CONTACT)', '')) }]);
    expect(result).toEqual({
      ok: false,
      errors: [{ code: PERSONAL_DATA_UNDECLARED, subgraph: 'partner', message: expect.stringContaining('"PartnerCase.phone"') }],
    });
  });

  it('reports a composition error with its message', () => {
    const a = subgraphSdl(`type Query { x: Thing } type Thing { name: String @personalData(category: NOT_PERSONAL) }`);
    const b = subgraphSdl(`type Query { y: Thing } type Thing { name: Int @personalData(category: NOT_PERSONAL) }`);
    const result = composeSupergraph([
      { name: 'a', url: 'http://127.0.0.1:1/graphql', sdl: a },
      { name: 'b', url: 'http://127.0.0.1:2/graphql', sdl: b },
    ]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.code)).toContain('INVALID_FIELD_SHARING');
  });

  it('reports SDL syntax errors instead of throwing', () => {
    const result = composeSupergraph([{ name: 'broken', url: 'http://127.0.0.1:1/graphql', sdl: 'type Query {' }]);
    expect(result).toMatchObject({ ok: false, errors: [{ code: 'SDL_SYNTAX_ERROR', subgraph: 'broken' }] });
  });
});

describe('ReferenceDataRule: a type marked NOT_PERSONAL as a whole', () => {
  const catalogue = `
    type Query { services: [Service!]! @personalData(category: NOT_PERSONAL) }
    type Service @personalData(category: NOT_PERSONAL) {
      code: String!
      label: String!
      opening: Hours
    }
    type Hours @personalData(category: NOT_PERSONAL) { from: String! to: String! }
  `;

  it('lends NOT_PERSONAL to every field it declares without a mark, so the lint asks for none', () => {
    expect(lintSubgraph('catalogue', subgraphSdl(catalogue))).toEqual([]);
  });

  it('composes into a supergraph that marks every such field itself', () => {
    const result = composeSupergraph([{ name: 'catalogue', url: 'http://127.0.0.1:1/graphql', sdl: subgraphSdl(catalogue) }]);
    expect(result.ok).toBe(true);
    const supergraph = result.ok ? result.supergraphSdl : '';
    expect(supergraph).toMatch(/label: String! @personalData\(category: NOT_PERSONAL\)/);
    expect(supergraph).toMatch(/from: String! @personalData\(category: NOT_PERSONAL\)/);
  });

  it('is read the same by the subgraph kit and the registry\'s change reports', () => {
    expect(fieldCategories(subgraphSdl(catalogue)).get('Service.label')).toBe('NOT_PERSONAL');
  });

  it('keeps a field\'s own mark over the type\'s', () => {
    const sdl = subgraphSdl(catalogue.replace('label: String!', 'label: String @personalData(category: CONTACT)'));
    expect(fieldCategories(sdl).get('Service.label')).toBe('CONTACT');
  });

  it('refuses a whole type marked with a personal category, naming type and subgraph', () => {
    const errors = lintSubgraph('catalogue', subgraphSdl(catalogue.replace('type Hours @personalData(category: NOT_PERSONAL)', 'type Hours @personalData(category: CONTACT)')));
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      [
        TYPE_CATEGORY_NOT_ALLOWED,
        'Type "Hours" in subgraph "catalogue" is marked @personalData(category: CONTACT) as a whole: only NOT_PERSONAL (reference data) can be said of a whole type; mark personal fields one by one.',
      ],
      ['LINT_PERSONAL_DATA_UNDECLARED', 'Field "Hours.from" in subgraph "catalogue" declares no data category: add @personalData(category: …), or category NOT_PERSONAL if it holds no personal data.'],
      ['LINT_PERSONAL_DATA_UNDECLARED', 'Field "Hours.to" in subgraph "catalogue" declares no data category: add @personalData(category: …), or category NOT_PERSONAL if it holds no personal data.'],
    ]);
  });

  it('refuses a type that holds a case reference', () => {
    const sdl = subgraphSdl(`
      type Query { visits: [Visit!]! @personalData(category: NOT_PERSONAL) }
      type Visit @personalData(category: NOT_PERSONAL) { caseRef: CaseRef! notes: String }
    `);
    expect(lintSubgraph('partner', sdl).map((e) => e.code)).toEqual([REFERENCE_DATA_REACHABLE_FROM_CASE]);
  });

  it('refuses a type a case reaches through the subgraph\'s fields, however deep', () => {
    const sdl = subgraphSdl(`
      type Query { partnerCase(ref: CaseRef!): PartnerCase @personalData(category: NOT_PERSONAL) }
      type PartnerCase @key(fields: "ref") {
        ref: CaseRef! @personalData(category: CASE_ADMIN)
        plan: Plan @personalData(category: REINTEGRATION)
      }
      type Plan { steps: [Step!]! @personalData(category: REINTEGRATION) }
      type Step @personalData(category: NOT_PERSONAL) { title: String! beneficiaryName: String }
    `);
    const errors = lintSubgraph('partner', sdl);
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      [
        REFERENCE_DATA_REACHABLE_FROM_CASE,
        'Type "Step" in subgraph "partner" is marked NOT_PERSONAL as a whole, but a case reaches it: types that hold or are reachable from a case reference keep their marks field by field.',
      ],
    ]);
  });

  it('refuses to compose reference data that a case reaches through another subgraph', () => {
    const reference = { name: 'catalogue', url: 'http://127.0.0.1:1/graphql', sdl: subgraphSdl(catalogue.replace('type Service @personalData', 'type Service @key(fields: "code") @personalData')) };
    const holder = {
      name: 'partner',
      url: 'http://127.0.0.1:2/graphql',
      sdl: subgraphSdl(`
        type Query { partnerCase(ref: CaseRef!): PartnerCase @personalData(category: NOT_PERSONAL) }
        type PartnerCase @key(fields: "ref") {
          ref: CaseRef! @personalData(category: CASE_ADMIN)
          service: Service @personalData(category: REINTEGRATION)
        }
        type Service @key(fields: "code", resolvable: false) { code: String! @personalData(category: NOT_PERSONAL) }
      `),
    };
    expect(lintSubgraph('catalogue', reference.sdl)).toEqual([]);
    expect(composeSupergraph([reference, holder])).toEqual({
      ok: false,
      errors: [
        {
          code: REFERENCE_DATA_REACHABLE_FROM_CASE,
          message:
            'Type "Service" in subgraph "catalogue" is marked NOT_PERSONAL as a whole, but a case reaches it in the supergraph: types that hold or are reachable from a case reference keep their marks field by field.',
          subgraph: 'catalogue',
        },
        {
          code: REFERENCE_DATA_REACHABLE_FROM_CASE,
          message:
            'Type "Hours" in subgraph "catalogue" is marked NOT_PERSONAL as a whole, but a case reaches it in the supergraph: types that hold or are reachable from a case reference keep their marks field by field.',
          subgraph: 'catalogue',
        },
      ],
    });
  });
});
