/**
 * `continuum token` as a user runs it: the package's bin in a real child process. The printed
 * token must verify against the trust.json the same run wrote; usage errors exit 2 and list the
 * valid choices.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, loadTrustList, PERSONA_NAMES } from '../../auth/index.js';

const BIN = fileURLToPath(new URL('../../bin/continuum.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'continuum-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function continuum(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('continuum token', () => {
  it('prints one JWT that verifies against the trust list it wrote', async () => {
    const result = await continuum('token', '--persona', 'be-counsellor', '--dir', dir);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const verifier = createTokenVerifier(loadTrustList(join(dir, 'trust.json')));
    await expect(verifier.verify(`Bearer ${result.stdout.trim()}`)).resolves.toStrictEqual({
      issuer: 'https://idp.be-return.continuum.test',
      officialId: 'be-counsellor-001',
      organisation: 'EU/GOV/BE-RETURN',
      country: 'BE',
      roles: ['MS_COUNSELLOR'],
      purposes: ['RETURN_COUNSELLING', 'RETURN_PREPARATION', 'CONTINUITY_OF_CARE'],
    });
  });

  it('exits 2 for an unknown persona, listing the personas', async () => {
    const result = await continuum('token', '--persona', 'nobody', '--dir', dir);
    expect(result).toStrictEqual({
      code: 2,
      stdout: '',
      stderr: `continuum token: unknown persona "nobody". Valid personas: ${PERSONA_NAMES.join(', ')}.\n`,
    });
  });

  it('exits 2 for a purpose the persona does not allow, listing its purposes', async () => {
    const result = await continuum('token', '--persona', 'dpo', '--purpose', 'STATISTICS', '--dir', dir);
    expect(result).toStrictEqual({
      code: 2,
      stdout: '',
      stderr: 'continuum token: persona "dpo" does not allow purpose "STATISTICS". Valid purposes: AUDIT.\n',
    });
  });

  it('exits 2 for an unknown subcommand, listing the subcommands', async () => {
    const result = await continuum('frobnicate');
    expect(result).toMatchObject({ code: 2, stdout: '' });
    const listed = /^continuum: unknown subcommand "frobnicate"\. Valid subcommands: (.+)\.\n$/.exec(result.stderr)?.[1]?.split(', ');
    expect(listed).toEqual(expect.arrayContaining(['token', 'audit']));
  });
});
