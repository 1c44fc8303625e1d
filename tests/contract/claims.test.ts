/**
 * The context's own claims, checked by hand in the contract (it depends on graphql alone): each
 * claim of the wrong type, empty, outside the vocabulary or malformed refuses the whole context,
 * as the zod schema it replaces did. Signature, issuer, audience and lifetime are
 * tests/auth/context-token.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import { parseContextClaims } from '../../contract/index.js';

const CLAIMS = {
  sub: 'official-001',
  org: 'EU/GOV/BE-RETURN',
  country: 'BE',
  roles: ['MS_CASE_OFFICER'],
  purpose: 'RETURN_COUNSELLING',
  rid: 'request-0001',
  decisions: { sets: [{ HEALTH: 'R', IDENTITY: 'FORBIDDEN_FIELD policy.test' }], cases: { 'EU-2026-000001': 0 } },
};

describe('the context claims', () => {
  it('read a well-formed context, quiet denials and decisions included', () => {
    expect(parseContextClaims({ ...CLAIMS, quiet: true })).toEqual({
      officialId: 'official-001',
      organisation: 'EU/GOV/BE-RETURN',
      country: 'BE',
      roles: ['MS_CASE_OFFICER'],
      purpose: 'RETURN_COUNSELLING',
      requestId: 'request-0001',
      quietDenials: true,
      decisions: CLAIMS.decisions,
    });
  });

  it.each([
    ['an empty subject', { sub: '' }],
    ['a numeric organisation', { org: 42 }],
    ['a one-letter country', { country: 'B' }],
    ['no roles', { roles: [] }],
    ['a role outside the vocabulary', { roles: ['MS_CASE_OFFICER', 'SUPERUSER'] }],
    ['roles that are not a list', { roles: 'MS_CASE_OFFICER' }],
    ['a purpose outside the vocabulary', { purpose: 'CURIOSITY' }],
    ['an empty request id', { rid: '' }],
    ['a quiet flag that is not a boolean', { quiet: 'yes' }],
    ['decision sets that are not a list', { decisions: { sets: {}, cases: {} } }],
    ['an outcome that is not a string', { decisions: { sets: [{ HEALTH: 1 }], cases: {} } }],
    ['a negative set index', { decisions: { sets: [], cases: { 'EU-2026-000001': -1 } } }],
    ['a fractional set index', { decisions: { sets: [], cases: { 'EU-2026-000001': 0.5 } } }],
    ['cases that are a list', { decisions: { sets: [], cases: [0] } }],
  ])('refuse %s', (_what, change) => {
    expect(parseContextClaims({ ...CLAIMS, ...change })).toBeNull();
  });
});
