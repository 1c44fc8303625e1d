/**
 * Answers a question over the joined case records: aggregates every cell and margin in one pass
 * (cost linear in the records), then applies disclosure control (./disclosure.ts). What leaves
 * is the table of released values; the records stay behind.
 */
import { perturbedMean, roundCount, suppressionPattern, THRESHOLD, ROUNDING_BASE, type CellStatus } from './disclosure.js';
import { bandsOf, PERIOD_DIMENSION, TABLES, type CaseRecord, type Question } from './tables.js';

export const TOTAL = 'TOTAL';

export interface MeasureValue {
  measure: string;
  /** null when the cell is suppressed, or fewer than THRESHOLD of its persons have a value. */
  value: number | null;
  status: CellStatus;
}

export interface Cell {
  row: string;
  /** null in a one-dimensional table. */
  column: string | null;
  /** Rounded to ROUNDING_BASE; null when suppressed. */
  count: number | null;
  status: CellStatus;
  measures: MeasureValue[];
}

export interface Answer extends Question {
  asOf: string;
  threshold: number;
  roundingBase: number;
  cells: Cell[];
  /** Cells (margins included) released as null. */
  suppressedCells: number;
}

interface Accumulator {
  n: number;
  /** Sum of the persons' record keys, mod 2^32: the cell key. */
  key: number;
  sums: number[];
  valued: number[];
}

export function answer(records: Iterable<CaseRecord>, question: Question, asOf: string): Answer {
  const table = TABLES[question.table];
  const rowBands = bandsOf(question.rows, asOf);
  const columnBands = question.columns ? bandsOf(question.columns, asOf) : null;
  const width = columnBands ? columnBands.length + 1 : 1;
  const height = rowBands.length + 1;
  const measures = table.measures;
  const cells: Accumulator[] = Array.from({ length: height * width }, () => ({ n: 0, key: 0, sums: measures.map(() => 0), valued: measures.map(() => 0) }));
  const rowIndex = new Map(rowBands.map((band, i) => [band, i]));
  const columnIndex = new Map((columnBands ?? []).map((band, i) => [band, i]));
  const add = (cell: Accumulator, record: CaseRecord, values: (number | null)[]) => {
    cell.n++;
    cell.key = (cell.key + record.key) >>> 0;
    for (let m = 0; m < values.length; m++) {
      const v = values[m];
      if (v === null || v === undefined) continue;
      cell.sums[m]! += v;
      cell.valued[m]!++;
    }
  };

  for (const record of records) {
    if (!table.population(record)) continue;
    if (!question.filters.every((f) => record.bands[f.dimension] === f.band)) continue;
    const r = rowIndex.get(record.bands[question.rows]);
    if (r === undefined) continue;
    const values = measures.map((m) => m.value(record));
    if (columnBands) {
      const c = columnIndex.get(record.bands[question.columns!]);
      if (c === undefined) continue;
      add(cells[r * width + c]!, record, values);
      add(cells[r * width + width - 1]!, record, values);
      add(cells[(height - 1) * width + c]!, record, values);
    }
    add(cells[(height - 1) * width + width - 1]!, record, values);
    if (!columnBands) add(cells[r]!, record, values);
  }

  const counts = Array.from({ length: height }, (_, r) => Array.from({ length: width }, (_, c) => cells[r * width + c]!.n));
  const periodAxis = question.rows === PERIOD_DIMENSION ? 'rows' : question.columns === PERIOD_DIMENSION ? 'columns' : null;
  const pattern = suppressionPattern(counts, periodAxis);
  const released: Cell[] = [];
  let suppressedCells = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const cell = cells[r * width + c]!;
      const status = pattern[r]![c]!;
      if (status !== 'RELEASED') suppressedCells++;
      released.push({
        row: r === height - 1 ? TOTAL : rowBands[r]!,
        column: columnBands ? (c === width - 1 ? TOTAL : columnBands[c]!) : null,
        count: status === 'RELEASED' ? roundCount(cell.n, cell.key) : null,
        status,
        measures: measures.map((measure, m) => {
          if (status !== 'RELEASED') return { measure: measure.name, value: null, status };
          // Means only over cells that pass, and only when enough of the cell's persons have a value.
          if (cell.valued[m]! < THRESHOLD) return { measure: measure.name, value: null, status: 'SUPPRESSED_SMALL_CELL' };
          return { measure: measure.name, value: perturbedMean(cell.sums[m]!, cell.valued[m]!, cell.key, m, measure.range), status: 'RELEASED' };
        }),
      });
    }
  }
  return { ...question, asOf, threshold: THRESHOLD, roundingBase: ROUNDING_BASE, cells: released, suppressedCells };
}
