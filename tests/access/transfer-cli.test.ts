/**
 * `continuum transfer` as a Member State's officer runs it: the package's bin in a real child
 * process, against a running hub on an ephemeral port. A basis recorded from the command line
 * lets the country-of-origin authority see the case on its next request; revoked, it no longer
 * does; the hub's refusals and its input checks reach the user with their codes; usage errors
 * exit 2 before anything is sent.
 */
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDevToken, type PersonaName } from '../../auth/dev-identities.js';
import { startTestFederation, type TestFederation } from '../harness/federation.js';
import { testStores } from '../harness/stores.js';
import { CASES, consentTo, findCase, fromCountry, IQ_AUTHORITY, ownedBy, returned } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/continuum.mjs', import.meta.url));
const DE_RETURNED = findCase('a returned DE-owned IQ case with a consent to the Iraqi authority', ownedBy('DE'), fromCountry('IQ'), returned, consentTo(IQ_AUTHORITY, 'IDENTITY'));
const READ_CASE = 'query($ref: CaseRef!) { case(ref: $ref) { ref } }';
const today = () => new Date().toISOString().slice(0, 10);
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('continuum transfer', () => {
  let federation: TestFederation;
  const continuum = (env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [BIN, 'transfer', ...args], { timeout: 30_000, env: { ...process.env, CONTINUUM_HUB_URL: federation.gateway.url, CONTINUUM_TOKEN: '', CONTINUUM_PURPOSE: '', ...env } }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  const as = async (persona: PersonaName, purpose: string) => ({ CONTINUUM_TOKEN: await issueDevToken(federation.identities, persona), CONTINUUM_PURPOSE: purpose });
  const officer = () => as('de-case-officer', 'RETURN_PREPARATION');
  const authoritySeesTheCase = async () => (await federation.query('iq-authority', 'REINTEGRATION_ASSISTANCE', READ_CASE, { ref: DE_RETURNED.ref })).data?.case !== null;

  beforeAll(async () => {
    federation = await startTestFederation(testStores[0]!, { cases: CASES });
  });
  afterAll(async () => {
    await federation?.stop();
  });

  it('records a basis that counts from the next request, lists it, and revokes it so that it stops counting', async () => {
    expect(await authoritySeesTheCase()).toBe(false);

    const recorded = await continuum(await officer(), 'record', '--recipient', IQ_AUTHORITY, '--instrument', 'APPROPRIATE_SAFEGUARDS', '--reference', 'DE-IQ arrangement 2026/04', '--valid-from', today());
    expect(recorded).toMatchObject({ code: 0, stderr: '' });
    const id = new RegExp(`^Recorded transfer basis (${UUID}): DE → ${IQ_AUTHORITY}, APPROPRIATE_SAFEGUARDS "DE-IQ arrangement 2026/04", valid ${today()}\\.\\.\\(open-ended\\); in force now\\.\\n$`).exec(recorded.stdout)?.[1];
    expect(id).toBeDefined();
    expect(await authoritySeesTheCase()).toBe(true);

    const listed = await continuum(await officer(), 'list');
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout.split('\n')).toContain(`IN FORCE     ${id}  DE → ${IQ_AUTHORITY}  APPROPRIATE_SAFEGUARDS  ${today()}..(open-ended)  DE-IQ arrangement 2026/04`);

    const revoked = await continuum(await officer(), 'revoke', '--id', id!);
    expect(revoked).toEqual({ code: 0, stdout: `Revoked transfer basis ${id} (DE → ${IQ_AUTHORITY}); it stops counting from the next request.\n`, stderr: '' });
    expect(await authoritySeesTheCase()).toBe(false);
  });

  it("exits 1 with the hub's code and message when the caller's role may not record bases", async () => {
    const result = await continuum(await as('be-counsellor', 'RETURN_COUNSELLING'), 'record', '--recipient', IQ_AUTHORITY, '--instrument', 'APPROPRIATE_SAFEGUARDS', '--reference', 'BE-IQ arrangement', '--valid-from', today());
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: "✗ FORBIDDEN_FIELD: Only the roles the policy names (changes.transferBases) may record, revoke or list transfer bases, and only their own Member State's.\n",
    });
  });

  it("exits 1 with the hub's input check when the basis ends before it starts", async () => {
    const result = await continuum(await officer(), 'record', '--recipient', IQ_AUTHORITY, '--instrument', 'DEROGATION', '--reference', 'Art. 49 decision', '--valid-from', '2026-05-02', '--valid-until', '2026-05-01');
    expect(result).toEqual({ code: 1, stdout: '', stderr: '✗ BAD_USER_INPUT: input: validUntil: must not be before validFrom\n' });
  });

  it.each<{ what: string; env: Record<string, string>; args: string[]; stderr: string }>([
    { what: 'no token', env: { CONTINUUM_PURPOSE: 'RETURN_PREPARATION' }, args: ['list'], stderr: 'continuum transfer: a token is needed: --token TOKEN or CONTINUUM_TOKEN (e.g. `npx continuum token --persona de-case-officer`).\n' },
    { what: 'an unknown purpose', env: { CONTINUUM_TOKEN: 'a.b.c', CONTINUUM_PURPOSE: 'CURIOSITY' }, args: ['list'], stderr: 'continuum transfer: unknown purpose "CURIOSITY". Valid purposes: RETURN_COUNSELLING, RETURN_PREPARATION, CONTINUITY_OF_CARE, REINTEGRATION_ASSISTANCE, REFERRAL, MONITORING_EVALUATION, STATISTICS, AUDIT, OPERATIONS.\n' },
    {
      what: 'an unknown instrument',
      env: { CONTINUUM_TOKEN: 'a.b.c', CONTINUUM_PURPOSE: 'RETURN_PREPARATION' },
      args: ['record', '--recipient', IQ_AUTHORITY, '--instrument', 'FRIENDSHIP', '--reference', 'none', '--valid-from', '2026-01-01'],
      stderr: 'continuum transfer: --instrument must be one of ADEQUACY_DECISION, APPROPRIATE_SAFEGUARDS, DEROGATION. Run "continuum transfer --help" for the options.\n',
    },
    { what: 'a hub that is not a URL', env: { CONTINUUM_TOKEN: 'a.b.c', CONTINUUM_PURPOSE: 'RETURN_PREPARATION', CONTINUUM_HUB_URL: 'hub.example' }, args: ['list'], stderr: 'continuum transfer: --hub must be an http:// or https:// URL (default CONTINUUM_HUB_URL).\n' },
    { what: 'a revocation without a UUID', env: { CONTINUUM_TOKEN: 'a.b.c', CONTINUUM_PURPOSE: 'RETURN_PREPARATION' }, args: ['revoke', '--id', '42'], stderr: 'continuum transfer: --id must be a transfer basis identifier (a UUID, from "continuum transfer list").\n' },
  ])('exits 2 for $what, before asking the hub', async ({ env, args, stderr }) => {
    expect(await continuum(env, ...args)).toEqual({ code: 2, stdout: '', stderr });
  });

  it('exits 1 naming the hub when it cannot be reached', async () => {
    // A port that was just free: listened on (port 0) and closed again.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const result = await continuum({ ...(await officer()), CONTINUUM_HUB_URL: `http://127.0.0.1:${port}` }, 'list');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(new RegExp(`^continuum transfer: cannot reach the hub at http://127\\.0\\.0\\.1:${port}: .+\\n$`));
  });

    it('prints its options with --help and exits 0', async () => {
    const result = await continuum({}, '--help');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: continuum transfer record --recipient ORG --instrument INSTRUMENT/);
    expect(result.stdout).toContain('--instrument   ADEQUACY_DECISION (Art. 45), APPROPRIATE_SAFEGUARDS (Art. 46) or DEROGATION (Art. 49; must end)');
  });
});
