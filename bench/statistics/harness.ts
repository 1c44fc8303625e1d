/**
 * The statistics benchmark (docs/BENCHMARKS.md § Statistics): the embedded default — PGlite in
 * memory, every system and the gateway in this process — seeded with N synthetic cases, then
 * declared tables asked over HTTP as a researcher. Per size it reports the end-to-end latency of
 * each question and, apart, the hub's own share (join and disclosure control over the same
 * contributions, in memory), so the growth with N can be read per part.
 */
import { performance } from 'node:perf_hooks';
import { createDevIdentities, issueDevToken } from '../../auth/dev-identities.js';
import { startFederation } from '../../gateway/embedded.js';
import { answer, joinContributions, referenceDate, type Contributions, type Question } from '../../statistics/index.js';
import { openPglite } from '../../store/index.js';
import { syntheticCases } from '../../subgraphs/kit/index.js';

export interface StatisticsBenchOptions {
  sizes: readonly number[];
  /** Timed requests per question and size (after one warm-up). */
  runs: number;
  log?: (line: string) => void;
}

export interface QuestionTiming {
  question: string;
  medianMs: number;
  maxMs: number;
  /**
   * CPU time of this process per request (median): every system, the gateway and PGlite run in it,
   * so this is the request's whole cost, whatever else the machine is doing.
   */
  cpuMs: number;
  suppressedCells: number;
  cells: number;
}

export interface SizeResult {
  cases: number;
  seedMs: number;
  questions: QuestionTiming[];
  /** The hub's join and disclosure control alone, per question (median). */
  hubMs: number;
}

export const QUESTIONS: readonly { name: string; question: Question }[] = [
  { name: 'RETURNS by COUNTRY_OF_ORIGIN', question: { table: 'RETURNS', rows: 'COUNTRY_OF_ORIGIN', columns: null, filters: [] } },
  { name: 'SUSTAINABILITY by YEAR_OF_RETURN × VULNERABLE', question: { table: 'SUSTAINABILITY', rows: 'YEAR_OF_RETURN', columns: 'VULNERABLE', filters: [] } },
  { name: 'ASSISTANCE by AGE_BAND × MONTHS_SINCE_RETURN, MEMBER_STATE = BE', question: { table: 'ASSISTANCE', rows: 'AGE_BAND', columns: 'MONTHS_SINCE_RETURN', filters: [{ dimension: 'MEMBER_STATE', band: 'BE' }] } },
];

const QUERY = `query Bench($table: StatisticsTable!, $rows: StatisticsDimension!, $columns: StatisticsDimension, $filters: [StatisticsFilterInput!]) {
  statistics(table: $table, rows: $rows, columns: $columns, filters: $filters) { suppressedCells cells { row column count status measures { value } } }
}`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** What the systems contribute for these cases, columnar, as the hub receives it (SYNTHETIC). */
export function syntheticContributions(n: number): Contributions {
  const caseIndex = { subjects: [] as string[], owningMemberStates: [] as string[], countriesOfOrigin: [] as string[], returnTypes: [] as Contributions['caseIndex']['returnTypes'], returnedOn: [] as (string | null)[] };
  const memberState = { subjects: [] as string[], yearsOfBirth: [] as (number | null)[], vulnerable: [] as (boolean | null)[] };
  const partner = { subjects: [] as string[], assistance: [] as Contributions['partners'][number]['assistance'], visits: [] as number[], stillInCountry: [] as (boolean | null)[], economic: [] as (number | null)[], social: [] as (number | null)[], psychosocial: [] as (number | null)[] };
  for (const c of syntheticCases(n)) {
    caseIndex.subjects.push(c.ref);
    caseIndex.owningMemberStates.push(c.owningMemberState);
    caseIndex.countriesOfOrigin.push(c.countryOfOrigin);
    caseIndex.returnTypes.push(c.returnType);
    caseIndex.returnedOn.push(c.returnedOn);
    const v = c.vulnerability;
    memberState.subjects.push(c.ref);
    memberState.yearsOfBirth.push(Number(c.person.dateOfBirth.slice(0, 4)));
    memberState.vulnerable.push(v ? v.unaccompaniedMinor || v.victimOfTrafficking || v.disability || v.singleParent : null);
    const p = c.partnerFile;
    if (p) {
      partner.subjects.push(c.ref);
      partner.assistance.push([...new Set(p.assistance.map((a) => a.kind))]);
      partner.visits.push(p.visits.length);
      partner.stillInCountry.push(p.visits.at(-1)?.stillInCountry ?? null);
      partner.economic.push(p.sustainability?.economic ?? null);
      partner.social.push(p.sustainability?.social ?? null);
      partner.psychosocial.push(p.sustainability?.psychosocial ?? null);
    }
  }
  return { caseIndex, memberStates: [memberState], partners: [partner] };
}

