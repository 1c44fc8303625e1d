/**
 * What the backend may be asked for. The kit's promise is that a denied value is not read from
 * the backend at all, wherever the mapping can leave it out — not read and then dropped. The
 * kit hands each request's loaders a `ReleasedCategories`: the categories the gateway's signed
 * decisions release for each case. A SQL loader reads a whole batch with one statement whose
 * select list guards each part per row (`releasedSelectListByCase`); a backend that can only be
 * told what to leave out for a whole request (a partner's REST API) uses `byReleased`, which
 * splits a batch into groups of cases that share one released set.
 *
 * A case the gateway signed no decision for has nothing released (every field of it is denied),
 * unless the subgraph decides such cases itself (a local decider): then nothing can be left out.
 */
import { DATA_CATEGORIES, RELEASED, type DataCategory, type SubgraphContext } from '@continuum/contract';

export interface ReleasedCategories {
  /** The categories released for case `ref` in this request. */
  for(ref: string): ReadonlySet<DataCategory>;
  /**
   * Reads a batch of cases group by group: `read` gets each group's references and the
   * categories released for all of them, and returns what it found by reference; the values come
   * back in the order of `refs`, null where nothing was found.
   */
  byReleased<V>(refs: readonly string[], read: (refs: string[], released: ReadonlySet<DataCategory>) => Promise<ReadonlyMap<string, V>>): Promise<(V | null)[]>;
}

const EVERY_CATEGORY: ReadonlySet<DataCategory> = new Set(DATA_CATEGORIES);
const NOTHING: ReadonlySet<DataCategory> = new Set();

function releasedView(releasedFor: (ref: string) => ReadonlySet<DataCategory>): ReleasedCategories {
  return {
    for: releasedFor,
    async byReleased(refs, read) {
      const groups = new Map<ReadonlySet<DataCategory>, string[]>();
      for (const ref of new Set(refs)) {
        const released = releasedFor(ref);
        const group = groups.get(released);
        if (group) group.push(ref);
        else groups.set(released, [ref]);
      }
      const found = new Map<string, unknown>();
      for (const [released, group] of groups) for (const [ref, value] of await read(group, released)) found.set(ref, value);
      return refs.map((ref) => (found.has(ref) ? (found.get(ref) as never) : null));
    },
  };
}

/**
 * The released categories of one request, from the decisions the gateway signed into `caller`.
 * One set object per signed decision vector, so cases that share a vector share a group.
 */
export function releasedCategories(caller: SubgraphContext, options: { decidesUnsignedCases?: boolean } = {}): ReleasedCategories {
  const decisions = caller.decisions;
  const perSet = decisions?.sets.map((vector) => new Set(DATA_CATEGORIES.filter((category) => vector[category] === RELEASED)) as ReadonlySet<DataCategory>) ?? [];
  const unsigned = options.decidesUnsignedCases ? EVERY_CATEGORY : NOTHING;
  return releasedView((ref) => {
    const at = decisions?.cases[ref];
    return at === undefined ? unsigned : (perSet[at] ?? NOTHING);
  });
}

/** Everything released: only for a subgraph started without enforcement (the benchmark baseline). */
export const ALL_RELEASED: ReleasedCategories = releasedView(() => EVERY_CATEGORY);

/**
 * One part of a backend record a SQL select list can leave out: read (`sql`, a correlated
 * subquery) when its category is released, else the `empty` literal, so a denied part is never
 * read. In `sql`, `%CONTACT(column)` stands for a contact column inside another part: read only
 * when CONTACT is released too.
 */
export interface ReleasedPart<Row> {
  category: DataCategory;
  as: keyof Row & string;
  sql: string;
  empty: string;
}

/** The select list for `parts`, reading only what `released` holds. */
export function releasedSelectList<Row>(parts: readonly ReleasedPart<Row>[], released: ReadonlySet<DataCategory>): string {
  const contact = (column: string) => (released.has('CONTACT') ? column : 'NULL::text');
  return parts.map((part) => `${released.has(part.category) ? part.sql.replace(/%CONTACT\(([^)]+)\)/g, (_, column: string) => contact(column)) : part.empty} AS ${part.as}`).join(',\n    ');
}

/**
 * The select list for `parts` over a batch of cases `refs`, in one statement, each part read for
 * exactly the rows whose case releases its category:
 * - released for every case of the batch: read, as `releasedSelectList` reads it;
 * - released for none: the `empty` literal, not read;
 * - released for some: `CASE WHEN <caseColumn> = ANY($n) THEN <part> ELSE <empty> END`, $n the
 *   cases that release it. PostgreSQL evaluates a CASE branch only for the rows that take it, so
 *   a denied part's subquery never runs for a denied case (tests/subgraphs/released.test.ts
 *   proves it from the plan's loop counts).
 * So a page whose cases differ in what is released is one statement, not one per group of cases.
 * `%CONTACT(column)` inside a part is guarded the same way by CONTACT. Returns the list and the
 * parameters it names, numbered from `firstParameter`.
 */
export function releasedSelectListByCase<Row>(
  parts: readonly ReleasedPart<Row>[],
  caseColumn: string,
  refs: readonly string[],
  released: ReleasedCategories,
  firstParameter: number,
): { list: string; parameters: string[][] } {
  const parameters: string[][] = [];
  const conditions = new Map<DataCategory, string | boolean>();
  const condition = (category: DataCategory): string | boolean => {
    let known = conditions.get(category);
    if (known === undefined) {
      const releasing = refs.filter((ref) => released.for(ref).has(category));
      known =
        releasing.length === refs.length ? true : releasing.length === 0 ? false : `${caseColumn} = ANY($${firstParameter + parameters.push(releasing) - 1}::text[])`;
      conditions.set(category, known);
    }
    return known;
  };
  // The inner SQL is made only for a part that is read: a parameter the statement does not use
  // would be refused (its type cannot be inferred).
  const guarded = (category: DataCategory, sql: () => string, empty: string): string => {
    const when = condition(category);
    return when === true ? sql() : when === false ? empty : `CASE WHEN ${when} THEN ${sql()} ELSE ${empty} END`;
  };
  const list = parts
    .map(
      (part) =>
        `${guarded(part.category, () => part.sql.replace(/%CONTACT\(([^)]+)\)/g, (_, column: string) => guarded('CONTACT', () => column, 'NULL::text')), part.empty)} AS ${part.as}`,
    )
    .join(',\n    ');
  return { list, parameters };
}

/**
 * The statement that reads a batch of a system's records by case: its `keys` (always read: they
 * say whether the system holds the record at all) and its `parts`, each read only for the cases
 * it is released for (`releasedSelectListByCase`), from `from` where `caseColumn` is one of `refs`.
 */
export function releasedBatchSelect<Row>(
  select: { keys: string; from: string; caseColumn: string; parts: readonly ReleasedPart<Row>[] },
  refs: readonly string[],
  released: ReleasedCategories,
): { sql: string; parameters: unknown[] } {
  const { list, parameters } = releasedSelectListByCase(select.parts, select.caseColumn, refs, released, 2);
  return { sql: `SELECT ${select.keys},\n    ${list}\n  FROM ${select.from}\n  WHERE ${select.caseColumn} = ANY($1)`, parameters: [[...refs], ...parameters] };
}
