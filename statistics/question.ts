/**
 * A question as the caller sends it, checked against the declared tables and bands: anything
 * not declared is refused before a contribution is fetched.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { bandsOf, DIMENSIONS, TABLE_NAMES, type Question } from './tables.js';

const Incoming = z.strictObject({
  table: z.enum(TABLE_NAMES as [string, ...string[]]),
  rows: z.enum(DIMENSIONS),
  columns: z.enum(DIMENSIONS).nullish(),
  filters: z.array(z.strictObject({ dimension: z.enum(DIMENSIONS), band: z.string().max(40) })).max(DIMENSIONS.length).nullish(),
});

/** Why a question was refused; the message is for the caller and names only declared things. */
export class QuestionError extends Error {}

export function parseQuestion(input: unknown, asOf: string): Question {
  const parsed = Incoming.safeParse(input);
  if (!parsed.success) throw new QuestionError('The question names a table or dimension that is not declared.');
  const { table, rows } = parsed.data;
  const columns = parsed.data.columns ?? null;
  const filters = parsed.data.filters ?? [];
  if (columns === rows) throw new QuestionError('Rows and columns must be different dimensions.');
  const seen = new Set<string>();
  for (const filter of filters) {
    if (filter.dimension === rows || filter.dimension === columns) throw new QuestionError(`${filter.dimension} is already a dimension of the table; it cannot also filter it.`);
    if (seen.has(filter.dimension)) throw new QuestionError(`${filter.dimension} is filtered twice.`);
    seen.add(filter.dimension);
    if (!bandsOf(filter.dimension, asOf).includes(filter.band)) throw new QuestionError(`${filter.dimension} has no band of that name; its bands are ${bandsOf(filter.dimension, asOf).join(', ')}.`);
  }
  // Filters in dimension order: the same question, however it is written, is one question.
  const ordered = [...filters].sort((a, b) => DIMENSIONS.indexOf(a.dimension) - DIMENSIONS.indexOf(b.dimension));
  return { table: table as Question['table'], rows, columns, filters: ordered };
}

/** The question's identity, for the budget: equal questions on the same reference date are one. */
export function questionHash(question: Question, asOf: string): string {
  return createHash('sha256').update(JSON.stringify([question.table, question.rows, question.columns, question.filters.map((f) => [f.dimension, f.band]), asOf])).digest('hex');
}

/**
 * The reference date of a question asked at `now`: the first day of the current month (UTC), so
 * answers stay the same through a month and bands of time move once a month.
 */
export function referenceDate(now: Date): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}
