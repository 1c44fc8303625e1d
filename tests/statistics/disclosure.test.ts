/**
 * Disclosure control, on tables built from hand-made populations: the threshold at its edges, the
 * complementary suppression against an attacker who does margin arithmetic, the differencing
 * attack, and the stability of answers.
 */
import { describe, expect, it } from 'vitest';
import { answer, QuestionBudget, suppressionPattern, THRESHOLD, type Answer, type CaseRecord, type Question } from '../../statistics/index.js';
import { AS_OF, people, person } from './harness.js';

const BY_COUNTRY: Question = { table: 'SUSTAINABILITY', rows: 'COUNTRY_OF_ORIGIN', columns: null, filters: [] };

function cell(result: Answer, row: string, column: string | null = null) {
  const found = result.cells.find((c) => c.row === row && c.column === column);
  if (!found) throw new Error(`no cell ${row}/${column}`);
  return found;
}

describe('the threshold', () => {
  const records = [...people(9, { COUNTRY_OF_ORIGIN: 'IQ' }), ...people(10, { COUNTRY_OF_ORIGIN: 'NG' }), ...people(11, { COUNTRY_OF_ORIGIN: 'EG' }), ...people(30, { COUNTRY_OF_ORIGIN: 'PK' })];
  const result = answer(records, BY_COUNTRY, AS_OF);

  it('suppresses a cell of 9 persons: null, coded SUPPRESSED_SMALL_CELL, its means null too', () => {
    expect(cell(result, 'IQ')).toEqual({
      row: 'IQ',
      column: null,
      count: null,
      status: 'SUPPRESSED_SMALL_CELL',
      measures: ['ECONOMIC', 'SOCIAL', 'PSYCHOSOCIAL'].map((measure) => ({ measure, value: null, status: 'SUPPRESSED_SMALL_CELL' })),
    });
  });

  it('releases a cell of exactly 10 persons, as 10 (a multiple of the rounding base)', () => {
    expect(cell(result, 'NG')).toMatchObject({ count: 10, status: 'RELEASED' });
  });

  it('releases a cell of 11 persons rounded to 10 or 15, never to its true count', () => {
    const { count, status } = cell(result, 'EG');
    expect(status).toBe('RELEASED');
    expect([10, 15]).toContain(count);
  });

  it('releases means only over cells that pass, within the measure range', () => {
    for (const c of result.cells) {
      for (const m of c.measures) {
        if (c.status !== 'RELEASED') {
          expect(m.value).toBeNull();
        } else {
          expect(m.value).toBeGreaterThanOrEqual(0);
          expect(m.value).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('suppresses a mean when fewer than 10 persons of a released cell have a value for it', () => {
    const visited = people(12, { COUNTRY_OF_ORIGIN: 'IQ' }).map((r, i) => ({ ...r, stillInCountry: i < 9 ? true : null }));
    const returns = answer(visited, { table: 'RETURNS', rows: 'COUNTRY_OF_ORIGIN', columns: null, filters: [] }, AS_OF);
    expect(cell(returns, 'IQ').measures[0]).toEqual({ measure: 'STILL_IN_COUNTRY', value: null, status: 'SUPPRESSED_SMALL_CELL' });
    expect(cell(returns, 'IQ').status).toBe('RELEASED');
  });
});

/**
 * An attacker who knows the released cells' TRUE counts (worse than rounding lets anyone know)
 * and every row and column total: it repeatedly solves any row or column with one unknown.
 */
function recoverable(counts: number[][], released: boolean[][]): [number, number][] {
  const known = released.map((row) => [...row]);
  const found: [number, number][] = [];
  const rows = counts.length;
  const columns = counts[0]!.length;
  for (let progress = true; progress; ) {
    progress = false;
    const lines: [number, number][][] = [
      ...Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => [r, c] as [number, number])),
      ...Array.from({ length: columns }, (_, c) => Array.from({ length: rows }, (_, r) => [r, c] as [number, number])),
    ];
    for (const line of lines) {
      const unknown = line.filter(([r, c]) => !known[r]![c]);
      if (unknown.length !== 1) continue;
      const [r, c] = unknown[0]!;
      known[r]![c] = true;
      if (!released[r]![c]) found.push([r, c]);
      progress = true;
    }
  }
  return found;
}

describe('complementary suppression', () => {
  it('leaves no suppressed cell that row and column totals give back', () => {
    // Country of origin × return type with one small cell (IQ, ENFORCED: 4 persons).
    const records = [
      ...people(40, { COUNTRY_OF_ORIGIN: 'IQ', RETURN_TYPE: 'ASSISTED_VOLUNTARY' }),
      ...people(25, { COUNTRY_OF_ORIGIN: 'IQ', RETURN_TYPE: 'VOLUNTARY_DEPARTURE' }),
      ...people(4, { COUNTRY_OF_ORIGIN: 'IQ', RETURN_TYPE: 'ENFORCED' }),
      ...people(30, { COUNTRY_OF_ORIGIN: 'NG', RETURN_TYPE: 'ASSISTED_VOLUNTARY' }),
      ...people(20, { COUNTRY_OF_ORIGIN: 'NG', RETURN_TYPE: 'VOLUNTARY_DEPARTURE' }),
      ...people(15, { COUNTRY_OF_ORIGIN: 'NG', RETURN_TYPE: 'ENFORCED' }),
    ];
    const result = answer(records, { table: 'SUSTAINABILITY', rows: 'COUNTRY_OF_ORIGIN', columns: 'RETURN_TYPE', filters: [] }, AS_OF);
    const rows = [...new Set(result.cells.map((c) => c.row))];
    const columns = [...new Set(result.cells.map((c) => c.column as string))];
    const truth = rows.map((r) => columns.map((c) => records.filter((x) => (r === 'TOTAL' || x.bands.COUNTRY_OF_ORIGIN === r) && (c === 'TOTAL' || x.bands.RETURN_TYPE === c)).length));
    const released = rows.map((r) => columns.map((c) => cell(result, r, c).status === 'RELEASED'));

    expect(cell(result, 'IQ', 'ENFORCED').status).toBe('SUPPRESSED_SMALL_CELL');
    // Without complements, the attacker recomputes the small cell: IQ total minus IQ's released cells.
    const primaryOnly = truth.map((row) => row.map((n) => n >= THRESHOLD));
    expect(recoverable(truth, primaryOnly)).toContainEqual([rows.indexOf('IQ'), columns.indexOf('ENFORCED')]);
    // With them, it recomputes nothing.
    expect(result.cells.filter((c) => c.status === 'SUPPRESSED_COMPLEMENTARY').length).toBeGreaterThan(0);
    expect(recoverable(truth, released)).toEqual([]);
  });

  it('protects a one-dimensional table against its total', () => {
    const result = answer([...people(5, { COUNTRY_OF_ORIGIN: 'IQ' }), ...people(30, { COUNTRY_OF_ORIGIN: 'NG' }), ...people(20, { COUNTRY_OF_ORIGIN: 'EG' })], BY_COUNTRY, AS_OF);
    // Empty bands are suppressed too (a zero is a count), so IQ is not alone; the pattern has no single unknown.
    expect(result.cells.filter((c) => c.status !== 'RELEASED').length).not.toBe(1);
    expect(cell(result, 'IQ').count).toBeNull();
  });

  it('takes a complement when the only suppressed cell of a line would otherwise stand alone', () => {
    // A 3×3 grid with margins where only (0,0) is small.
    const counts = [
      [5, 20, 30, 55],
      [25, 40, 12, 77],
      [30, 60, 42, 132],
    ];
    const pattern = suppressionPattern(counts);
    const released = pattern.map((row) => row.map((s) => s === 'RELEASED'));
    expect(pattern[0]![0]).toBe('SUPPRESSED_SMALL_CELL');
    expect(recoverable(counts, released)).toEqual([]);
  });
});

describe('differencing', () => {
  /**
   * The attack: two questions whose populations differ by one person (everyone in IQ, then
   * everyone in IQ but the vulnerable, where the target is the only vulnerable one). Without
   * perturbation, n·mean of the one minus that of the other is the target's score exactly.
   */
  function populations(secretIndex: number, target: number) {
    const secret = Buffer.from(`synthetic differencing key ${secretIndex}`);
    const others = people(40, { COUNTRY_OF_ORIGIN: 'IQ', VULNERABLE: 'NO' }, 0.3, secret).map((r, i) => ({ ...r, sustainability: { economic: (i % 10) / 10, social: 0.5, psychosocial: 0.5 } }));
    const victim: CaseRecord = person({ COUNTRY_OF_ORIGIN: 'IQ', VULNERABLE: 'YES' }, target, secret);
    return [...others, victim];
  }
  const WITHOUT_VULNERABLE: Question = { ...BY_COUNTRY, filters: [{ dimension: 'VULNERABLE', band: 'NO' }] };

  function attack(secretIndex: number, target: number) {
    const records = populations(secretIndex, target);
    const all = answer(records, BY_COUNTRY, AS_OF);
    const without = answer(records, WITHOUT_VULNERABLE, AS_OF);
    const meanAll = cell(all, 'IQ').measures[0]!.value!;
    const meanWithout = cell(without, 'IQ').measures[0]!.value!;
    // The attacker is even told the true sizes, 41 and 40.
    return { estimate: meanAll * 41 - meanWithout * 40, countDifference: cell(all, 'IQ').count! - cell(without, 'IQ').count! };
  }

  it('is a real attack: the two populations differ by the victim alone, and exact means would give the score back', () => {
    const records = populations(0, 0.87);
    const inAll = records.filter((r) => r.bands.COUNTRY_OF_ORIGIN === 'IQ');
    const inWithout = inAll.filter((r) => r.bands.VULNERABLE === 'NO');
    expect(inAll.filter((r) => !inWithout.includes(r)).map((r) => r.sustainability!.economic)).toEqual([0.87]);
    const sum = (rs: CaseRecord[]) => rs.reduce((total, r) => total + r.sustainability!.economic, 0);
    expect((sum(inAll) / inAll.length) * 41 - (sum(inWithout) / inWithout.length) * 40).toBeCloseTo(0.87, 10);
  });

  it("does not give back the person's score from two released means", () => {
    const trials = Array.from({ length: 60 }, (_, i) => ({ truth: (i % 7) / 7 + 0.05, ...attack(i, (i % 7) / 7 + 0.05) }));
    const close = trials.filter((t) => Math.abs(t.estimate - t.truth) < 0.1).length;
    // Chance alone (an estimate uniform over the noise's spread) lands within ±0.1 about a tenth of the time.
    expect(close / trials.length).toBeLessThan(0.25);
  });

  it('does not tell from two released counts that the populations differ at all, most of the time', () => {
    const differences = Array.from({ length: 60 }, (_, i) => attack(i, 0.5).countDifference);
    expect(differences.every((d) => d % 5 === 0)).toBe(true);
    expect(differences.filter((d) => d === 0).length).toBeGreaterThan(differences.length / 2);
  });
});

describe('stability', () => {
  const base = [
    ...people(23, { YEAR_OF_RETURN: '2024', COUNTRY_OF_ORIGIN: 'IQ' }),
    ...people(7, { YEAR_OF_RETURN: '2024', COUNTRY_OF_ORIGIN: 'NG' }),
    ...people(31, { YEAR_OF_RETURN: '2025', COUNTRY_OF_ORIGIN: 'IQ' }),
    ...people(18, { YEAR_OF_RETURN: '2025', COUNTRY_OF_ORIGIN: 'NG' }),
  ];
  const byYear: Question = { table: 'SUSTAINABILITY', rows: 'YEAR_OF_RETURN', columns: 'COUNTRY_OF_ORIGIN', filters: [] };

  it('answers the same question the same, cell for cell', () => {
    expect(answer(base, byYear, AS_OF)).toEqual(answer([...base].reverse(), byYear, AS_OF));
  });

  it("keeps the published periods' cells as they were when the next period comes in", () => {
    const before = answer(base, byYear, AS_OF);
    const after = answer([...base, ...people(4, { YEAR_OF_RETURN: '2026', COUNTRY_OF_ORIGIN: 'IQ' }), ...people(12, { YEAR_OF_RETURN: '2026', COUNTRY_OF_ORIGIN: 'NG' })], byYear, AS_OF);
    const published = (a: Answer) => a.cells.filter((c) => c.row === '2024' || c.row === '2025');
    expect(published(after)).toEqual(published(before));
    expect(cell(after, '2026', 'IQ').status).toBe('SUPPRESSED_SMALL_CELL');
  });
});

describe('the question budget', () => {
  /** A ledger as the audit log would answer it: the questions recorded per organisation and period. */
  const ledger = (recorded: Record<string, string[]> = {}) => ({ asked: async (organisation: string, period: string) => new Set(recorded[`${period}|${organisation}`] ?? []) });

  it('charges each distinct question once per period, refuses past the limit, and keeps answering what was asked', async () => {
    const budget = new QuestionBudget(2, ledger());
    expect(await budget.spend('EU/EDU/RESEARCH', '2026-06', 'a')).toEqual({ period: '2026-06', spent: 1, limit: 2, repeated: false });
    expect(await budget.spend('EU/EDU/RESEARCH', '2026-06', 'a')).toEqual({ period: '2026-06', spent: 1, limit: 2, repeated: true });
    expect(await budget.spend('EU/EDU/RESEARCH', '2026-06', 'b')).toEqual({ period: '2026-06', spent: 2, limit: 2, repeated: false });
    expect(await budget.spend('EU/EDU/RESEARCH', '2026-06', 'c')).toBeNull();
    expect(await budget.spend('EU/EDU/RESEARCH', '2026-06', 'a')).toMatchObject({ repeated: true });
    expect(await budget.spend('EU/GOV/EU-REINTEGRATION-PROGRAMME', '2026-06', 'c')).toMatchObject({ spent: 1 });
    expect(await budget.spend('EU/EDU/RESEARCH', '2026-07', 'c')).toEqual({ period: '2026-07', spent: 1, limit: 2, repeated: false });
  });

  it('counts what the audit log holds, so another replica or a restart does not reset the budget', async () => {
    const budget = new QuestionBudget(2, ledger({ '2026-06|EU/EDU/RESEARCH': ['a', 'b'] }));
    expect(await budget.spend('EU/EDU/RESEARCH', '2026-06', 'c')).toBeNull();
    expect(await budget.spend('EU/EDU/RESEARCH', '2026-06', 'b')).toEqual({ period: '2026-06', spent: 2, limit: 2, repeated: true });
  });
});
