/**
 * What the gateway knows about fields (gateway/access/metadata.ts), on small schemas of our own:
 * which fragments apply without an object's runtime type, and what a computed field is computed
 * from. The federation suite (tests/federation) proves the same end to end against bare Apollo.
 */
import { buildSchema, type GraphQLCompositeType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AccessMetadata } from '../../gateway/access/metadata.js';

const SDL = `
  directive @personalData(category: DataCategory) on FIELD_DEFINITION
  enum DataCategory { NOT_PERSONAL HEALTH IDENTITY }
  directive @join__field(graph: String, requires: String) repeatable on FIELD_DEFINITION
  interface Place { id: ID! @personalData(category: NOT_PERSONAL) }
  interface Office implements Place { id: ID! @personalData(category: NOT_PERSONAL) city: String @personalData(category: NOT_PERSONAL) }
  type FieldOffice implements Office & Place { id: ID! @personalData(category: NOT_PERSONAL) city: String @personalData(category: NOT_PERSONAL) }
  type Item {
    id: ID! @personalData(category: NOT_PERSONAL)
    allowance: Int @personalData(category: HEALTH)
    cost: Int @personalData(category: NOT_PERSONAL)
    covered: Int @personalData(category: NOT_PERSONAL) @join__field(graph: "b", requires: "allowance")
    reserve: Int @personalData(category: NOT_PERSONAL) @join__field(graph: "c", requires: "covered cost")
    size: Size @personalData(category: NOT_PERSONAL)
    volume: Int @personalData(category: NOT_PERSONAL) @join__field(graph: "b", requires: "size { ... on Parcel { width } }")
  }
  union Size = Parcel
  type Parcel { width: Int @personalData(category: IDENTITY) }
  type Query { item: Item place: Place }
`;
const schema = buildSchema(SDL);
const metadata = AccessMetadata.build(schema, SDL);
const type = (name: string) => schema.getType(name) as GraphQLCompositeType;

describe('which fragments apply without the runtime type', () => {
  it('a fragment on an interface the static interface implements applies to every object', () => {
    expect(metadata.conditionHoldsStatically('Place', type('Office'))).toBe(true);
    expect(metadata.conditionApplies('Place', type('Office'), undefined)).toBe(true);
  });

  it('a fragment on an implementation does not, until the object says its type', () => {
    expect(metadata.conditionHoldsStatically('FieldOffice', type('Office'))).toBe(false);
    expect(metadata.conditionApplies('FieldOffice', type('Office'), 'FieldOffice')).toBe(true);
  });
});

describe('what a computed field is computed from (@requires)', () => {
  it('names the required field and its category', () => {
    expect(metadata.fieldOf(type('Item'), 'covered').inputs).toEqual([{ coordinate: 'Item.allowance', category: 'HEALTH' }]);
  });

  it('closes a chain: a field requiring a computed field carries that field\'s inputs too', () => {
    expect(metadata.fieldOf(type('Item'), 'reserve').inputs).toEqual([
      { coordinate: 'Item.covered', category: 'NOT_PERSONAL' },
      { coordinate: 'Item.cost', category: 'NOT_PERSONAL' },
      { coordinate: 'Item.allowance', category: 'HEALTH' },
    ]);
  });

  it('follows nested selections and fragments on a union member', () => {
    expect(metadata.fieldOf(type('Item'), 'volume').inputs).toEqual([
      { coordinate: 'Item.size', category: 'NOT_PERSONAL' },
      { coordinate: 'Parcel.width', category: 'IDENTITY' },
    ]);
  });

  it('gives a field that requires nothing no inputs', () => {
    expect(metadata.fieldOf(type('Item'), 'cost').inputs).toEqual([]);
  });
});
