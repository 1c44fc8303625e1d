/**
 * Helpers for mapping a national system's native records to the common schema. Each throws a
 * `MappingError` (code MAPPING_FAILED) naming the code list or format, never the value of a
 * personal field, so an operator sees what to fix without personal data reaching a log.
 */
import { GraphQLError } from 'graphql';
import { isIsoDate } from '@continuum/contract';

export class MappingError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'MAPPING_FAILED' } });
  }
}

export type NativeDateFormat = 'DD/MM/YYYY' | 'DD.MM.YYYY' | 'YYYYMMDD' | 'YYYY-MM-DD' | 'ISO_DATETIME';

const DATE_FORMATS: Record<Exclude<NativeDateFormat, 'ISO_DATETIME'>, RegExp> = {
  'DD/MM/YYYY': /^(?<d>\d{2})\/(?<m>\d{2})\/(?<y>\d{4})$/,
  'DD.MM.YYYY': /^(?<d>\d{2})\.(?<m>\d{2})\.(?<y>\d{4})$/,
  YYYYMMDD: /^(?<y>\d{4})(?<m>\d{2})(?<d>\d{2})$/,
  'YYYY-MM-DD': /^(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})$/,
};

/** Native date text → ISO `YYYY-MM-DD`; `null`/empty stays `null`. */
export function nativeDate(value: string | null | undefined, format: NativeDateFormat, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (format === 'ISO_DATETIME') {
    const time = Date.parse(value);
    if (Number.isNaN(time)) throw new MappingError(`${field}: not an ISO date-time`);
    return new Date(time).toISOString().slice(0, 10);
  }
  const groups = DATE_FORMATS[format].exec(value)?.groups;
  const iso = groups ? `${groups.y}-${groups.m}-${groups.d}` : '';
  if (!isIsoDate(iso)) throw new MappingError(`${field}: not a valid date in format ${format}`);
  return iso;
}

/** Native date-time (Date, ISO text or epoch milliseconds) → ISO instant in UTC. */
export function nativeDateTime(value: Date | string | number | null | undefined, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new MappingError(`${field}: not a valid date-time`);
  return date.toISOString();
}

/**
 * A native code list mapped to a common enum. Unknown codes are an error, not a silent null:
 * a code list that drifted must be noticed.
 */
export function codeList<Native extends string, Common extends string>(
  name: string,
  table: Readonly<Record<Native, Common>>,
): (code: string | null | undefined) => Common | null {
  return (code) => {
    if (code === null || code === undefined || code === '') return null;
    if (!Object.hasOwn(table, code)) throw new MappingError(`unknown code in code list "${name}"`);
    return table[code as Native];
  };
}

/** Orders rows to match DataLoader keys; keys without a row get `null`. */
export function byKeys<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): (R | null)[] {
  const index = new Map<K, R>();
  for (const row of rows) index.set(keyOf(row), row);
  return keys.map((key) => index.get(key) ?? null);
}

/** Groups rows under DataLoader keys; keys without rows get an empty list. */
export function groupByKeys<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): R[][] {
  const index = new Map<K, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = index.get(key);
    if (list) list.push(row);
    else index.set(key, [row]);
  }
  return keys.map((key) => index.get(key) ?? []);
}
