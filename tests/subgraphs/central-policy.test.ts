/**
 * Central decides its root queries and transfer bases by the hub's policy, the one document the
 * gateway enforces: it is given that policy by whoever opens it and never reads its own copy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../auth/policy.js';
import { openPglite, type Db } from '../../store/index.js';
import { centralSystem } from '../../subgraphs/index.js';

let db: Db;

beforeAll(async () => {
  db = await openPglite();
});

afterAll(async () => {
  await db?.close();
});

describe('the central subgraph and the policy', () => {
  it('refuses to open without the policy it is to decide by', async () => {
    await expect(centralSystem.open(db, { logLevel: 'silent' })).rejects.toThrow(new TypeError("The central subgraph decides by the hub's policy: open it with options.policy."));
  });

  it('opens with the policy it is given', async () => {
    const opened = await centralSystem.open(db, { logLevel: 'silent', policy: loadPolicy() });
    expect(opened.module.name).toBe('central');
    await opened.close();
  });
});
