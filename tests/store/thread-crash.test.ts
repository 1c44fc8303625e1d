/**
 * The embedded store's thread crashing under a running hub: every request after it fails closed
 * with a coded error (the audit record cannot be written, so no data leaves), none hangs, and the
 * gateway itself stays up to say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, StoreUnavailableError } from '../../store/index.js';
import { syntheticCases } from '../../subgraphs/kit/index.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';

const CASES = 20;
const REF = [...syntheticCases(CASES)].find((c) => c.owningMemberState === 'BE')!.ref;
const QUERY = 'query OneCase($ref: CaseRef!) { case(ref: $ref) { ref status memberStateFile { person { familyName } } } }';

describe('the embedded store’s thread crashing under a running hub', () => {
  let federation: TestFederation;
  beforeAll(async () => {
    // A bounded heap, so that one oversized answer ends the thread: a real crash, not a simulated one.
    const store = { name: 'pglite' as const, open: async () => {
      const db = await openPglite(undefined, { resourceLimits: { maxOldGenerationSizeMb: 64 } });
      return { db, drop: () => db.close() };
    } };
    federation = await startTestFederation(store, { cases: CASES });
  });
  afterAll(() => federation?.stop());

  it('answers with data before, and fails every request closed with AUDIT_UNAVAILABLE after', async () => {
    const before = await federation.query('be-counsellor', 'RETURN_COUNSELLING', QUERY, { ref: REF });
    expect(before.errors).toBeUndefined();
    expect(before.data?.case?.ref).toBe(REF);

    await expect(federation.db.query(`SELECT repeat('x', 1) AS x FROM generate_series(1, 6000000)`)).rejects.toBeInstanceOf(StoreUnavailableError);

    for (let i = 0; i < 3; i++) {
      const after = await federation.query('be-counsellor', 'RETURN_COUNSELLING', QUERY, { ref: REF });
      expect(after.data?.case ?? null).toBeNull();
      expect(after.errors?.map((e) => e.extensions?.code)).toContain('AUDIT_UNAVAILABLE');
    }
  });
});
