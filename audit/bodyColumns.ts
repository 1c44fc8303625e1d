/**
 * What a record's content says about each derived column (audit/columns.ts), read from its
 * canonical JSON text without parsing the rest of it. Verification checks every column of every
 * record against the content; a full `JSON.parse` builds the whole record (its accesses, paths,
 * operation, hashes) only to read nine values, and that was the largest part of a record's cost.
 *
 * `scanBodyColumns` walks the top-level object of the body and reads the values the columns derive
 * from (`caller.organisation`, `caller.officialId`, `cases[].ref`, `id`, `kind`, `outcome`,
 * `purpose`, `requestId`, `statistics.question`, `time`), stepping over every other value by its
 * brackets and string quotes. It returns exactly what `contentColumnsOf(JSON.parse(body))` returns,
 * or null whenever it cannot be sure of that — then the caller parses the body:
 * - keys must be strictly increasing (RFC 8785 order), which also rules out a repeated key, where
 *   `JSON.parse` keeps the last one; a key with an escape, a blank outside a string, or anything
 *   after the closing brace is not the writer's canonical form either;
 * - every value it reads must have the type the writer writes (a string, or null where the writer
 *   writes null; objects for `caller` and `statistics`; an array of objects with a string `ref`
 *   for `cases`); a required value missing is left to the parse too.
 *
 * What it does not do is validate the values it steps over (a number's digits, the bracket kinds
 * inside `accesses`). So it is used only on a body whose bytes the chain and a signed checkpoint
 * vouch for (audit/verify.ts): those are the writer's `canonicalJson` output, valid JSON by
 * construction, and any change to them is reported as ALTERED, BROKEN_LINK or CHECKPOINT_MISMATCH.
 * Records after the last checkpoint are parsed in full.
 */
import { recordColumnsOf } from './columns.js';
import type { StoredAuditContent } from './record.js';

/** What a record's content says about each derived column, in the form the verifier compares. */
export interface ContentColumns {
  /** Undefined when the content carries no id (records from before it did). */
  id: string | undefined;
  time: string;
  kind: string;
  requestId: string;
  organisation: string | null;
  officialId: string | null;
  purpose: string | null;
  outcome: string;
  /**
   * The case refs as the JSON array PostgreSQL's `array_to_json(cases)` writes for the column
   * (`["EU-2025-000274","EU-2025-028111"]`); null when the content's cases are not all string refs.
   */
  casesJson: string | null;
  statisticsQuestion: string | null;
}

/** The columns of parsed content (`recordColumnsOf`, with the cases as a JSON array). */
export function contentColumnsOf(content: StoredAuditContent): ContentColumns {
  const columns = recordColumnsOf(content);
  return {
    id: content.id,
    time: columns.recorded_at,
    kind: columns.kind,
    requestId: columns.request_id,
    organisation: columns.organisation,
    officialId: columns.official_id,
    purpose: columns.purpose,
    outcome: columns.outcome,
    // JSON.stringify escapes as array_to_json does (\" \\ \b \f \n \r \t, other controls \u00xx).
    casesJson: columns.cases.every((ref) => typeof ref === 'string') ? JSON.stringify(columns.cases) : null,
    statisticsQuestion: columns.statistics_question,
  };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Not readable as the writer wrote it: the caller parses the body instead. */
const UNSURE = -1;

/** The index just past the string whose opening quote is at `start`, or UNSURE. */
function stringEnd(text: string, start: number): number {
  let quote = start;
  for (;;) {
    quote = text.indexOf('"', quote + 1);
    if (quote < 0) return UNSURE;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
}

/** The index just past the value that starts at `start` (stepped over, not validated), or UNSURE. */
function valueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const end = stringEnd(text, i);
        if (end === UNSURE) return UNSURE;
        i = end - 1;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
      } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) {
        return i + 1;
      }
    }
    return UNSURE;
  }
  // A number or a literal: up to the delimiter after it.
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET) break;
    i++;
  }
  return i > start ? i : UNSURE;
}

/** Where the value just read ends; set by the readers below (the scan is synchronous). */
let readEnd = 0;

