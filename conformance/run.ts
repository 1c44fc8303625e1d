/**
 * Runs every check in order and writes the report: Markdown, one table per group, each check with
 * its number, what it proves, its result and (for a failure or a check that does not apply) why.
 * The result is failed when any check fails; a check that does not apply does not fail the run.
 */
import { CHECKS } from './checks.js';
import { GROUP_TITLES, GROUPS, Suite, type Outcome, type SuiteOptions } from './suite.js';

export interface CheckResult {
  id: number;
  group: string;
  title: string;
  outcome: Outcome;
}

export interface ConformanceReport {
  url: string;
  name: string;
  results: CheckResult[];
  passed: number;
  failed: number;
  notApplicable: number;
  markdown: string;
}

/** Table cells may not break the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export async function runConformance(options: SuiteOptions, now = new Date()): Promise<ConformanceReport> {
  const suite = new Suite(options);
  const results: CheckResult[] = [];
  for (const check of CHECKS) {
    let outcome: Outcome;
    try {
      outcome = await check.run(suite);
    } catch (error) {
      outcome = { status: 'fail', detail: (error as Error).message };
    }
    results.push({ id: check.id, group: check.group, title: check.title, outcome });
  }
  const count = (status: Outcome['status']) => results.filter((r) => r.outcome.status === status).length;
  const [passed, failed, notApplicable] = [count('pass'), count('fail'), count('n/a')];
  const lines = [
    '# Continuum conformance report',
    '',
    `Endpoint: ${options.url} — subgraph \`${options.name}\` — ${now.toISOString()}`,
    '',
    `Cases asked about: ${options.cases.length}. Keys trusted: ${options.singleKey ? 'one (the current key)' : 'the suite’s key set (current and next)'}.`,
    '',
    `**${failed === 0 ? 'PASSED' : 'FAILED'}**: ${passed} passed, ${failed} failed, ${notApplicable} not applicable, of ${results.length} checks.`,
  ];
  for (const group of GROUPS) {
    lines.push('', `## ${GROUP_TITLES[group]}`, '', '| # | check | result | detail |', '| --- | --- | --- | --- |');
    for (const result of results.filter((r) => r.group === group)) {
      const shown = result.outcome.status === 'pass' ? 'pass' : result.outcome.status === 'fail' ? '**FAIL**' : 'n/a';
      lines.push(`| ${result.id} | ${cell(result.title)} | ${shown} | ${cell(result.outcome.detail ?? '')} |`);
    }
  }
  return { url: options.url, name: options.name, results, passed, failed, notApplicable, markdown: `${lines.join('\n')}\n` };
}
