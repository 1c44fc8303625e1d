/**
 * `continuum policy --matrix` as a DPO runs it: the package's bin in a real child process. Cells
 * are read back from the printed tables and compared with what auth/policy.yaml says.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_PATH } from '../../auth/policy.js';

const BIN = fileURLToPath(new URL('../../bin/continuum.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'continuum-policy-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function continuum(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The rows of the matrix, keyed by `role × purpose`, each a header → cell map. */
function matrixOf(output: string, split: (line: string) => string[]): Map<string, Record<string, string>> {
  const lines = output.slice(output.indexOf('role × purpose')).split('\n');
  const start = lines.findIndex((line) => /^(\| )?role( {2,}| \| )purpose/.test(line));
  const header = split(lines[start]!);
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === '') break;
    const cells = split(line);
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
    rows.set(`${row.role} × ${row.purpose}`, row);
  }
  return rows;
}
const splitText = (line: string) => line.trim().split(/ {2,}/);
const splitMarkdown = (line: string) => line.replace(/^\| | \|$/g, '').split(' | ');

describe('continuum policy --matrix', () => {
  let text: { code: number; stdout: string; stderr: string };
  let markdown: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    [text, markdown] = await Promise.all([continuum('policy', '--matrix'), continuum('policy', '--matrix', '--format', 'markdown')]);
  });

  it('prints the text report and succeeds', () => {
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^Access policy auth\/policy\.yaml \(version 1\)\./);
  });

  it.each([
    ['text', () => matrixOf(text.stdout, splitText)],
    ['markdown', () => matrixOf(markdown.stdout, splitMarkdown)],
  ] as const)('gives, in %s, the legal basis, +consent and — for the cells the policy file sets', (_format, matrix) => {
    const rows = matrix();
    expect(rows.get('MS_COUNSELLOR × RETURN_COUNSELLING')).toMatchObject({ rule: 'ms-officer.case-work', 'relationship required': 'OWNING_MEMBER_STATE', HEALTH: 'SUBSTANTIAL_PUBLIC_INTEREST', ASYLUM_HISTORY: 'LEGAL_OBLIGATION', MONITORING: 'PUBLIC_TASK', AUDIT: '—' });
    expect(rows.get('REINTEGRATION_PARTNER × CONTINUITY_OF_CARE')).toMatchObject({ rule: 'partner.continuity-of-care', 'relationship required': 'ASSIGNED_PARTNER', IDENTITY: 'CONTRACT', HEALTH: 'EXPLICIT_CONSENT +consent', REINTEGRATION: '—' });
    expect(rows.get('EU_PROGRAMME_MANAGER × MONITORING_EVALUATION')).toMatchObject({ VULNERABILITY: 'CONSENT +consent', CONTACT: '—', CASE_ADMIN: 'PUBLIC_TASK' });
    expect(rows.get('COO_AUTHORITY × REFERRAL')).toMatchObject({ 'relationship required': 'COUNTRY_OF_ORIGIN_AFTER_RETURN', CASE_ADMIN: 'PUBLIC_TASK', IDENTITY: 'CONSENT +consent', ASYLUM_HISTORY: '—', RETURN_DECISION: '—' });
    expect(rows.get('DPO × AUDIT')).toMatchObject({ rule: 'audit.accountability', AUDIT: 'ACCOUNTABILITY', IDENTITY: '—' });
    expect(rows.get('HUB_OPERATOR × (any)')).toMatchObject({ rule: '(none)', CASE_ADMIN: '—', AUDIT: '—' });
    expect([...rows.keys()]).toHaveLength(17);
  });

  it('lists the legal bases of policy.yaml with their meaning', () => {
    expect(markdown.stdout).toContain('| EXPLICIT_CONSENT | GDPR Art. 9(2)(a) — explicit consent to special-category data |');
    expect(text.stdout).toMatch(/^CONTRACT {2,}GDPR Art\. 6\(1\)\(b\) — reintegration assistance agreement with the returnee$/m);
  });

  it('lists the rules with the relationship each requires, and the transfer rules', () => {
    expect(markdown.stdout).toContain('| coo-authority.after-return | COO_AUTHORITY | REINTEGRATION_ASSISTANCE, REFERRAL | COUNTRY_OF_ORIGIN_AFTER_RETURN | The country-of-origin authority, after return, for reintegration and referrals. |');
    expect(markdown.stdout).toContain('| never sent to a country-of-origin authority | ASYLUM_HISTORY, RETURN_DECISION |');
    expect(markdown.stdout).toContain('| special categories leave the EU/EEA only for | CONTINUITY_OF_CARE |');
  });

  it('is what docs/POLICY.md shows (regenerate the page when the policy changes)', () => {
    const page = readFileSync(new URL('../../docs/POLICY.md', import.meta.url), 'utf8');
    expect(page).toContain(markdown.stdout.slice(markdown.stdout.indexOf('### Matrix')));
  });

  it('marks a grant the transfer rules always refuse, when a policy file makes one', async () => {
    const wrong = readFileSync(DEFAULT_POLICY_PATH, 'utf8').replace('categories: [IDENTITY, CONTACT, REFERRAL, REINTEGRATION]', 'categories: [IDENTITY, CONTACT, REFERRAL, REINTEGRATION, ASYLUM_HISTORY]');
    const file = join(dir, 'wrong-grant.yaml');
    writeFileSync(file, wrong);
    const result = await continuum('policy', '--matrix', '--format', 'markdown', '--file', file);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Access policy ${file} (version 1).`);
    expect(matrixOf(result.stdout, splitMarkdown).get('COO_AUTHORITY × REFERRAL')).toMatchObject({ ASYLUM_HISTORY: '— (transfer rule)' });
  });

  it('exits 1 naming the problem for an invalid policy file', async () => {
    const file = join(dir, 'unknown-basis.yaml');
    writeFileSync(file, readFileSync(DEFAULT_POLICY_PATH, 'utf8').replace('basis: CONTRACT', 'basis: GOODWILL'));
    const result = await continuum('policy', '--matrix', '--file', file);
    expect(result).toStrictEqual({ code: 1, stdout: '', stderr: `continuum policy: ${file}: invalid policy: rules.2.grants.0.basis: unknown legal basis "GOODWILL"\n` });
  });

  it('exits 2 without --matrix, showing the usage', async () => {
    const result = await continuum('policy');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^continuum policy: nothing to print: add --matrix\.\n\nUsage: continuum policy --matrix/);
  });

  it('exits 2 for an unknown format, listing the formats', async () => {
    expect(await continuum('policy', '--matrix', '--format', 'html')).toStrictEqual({ code: 2, stdout: '', stderr: 'continuum policy: unknown format "html". Valid formats: text, markdown.\n' });
  });
});