export async function runStatisticsBench(options: StatisticsBenchOptions): Promise<SizeResult[]> {
  const log = options.log ?? (() => {});
  const results: SizeResult[] = [];
  for (const cases of options.sizes) {
    const db = await openPglite();
    const identities = await createDevIdentities();
    const seedStarted = performance.now();
    const federation = await startFederation({ db, trust: identities.trust, seedCases: cases, logLevel: 'silent', subgraphPortBase: 0, gatewayPort: 0, development: false });
    const seedMs = Math.round(performance.now() - seedStarted);
    log(`${cases} cases: federation up and seeded in ${seedMs} ms`);
    try {
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${await issueDevToken(identities, 'researcher')}`, 'x-purpose': 'STATISTICS' };
      const questions: QuestionTiming[] = [];
      for (const { name, question } of QUESTIONS) {
        const times: number[] = [];
        const cpu: number[] = [];
        let last: { suppressedCells: number; cells: unknown[] } | undefined;
        for (let run = 0; run <= options.runs; run++) {
          const started = performance.now();
          const cpuStarted = process.cpuUsage();
          const response = await fetch(federation.gateway.url, { method: 'POST', headers, body: JSON.stringify({ query: QUERY, variables: question }) });
          const body = (await response.json()) as { data?: { statistics: { suppressedCells: number; cells: unknown[] } }; errors?: { message: string }[] };
          if (!body.data?.statistics) throw new Error(`${name}: ${body.errors?.[0]?.message ?? 'no answer'}`);
          if (run > 0) {
            times.push(performance.now() - started);
            const used = process.cpuUsage(cpuStarted);
            cpu.push((used.user + used.system) / 1000);
          }
          last = body.data.statistics;
        }
        questions.push({ question: name, medianMs: Math.round(median(times)), maxMs: Math.round(Math.max(...times)), cpuMs: Math.round(median(cpu)), suppressedCells: last!.suppressedCells, cells: last!.cells.length });
        log(`  ${name}: median ${questions.at(-1)!.medianMs} ms, max ${questions.at(-1)!.maxMs} ms, CPU ${questions.at(-1)!.cpuMs} ms`);
      }
      const contributions = syntheticContributions(cases);
      const secret = Buffer.from('synthetic benchmark record key');
      const asOf = referenceDate(new Date());
      const hubTimes: number[] = [];
      for (let run = 0; run <= options.runs; run++) {
        const started = performance.now();
        const records = joinContributions(contributions, secret, asOf);
        for (const { question } of QUESTIONS) answer(records, question, asOf);
        if (run > 0) hubTimes.push((performance.now() - started) / QUESTIONS.length);
      }
      const hubMs = Math.round(median(hubTimes));
      log(`  hub join + disclosure control alone: ${hubMs} ms per question`);
      results.push({ cases, seedMs, questions, hubMs });
    } finally {
      await federation.close();
      await db.close();
    }
  }
  return results;
}

/** The results as the Markdown table docs/BENCHMARKS.md records. */
export function renderStatisticsReport(results: readonly SizeResult[]): string {
  const lines = ['| cases | question | median ms | max ms | CPU ms (median) | CPU ms per 10k cases | cells (suppressed) |', '| ---: | --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of results) {
    for (const q of r.questions) lines.push(`| ${r.cases} | ${q.question} | ${q.medianMs} | ${q.maxMs} | ${q.cpuMs} | ${((q.cpuMs * 10_000) / r.cases).toFixed(1)} | ${q.cells} (${q.suppressedCells}) |`);
    lines.push(`| ${r.cases} | hub join + disclosure control alone | ${r.hubMs} | | | ${((r.hubMs * 10_000) / r.cases).toFixed(1)} | |`);
  }
  return lines.join('\n');
}
