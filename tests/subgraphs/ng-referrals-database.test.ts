/**
 * The NRM's own embedded database has one user at a time: a second process (or opener) of the
 * same data directory is refused while the first holds it, and may open it once it is closed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openNrmDatabase } from '../../subgraphs/ng-referrals/index.js';

const parent = mkdtempSync(join(tmpdir(), 'ng-nrm-db-'));
const dataDir = join(parent, 'data');

afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('the NRM database', () => {
  it('refuses a second opener of its folder while the first holds it, and opens again once closed', async () => {
    const first = await openNrmDatabase({ dataDir });
    await expect(openNrmDatabase({ dataDir })).rejects.toThrow(`the NRM database ${dataDir} is in use by process ${process.pid}; it has one user at a time`);
    await first.close();
    const again = await openNrmDatabase({ dataDir });
    expect(await again.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await again.close();
  });
});
