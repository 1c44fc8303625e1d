/**
 * `continuum policy --matrix [--format text|markdown] [--file PATH]`
 *
 * Prints the access policy as a DPO reads it: one row per (role, purpose), one column per data
 * category; a cell names the legal basis, `+consent` when the data subject's consent is also
 * required, and `—` when nothing is released. Then the rule behind each row and the relationship to
 * the case it requires, the legal bases and relationships in full, and the transfer rules. The
 * policy is validated exactly as the hub validates it at start-up, so a proposed change can be
 * reviewed (and refused) before it is deployed: `--file` points at the proposal.
 */
import { fileURLToPath } from 'node:url';
import { DEFAULT_POLICY_PATH, loadPolicy, PolicyError, type Policy } from '../../auth/policy.js';
import { ROLES, type Role } from '../../auth/roles.js';
import { DATA_CATEGORIES, PURPOSES, type DataCategory, type Purpose } from '../../contract/index.js';
import { EXIT_USAGE, type SubcommandHandler } from './types.js';
import { parseCommand, usageError as usageErrorWithUsage, type CommandSpec } from './usage.js';

const FORMATS = ['text', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

export const SPEC = {
  name: 'policy',
  summary: 'Print the access policy as a table a data protection officer can read.',
  usage: 'Usage: continuum policy --matrix [--format text|markdown] [--file PATH]',
  options: {
    matrix: { type: 'boolean', description: 'print the role × purpose × category matrix, the rules, the legal bases and the transfer rules' },
    format: { type: 'string', value: FORMATS.join('|'), default: 'text', description: 'text (default) or markdown' },
    file: { type: 'string', value: 'PATH', description: 'the policy file (default auth/policy.yaml); validated as the hub does at start-up' },
  },
  notes: 'Exit status: 0 printed, 1 invalid policy file, 2 usage error.',
} satisfies CommandSpec;

/** Marks a cell the policy does not release. */
export const NOT_RELEASED = '—';
/** Every category a field can carry, knowing a case exists (CASE_ADMIN) first. */
const CATEGORIES = ['CASE_ADMIN', ...DATA_CATEGORIES.filter((c) => c !== 'NOT_PERSONAL' && c !== 'CASE_ADMIN')] as Exclude<DataCategory, 'NOT_PERSONAL'>[];

export interface MatrixRow {
  role: Role;
  /** null for a role no rule names: it is released nothing, for any purpose. */
  purpose: Purpose | null;
  rules: string[];
  relationships: string[];
  cells: Record<string, string>;
}

/** The matrix, in the order of the role and purpose vocabularies. */
export function policyMatrix(policy: Policy): MatrixRow[] {
  const { rules, transfers } = policy.document;
  const rows: MatrixRow[] = [];
  for (const role of ROLES) {
    const ruling = rules.filter((rule) => rule.roles.includes(role));
    const purposes = PURPOSES.filter((purpose) => ruling.some((rule) => rule.purposes.includes(purpose)));
    if (purposes.length === 0) {
      rows.push({ role, purpose: null, rules: [], relationships: [], cells: Object.fromEntries(CATEGORIES.map((c) => [c, NOT_RELEASED])) });
      continue;
    }
    for (const purpose of purposes) {
      const applying = ruling.filter((rule) => rule.purposes.includes(purpose));
      const grants = policy.grantsFor([role], purpose);
      const cells: Record<string, string> = {};
      for (const category of CATEGORIES) {
        const neverToAuthority = role === 'COO_AUTHORITY' && transfers.neverToCountryOfOriginAuthorities.includes(category);
        const bases = [...new Set((grants.get(category) ?? []).map((grant) => `${grant.basis}${grant.consent ? ' +consent' : ''}`))];
        cells[category] = bases.length === 0 ? NOT_RELEASED : neverToAuthority ? `${NOT_RELEASED} (transfer rule)` : bases.join(' / ');
      }
      rows.push({ role, purpose, rules: applying.map((rule) => rule.id), relationships: [...new Set(applying.map((rule) => rule.relationship))], cells });
    }
  }
  return rows;
}

type Table = { header: string[]; rows: string[][] };

function matrixTable(policy: Policy): Table {
  return {
    header: ['role', 'purpose', 'rule', 'relationship required', ...CATEGORIES],
    rows: policyMatrix(policy).map((row) => [
      row.role,
      row.purpose ?? '(any)',
      row.rules.join(', ') || '(none)',
      row.relationships.join(', ') || NOT_RELEASED,
      ...CATEGORIES.map((c) => row.cells[c] as string),
    ]),
  };
}

function rulesTable(policy: Policy): Table {
  return {
    header: ['rule', 'roles', 'purposes', 'relationship required', 'description'],
    rows: policy.document.rules.map((rule) => [rule.id, rule.roles.join(', '), rule.purposes.join(', '), rule.relationship, rule.description]),
  };
}

const legendTable = (name: string, entries: Record<string, string>): Table => ({ header: [name, 'meaning'], rows: Object.entries(entries) });

function transfersTable(policy: Policy): Table {
  const { transfers } = policy.document;
  return {
    header: ['transfer rule (GDPR Chapter V)', 'value'],
    rows: [
      ['recipients outside the EU/EEA need', 'a transfer basis in force (recorded, not revoked, today within its validity) for the (owning Member State, recipient) pair'],
      ['special categories leave the EU/EEA only for', transfers.specialCategoryPurposes.join(', ')],
      ['never sent to a country-of-origin authority', transfers.neverToCountryOfOriginAuthorities.join(', ')],
      ['EU/EEA (no transfer)', transfers.euEea.join(', ')],
      ['an Art. 49 derogation must end at most', `${transfers.derogationMaxDays} days after its first day`],
    ],
  };
}

function changesTable(policy: Policy): Table {
  const { changes } = policy.document;
  return {
    header: ['what the gates read', 'changed through the typed API by', 'only for'],
    rows: [
      ['consents (recordConsent, withdrawConsent)', changes.consents.join(', ') || NOT_RELEASED, "the cases their own Member State owns"],
      ['transfer bases (recordTransferBasis, revokeTransferBasis, transferBases)', changes.transferBases.join(', ') || NOT_RELEASED, 'their own Member State as exporter'],
    ],
  };
}

function renderText({ header, rows }: Table): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function renderMarkdown({ header, rows }: Table): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const line = (cells: string[]) => `| ${cells.map(escape).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The whole report in one format. */
export function renderPolicy(policy: Policy, format: Format, source: string): string {
  const render = format === 'markdown' ? renderMarkdown : renderText;
  const heading = (title: string) => (format === 'markdown' ? `### ${title}` : `${title}\n${'='.repeat(title.length)}`);
  const sections: [string, string][] = [
    ['Matrix: role × purpose → legal basis per category', render(matrixTable(policy))],
    ['Rules and the relationship to the case each requires', render(rulesTable(policy))],
    ['Legal bases', render(legendTable('basis', policy.document.legalBases))],
    ['Relationships', render(legendTable('relationship', policy.document.relationships))],
    ['Parties the relationships name', render({ header: ['relationship', 'holds only for the organisation'], rows: Object.entries(policy.document.parties) })],
    ['Transfers to third countries', render(transfersTable(policy))],
    ['Who may change consents and transfer bases', render(changesTable(policy))],
  ];
  const intro = [
    `Access policy ${source} (version ${policy.document.version}).`,
    `A cell names the legal basis; "+consent": the data subject's consent is also required; "${NOT_RELEASED}": not released.`,
    'A released cell still needs, per case: the rule\'s relationship to the case, consent where marked, and the transfer gate.',
  ];
  return `${[intro.join('\n'), ...sections.map(([title, body]) => `${heading(title)}\n\n${body}`)].join('\n\n')}\n`;
}

function usageError(message: string): number {
  console.error(`continuum policy: ${message}`);
  return EXIT_USAGE;
}

export const run: SubcommandHandler = async (args) => {
  const parsed = parseCommand(SPEC, args);
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (!values.matrix) return usageErrorWithUsage(SPEC, 'nothing to print: add --matrix.');
  const format = values.format as string;
  if (!(FORMATS as readonly string[]).includes(format)) return usageError(`unknown format "${format}". Valid formats: ${FORMATS.join(', ')}.`);
  let policy: Policy;
  try {
    policy = loadPolicy(values.file ?? DEFAULT_POLICY_PATH);
  } catch (error) {
    if (error instanceof PolicyError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`continuum policy: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
  const source = values.file ?? 'auth/policy.yaml';
  process.stdout.write(renderPolicy(policy, format as Format, source === fileURLToPath(DEFAULT_POLICY_PATH) ? 'auth/policy.yaml' : source));
  return 0;
};
