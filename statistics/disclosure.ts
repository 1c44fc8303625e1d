/**
 * Disclosure control (docs/STATISTICS.md): what makes a released table safe to publish.
 *
 * - Threshold: no cell built from fewer than THRESHOLD persons is released (SUPPRESSED_SMALL_CELL).
 * - Complementary suppression: every row and column of the table, margins included, holds either
 *   no suppressed cell or at least two, so no suppressed cell is the difference of a total and
 *   released cells (SUPPRESSED_COMPLEMENTARY). 2×2 rectangles, as in the hypercube method.
 * - The cell-key method (ONS, ABS): every case has a record key, a cell's key is the sum of its
 *   persons' keys. Counts are randomly rounded to ROUNDING_BASE and sums perturbed with noise
 *   drawn from the cell key: the same population always gets the same released value (asking
 *   again gains nothing), and two populations one person apart get unrelated perturbations
 *   (differencing reveals nothing about that person).
 *
 * Pure functions: the pattern and the values depend only on the cells given.
 */

/** No released cell is built from fewer persons. */
export const THRESHOLD = 10;
/** Released counts are multiples of this. */
export const ROUNDING_BASE = 5;

export type CellStatus = 'RELEASED' | 'SUPPRESSED_SMALL_CELL' | 'SUPPRESSED_COMPLEMENTARY';

const TWO_32 = 4_294_967_296;

/** A 32-bit mix (murmur3's finaliser): spreads a cell key into an independent uniform draw. */
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform draw in [0, 1) for one use (`salt`) of a cell key. */
export function draw(cellKey: number, salt: number): number {
  return mix((cellKey ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0) / TWO_32;
}

/**
 * Unbiased random rounding to ROUNDING_BASE, driven by the cell key: n is rounded up with
 * probability (n mod base) / base, so the expected released count is the true one.
 */
export function roundCount(n: number, cellKey: number): number {
  const remainder = n % ROUNDING_BASE;
  if (remainder === 0) return n;
  return n - remainder + (draw(cellKey, 0) < remainder / ROUNDING_BASE ? ROUNDING_BASE : 0);
}

/**
 * The noise added to a cell's sum of one measure: Laplace with scale half the measure's range (one
 * person's largest possible contribution), cut at twice the range, drawn from the cell key.
 */
export function sumNoise(cellKey: number, measure: number, range: number): number {
  const u = draw(cellKey, measure + 1) - 0.5;
  const scale = range / 2;
  const value = -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  return Math.max(-2 * range, Math.min(2 * range, value));
}

/** The released mean of a measure: perturbed sum over the persons with a value, within range, 2 decimals. */
export function perturbedMean(sum: number, n: number, cellKey: number, measure: number, range: readonly [number, number]): number {
  const mean = (sum + sumNoise(cellKey, measure, range[1] - range[0])) / n;
  return Math.round(Math.max(range[0], Math.min(range[1], mean)) * 100) / 100;
}

/**
 * The suppression pattern of a table with margins, laid out as a grid: `counts[r][c]` is the true
 * count of row r, column c; the last row and the last column are the margins (the last cell the
 * grand total). A one-dimensional table is a grid of one column whose last row is the total.
 *
 * `periodAxis` names the axis whose bands are reporting periods ('rows' or 'columns'), if any:
 * complements for a cell are then taken in its own period and in the margins, never in another
 * period, so adding a period changes nothing already published.
 */
export function suppressionPattern(counts: readonly (readonly number[])[], periodAxis: 'rows' | 'columns' | null = null): CellStatus[][] {
  const rows = counts.length;
  const columns = counts[0]?.length ?? 0;
  const status: CellStatus[][] = counts.map((row) => row.map((n) => (n < THRESHOLD ? 'SUPPRESSED_SMALL_CELL' : 'RELEASED')));
  const suppressed = (r: number, c: number) => status[r]![c] !== 'RELEASED';
  const inRow = (r: number) => status[r]!.filter((s) => s !== 'RELEASED').length;
  const inColumn = (c: number) => status.filter((row) => row[c] !== 'RELEASED').length;
  const complement = (r: number, c: number) => {
    if (!suppressed(r, c)) status[r]![c] = 'SUPPRESSED_COMPLEMENTARY';
  };

  if (columns === 1) {
    // One dimension: one equation (cells sum to the total); a lone suppressed cell takes a second.
    if (inColumn(0) !== 1) return status;
    const last = rows - 1;
    if (periodAxis === 'rows' && !suppressed(last, 0)) {
      complement(last, 0);
      return status;
    }
    let best = -1;
    for (let r = 0; r < rows; r++) if (!suppressed(r, 0) && (best < 0 || counts[r]![0]! < counts[best]![0]!)) best = r;
    if (best >= 0) complement(best, 0);
    return status;
  }

  // Two dimensions: for each suppressed cell alone in its row or column, suppress the cheapest
  // rectangle through it (fewest persons newly hidden, then the first in band order), until every
  // row and column holds none or at least two.
  for (let changed = true; changed; ) {
    changed = false;
    for (let r = 0; r < rows && !changed; r++) {
      for (let c = 0; c < columns && !changed; c++) {
        if (!suppressed(r, c) || (inRow(r) !== 1 && inColumn(c) !== 1)) continue;
        let best: { r: number; c: number; cost: number } | null = null;
        for (let r2 = 0; r2 < rows; r2++) {
          // A margin's complement may lie in any period; a period's only in the margins.
          if (r2 === r || (periodAxis === 'rows' && r !== rows - 1 && r2 !== rows - 1)) continue;
          for (let c2 = 0; c2 < columns; c2++) {
            if (c2 === c || (periodAxis === 'columns' && c !== columns - 1 && c2 !== columns - 1)) continue;
            const cost = [[r, c2], [r2, c], [r2, c2]].reduce((sum, [x, y]) => sum + (suppressed(x!, y!) ? 0 : counts[x!]![y!]! + 1), 0);
            if (!best || cost < best.cost) best = { r: r2, c: c2, cost };
          }
        }
        if (!best) continue;
        complement(r, best.c);
        complement(best.r, c);
        complement(best.r, best.c);
        changed = true;
      }
    }
  }
  return status;
}