/** The string at `start` decoded (as JSON.parse would), or undefined when the value is not a string. */
function readString(text: string, start: number): string | undefined {
  if (text.charCodeAt(start) !== QUOTE) return undefined;
  const end = stringEnd(text, start);
  if (end === UNSURE) return undefined;
  readEnd = end;
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/** A string or null at `start`; undefined when it is neither. Sets readEnd. */
function readNullableString(text: string, start: number): string | null | undefined {
  if (text.startsWith('null', start)) {
    readEnd = start + 4;
    return null;
  }
  return readString(text, start);
}

/** The values read so far; a fresh one per body. */
interface Scan {
  id: string | undefined;
  time: string | undefined;
  kind: string | undefined;
  requestId: string | undefined;
  organisation: string | null;
  officialId: string | null;
  purpose: string | null | undefined;
  outcome: string | undefined;
  casesJson: string | undefined;
  statisticsQuestion: string | null;
  /** The current case's ref as JSON text, while its object is read. */
  ref: string | undefined;
}

/** Which object is walked: what its members mean. */
const enum Level {
  Record,
  Caller,
  Statistics,
  Case,
}

/**
 * Reads the value of member `key` of an object at `level` starting at `at` into `scan`; returns
 * the index just past it, or UNSURE. Values no column derives from are stepped over.
 */
function readMember(text: string, level: Level, key: string, at: number, scan: Scan): number {
  switch (level) {
    case Level.Record:
      switch (key) {
        case 'caller':
          return text.startsWith('null', at) ? at + 4 : walkObject(text, at, Level.Caller, scan);
        case 'cases':
          return readCases(text, at, scan);
        case 'statistics':
          return text.startsWith('null', at) ? at + 4 : walkObject(text, at, Level.Statistics, scan);
        case 'purpose': {
          const value = readNullableString(text, at);
          if (value === undefined) return UNSURE;
          scan.purpose = value;
          return readEnd;
        }
        case 'id':
        case 'kind':
        case 'outcome':
        case 'requestId':
        case 'time': {
          const value = readString(text, at);
          if (value === undefined) return UNSURE;
          scan[key] = value;
          return readEnd;
        }
        default:
          return valueEnd(text, at);
      }
    case Level.Caller:
    case Level.Statistics: {
      const name = level === Level.Caller ? (key === 'organisation' || key === 'officialId' ? key : null) : key === 'question' ? 'statisticsQuestion' : null;
      if (name === null) return valueEnd(text, at);
      const value = readNullableString(text, at);
      if (value === undefined) return UNSURE;
      scan[name] = value;
      return readEnd;
    }
    case Level.Case: {
      if (key !== 'ref') return valueEnd(text, at);
      if (text.charCodeAt(at) !== QUOTE) return UNSURE;
      const end = stringEnd(text, at);
      if (end === UNSURE) return UNSURE;
      const raw = text.slice(at, end);
      // Unescaped, the canonical text of the ref is the JSON array_to_json writes for it.
      scan.ref = raw.includes('\\') ? JSON.stringify(JSON.parse(raw) as string) : raw;
      return end;
    }
  }
}

/**
 * Walks the object whose brace is at `start`, reading each member (`readMember`). Returns the
 * index past the closing brace, or UNSURE (keys not strictly increasing, an escaped key, not an
 * object).
 */
function walkObject(text: string, start: number, level: Level, scan: Scan): number {
  if (text.charCodeAt(start) !== OPEN_BRACE) return UNSURE;
  let i = start + 1;
  if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  let previous: string | null = null;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return UNSURE;
    const keyEnd = stringEnd(text, i);
    if (keyEnd === UNSURE) return UNSURE;
    const key = text.slice(i + 1, keyEnd - 1);
    if (key.includes('\\') || (previous !== null && !(key > previous))) return UNSURE;
    previous = key;
    if (text.charCodeAt(keyEnd) !== COLON) return UNSURE;
    i = readMember(text, level, key, keyEnd + 1, scan);
    if (i === UNSURE) return UNSURE;
    const next = text.charCodeAt(i);
    if (next === CLOSE_BRACE) return i + 1;
    if (next !== COMMA) return UNSURE;
    i++;
  }
}

/** cases: an array of objects, each with a string ref; sets scan.casesJson. */
function readCases(text: string, start: number, scan: Scan): number {
  if (text.charCodeAt(start) !== OPEN_BRACKET) return UNSURE;
  let i = start + 1;
  if (text.charCodeAt(i) === CLOSE_BRACKET) {
    scan.casesJson = '[]';
    return i + 1;
  }
  let json = '[';
  for (;;) {
    scan.ref = undefined;
    i = walkObject(text, i, Level.Case, scan);
    if (i === UNSURE || scan.ref === undefined) return UNSURE;
    json += json.length === 1 ? scan.ref : `,${scan.ref}`;
    const next = text.charCodeAt(i);
    if (next === CLOSE_BRACKET) {
      scan.casesJson = `${json}]`;
      return i + 1;
    }
    if (next !== COMMA) return UNSURE;
    i++;
  }
}

/**
 * What `body` (a record's canonical JSON) says about each derived column, equal to
 * `contentColumnsOf(JSON.parse(body))`; null when the body is not in the form this reads exactly,
 * and the caller must parse it. Only for bodies the chain vouches for (see the top of this file).
 */
export function scanBodyColumns(body: string): ContentColumns | null {
  const scan: Scan = {
    id: undefined,
    time: undefined,
    kind: undefined,
    requestId: undefined,
    organisation: null,
    officialId: null,
    purpose: undefined,
    outcome: undefined,
    casesJson: undefined,
    statisticsQuestion: null,
    ref: undefined,
  };
  if (walkObject(body, 0, Level.Record, scan) !== body.length) return null;
  const { id, time, kind, requestId, organisation, officialId, purpose, outcome, casesJson, statisticsQuestion } = scan;
  // A value the columns need that the content does not hold is left to the parse (and its errors).
  if (time === undefined || kind === undefined || requestId === undefined || outcome === undefined || purpose === undefined || casesJson === undefined) return null;
  return { id, time, kind, requestId, organisation, officialId, purpose, outcome, casesJson, statisticsQuestion };
}
