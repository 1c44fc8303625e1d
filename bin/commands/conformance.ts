/**
 * `continuum conformance <url> --name NAME --keys DIR --cases REF,REF[,…] [--single-key] [--remit A,B] [--out FILE]`
 * `continuum conformance keygen --out DIR`
 *
 * Runs the conformance suite (conformance/) against an endpoint — kit, edge or home-grown — and
 * prints the Markdown report (or writes it to --out). The suite acts as the hub: it signs contexts
 * with its own keys, made once with `keygen`, which the endpoint is configured to trust
 * (DIR/jwks.json as a key set, or DIR/current.jwk.json as one key with --single-key).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { generateSuiteKeys, KEY_FILES, loadSuiteKeys, runConformance, SuiteKeyError } from '../../conformance/index.js';
import { isCaseRef } from '../../schema/scalars.js';
import { DATA_CATEGORIES, type DataCategory } from '../../schema/vocabulary.js';
import type { SubcommandHandler } from './types.js';
import { parseCommand, usageError, type CommandSpec } from './usage.js';

export const SPEC = {
  name: 'conformance',
  summary: 'Check that an endpoint (kit, edge or your own) speaks the partner protocol (docs/PARTNER-PROTOCOL.md): numbered checks, a Markdown report.',
  usage: 'Usage: continuum conformance <url> --name NAME --keys DIR --cases REF,REF[,REF…] [options]\n       continuum conformance keygen --out DIR',
  options: {
    name: { type: 'string', value: 'NAME', description: "the subgraph's registered name (the audience of the suite's contexts)" },
    keys: { type: 'string', value: 'DIR', description: 'the suite\'s keys, made with "continuum conformance keygen --out DIR"' },
    cases: { type: 'string', value: 'REF,REF', description: 'at least two case references the endpoint holds data for, comma-separated' },
    'single-key': { type: 'boolean', description: 'the endpoint trusts one key (DIR/current.jwk.json) rather than the key set: rotation checks do not apply' },
    remit: { type: 'string', value: 'A,B', description: "the categories the participant may contribute (checks the schema stays within them)" },
    out: { type: 'string', value: 'FILE', description: 'write the report to FILE instead of stdout' },
    'timeout-ms': { type: 'string', value: 'N', description: 'how long to wait for each answer (default 10000)' },
  },
  notes: [
    `Trust the suite before running it: an edge with jwksFile = DIR/${KEY_FILES.jwks}; a kit subgraph with DIR/${KEY_FILES.current} as its contextKey (and --single-key).`,
    'The report names fields, paths and codes, never a value the endpoint returned.',
    'Exit status: 0 every check passed (or does not apply), 1 a check failed or the suite could not run, 2 usage error.',
  ].join('\n'),
} satisfies CommandSpec;

export const KEYGEN_SPEC = {
  name: 'conformance keygen',
  summary: "Make the suite's keys: the key set an endpoint trusts (current and next key), the current key alone, and the private halves.",
  options: { out: { type: 'string', value: 'DIR', description: 'the directory to write them to (created if missing)' } },
  notes: `Writes DIR/${KEY_FILES.jwks}, DIR/${KEY_FILES.current} and DIR/${KEY_FILES.private} (mode 0600). Exit status: 0 written, 2 usage error.`,
} satisfies CommandSpec;

const Options = z.object({
  url: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }),
  name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be the registered subgraph name: lower case, digits and dashes'),
  cases: z.array(z.string().refine(isCaseRef, 'each must be a case reference EU-YYYY-NNNNNN')).min(2, 'needs at least two case references'),
  remit: z.array(z.enum(DATA_CATEGORIES)).optional(),
  timeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

const list = (value: string | undefined) => (value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean));

async function keygen(args: string[]): Promise<number> {
  const parsed = parseCommand(KEYGEN_SPEC, args);
  if (typeof parsed === 'number') return parsed;
  if (!parsed.values.out) return usageError(KEYGEN_SPEC, 'missing --out.');
  await generateSuiteKeys(parsed.values.out);
  console.log(`Wrote the suite's keys to ${parsed.values.out}. Configure the endpoint to trust ${join(parsed.values.out, KEY_FILES.jwks)} (or ${join(parsed.values.out, KEY_FILES.current)} for one key).`);
  return 0;
}

export const run: SubcommandHandler = async (args) => {
  if (args[0] === 'keygen') return keygen(args.slice(1));
  const [first, ...rest] = args;
  const url = first !== undefined && !first.startsWith('-') ? first : undefined;
  const parsed = parseCommand(SPEC, url === undefined ? args : rest);
  if (typeof parsed === 'number') return parsed;
  if (url === undefined) return usageError(SPEC, 'the endpoint URL comes first.');
  const missing = (['name', 'keys', 'cases'] as const).filter((option) => !parsed.values[option]);
  if (missing.length > 0) return usageError(SPEC, `missing ${missing.map((option) => `--${option}`).join(', ')}.`);
  const options = Options.safeParse({ url, name: parsed.values.name, cases: list(parsed.values.cases), remit: list(parsed.values.remit), timeoutMs: parsed.values['timeout-ms'] });
  if (!options.success) {
    const issue = options.error.issues[0]!;
    const option = issue.path[0] === 'timeoutMs' ? 'timeout-ms' : String(issue.path[0]);
    return usageError(SPEC, `${option === 'url' ? '<url>' : `--${option}`} ${issue.message}.`);
  }
  let keys;
  try {
    keys = await loadSuiteKeys(parsed.values.keys!);
  } catch (error) {
    if (!(error instanceof SuiteKeyError)) throw error;
    console.error(error.message);
    return 1;
  }
  const report = await runConformance({
    url: options.data.url,
    name: options.data.name,
    keys,
    singleKey: parsed.values['single-key'] === true,
    cases: options.data.cases,
    ...(options.data.remit ? { remit: options.data.remit as DataCategory[] } : {}),
    timeoutMs: options.data.timeoutMs,
  });
  if (parsed.values.out) {
    writeFileSync(parsed.values.out, report.markdown);
    console.error(`conformance: ${report.failed === 0 ? 'passed' : 'FAILED'} (${report.passed} passed, ${report.failed} failed, ${report.notApplicable} not applicable); report in ${parsed.values.out}.`);
  } else {
    process.stdout.write(report.markdown);
  }
  return report.failed === 0 ? 0 : 1;
};

