/**
 * Loading the policy: the shipped file is valid, and each kind of mistake stops the hub at
 * start-up with a PolicyError that names the file and the path of the offending setting.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_PATH, loadPolicy, PolicyError } from '../../auth/policy.js';

const SHIPPED = readFileSync(DEFAULT_POLICY_PATH, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'continuum-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes auth/policy.yaml with one replacement applied, and returns the file's path. */
function policyFileWith(name: string, from: string, to: string): string {
  const changed = SHIPPED.replace(from, to);
  if (changed === SHIPPED) throw new Error(`fixture: "${from}" is not in auth/policy.yaml`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, changed);
  return file;
}

function loadError(file: string): PolicyError {
  try {
    loadPolicy(file);
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error(`${file} loaded without error`);
}

describe('loadPolicy', () => {
  it('loads the shipped policy', () => {
    const policy = loadPolicy();
    expect(policy.document.rules.map((rule) => rule.id)).toContain('partner.continuity-of-care');
    expect(policy.grantsFor(['REINTEGRATION_PARTNER'], 'CONTINUITY_OF_CARE').get('HEALTH')).toEqual([
      { rule: 'partner.continuity-of-care', relationship: 'ASSIGNED_PARTNER', basis: 'EXPLICIT_CONSENT', consent: true },
    ]);
  });

  it.each([
    {
      mistake: 'an unknown role',
      from: 'roles: [REINTEGRATION_PARTNER]\n    purposes: [REINTEGRATION_ASSISTANCE]',
      to: 'roles: [REINTEGRATION_PARTNR]\n    purposes: [REINTEGRATION_ASSISTANCE]',
      problem: /rules\.2\.roles\.0: Invalid option: expected one of "MS_COUNSELLOR"\|/,
    },
    { mistake: 'an unknown legal basis', from: 'basis: CONTRACT', to: 'basis: GOODWILL', problem: /rules\.2\.grants\.0\.basis: unknown legal basis "GOODWILL"/ },
    { mistake: 'a duplicate rule id', from: 'id: partner.continuity-of-care', to: 'id: partner.reintegration', problem: /rules\.3\.id: duplicate rule id "partner\.reintegration"/ },
    {
      mistake: 'a grant of NOT_PERSONAL',
      from: 'categories: [STATISTICS]',
      to: 'categories: [STATISTICS, NOT_PERSONAL]',
      problem: /rules\.5\.grants\.0\.categories\.1: NOT_PERSONAL needs no grant/,
    },
    { mistake: 'an unknown role allowed to change transfer bases', from: 'transferBases: [MS_CASE_OFFICER]', to: 'transferBases: [MS_LAWYER]', problem: /changes\.transferBases\.0: Invalid option: expected one of "MS_COUNSELLOR"\|/ },
    { mistake: 'a derogation limit of no days', from: 'derogationMaxDays: 90', to: 'derogationMaxDays: 0', problem: /transfers\.derogationMaxDays: Too small: expected number to be >=1/ },
  ])('refuses $mistake with a PolicyError naming the file and the path', ({ mistake, from, to, problem }) => {
    const file = policyFileWith(mistake.replace(/ /g, '-'), from, to);
    const error = loadError(file);
    expect(error.name).toBe('PolicyError');
    expect(error.message.startsWith(`${file}: invalid policy: `)).toBe(true);
    expect(error.message).toMatch(problem);
  });

  it("refuses a policy that does not name the EU programme's organisation", () => {
    const file = policyFileWith('no-programme', 'parties:\n  EU_PROGRAMME: EU/GOV/EU-REINTEGRATION-PROGRAMME\n', '');
    expect(loadError(file).message).toBe(`${file}: invalid policy: parties: Invalid input: expected object, received undefined`);
  });

  it('refuses a programme organisation that is not an X-Road style identifier', () => {
    const file = policyFileWith('bad-programme', 'EU_PROGRAMME: EU/GOV/EU-REINTEGRATION-PROGRAMME\n', 'EU_PROGRAMME: the programme\n');
    expect(loadError(file).message).toBe(`${file}: invalid policy: parties.EU_PROGRAMME: must be an X-Road style organisation identifier INSTANCE/CLASS/CODE`);
  });

  it('refuses a file that is not YAML, naming the file', () => {
    const file = join(dir, 'not-yaml.yaml');
    writeFileSync(file, 'rules: [unclosed\n');
    expect(loadError(file).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid YAML: `));
  });
});
