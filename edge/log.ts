/**
 * The edge's log: one JSON object per line on stdout. Entries carry codes, reasons, timings and the
 * gateway's request id — never a caller, a case reference, a document or a value, so the log of a
 * partner's edge holds no personal data.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What an entry may say besides its message: fixed names, values that are not personal data. */
export interface LogFields {
  requestId?: string;
  reason?: string;
  status?: number;
  ms?: number;
  upstreamMs?: number;
  keys?: number;
  fields?: number;
  url?: string;
  problem?: string;
}

export interface EdgeLogger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export function edgeLogger(level: LogLevel, subgraph: string, write: (line: string) => void = (line) => process.stdout.write(line)): EdgeLogger {
  const threshold = LOG_LEVELS.indexOf(level);
  const entry = (at: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(at) < threshold) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: at, component: 'continuum-edge', subgraph, msg, ...fields })}\n`);
  };
  return { debug: entry('debug'), info: entry('info'), warn: entry('warn'), error: entry('error') };
}
