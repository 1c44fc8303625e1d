/**
 * What a server span records about the errors it answered, the same on the gateway's spans and
 * every subgraph's: the codes (catalogue `hubCode` where there is one, else `extensions.code`;
 * never a message), and whether they mean a fault of the hub or of a system behind it (the span's
 * status is then ERROR) or an answer such as a refusal or a denial (it is not).
 */

/**
 * Codes meaning the hub or a system behind it failed, not the caller: with them (or an HTTP 5xx)
 * the span's status is ERROR, its message the code. Refusals and denials are answers, not faults.
 */
export const FAULT_CODES: ReadonlySet<string> = new Set([
  'INTERNAL_SERVER_ERROR',
  'HUB_INTERNAL',
  'HUB_SUBGRAPH_UNAVAILABLE',
  'HUB_SUBGRAPH_ERROR',
  'HUB_SUBGRAPH_TIMEOUT',
  'HUB_SUBGRAPH_CIRCUIT_OPEN',
  'MAPPING_FAILED',
  'BACKEND_UNAVAILABLE',
  'BACKEND_ERROR',
]);

/** Error bodies up to this size are read for their codes (refusals before GraphQL are small). */
export const SCANNED_ERROR_BODY = 16 * 1024;

/** What a code looks like; anything else in an error's extensions is not recorded. */
const CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

/** An error's code as spans record it: the catalogue's `hubCode` where there is one, else `extensions.code`. */
export function spanCodeOf(error: { extensions?: Record<string, unknown> } | null | undefined): string | undefined {
  const code = error?.extensions?.hubCode ?? error?.extensions?.code;
  return typeof code === 'string' && CODE.test(code) ? code : undefined;
}

/** The codes of a small error body (`{ errors: [{ extensions }] }`); none if it is anything else. */
export function spanCodesOfBody(body: string): string[] {
  try {
    const errors = (JSON.parse(body) as { errors?: unknown } | null)?.errors;
    return Array.isArray(errors) ? errors.map(spanCodeOf).filter((code): code is string => code !== undefined) : [];
  } catch {
    return [];
  }
}

/** The fault a span's status names, if its codes or HTTP status say the server failed. */
export function spanFault(codes: Iterable<string>, status: number): string | undefined {
  for (const code of codes) if (FAULT_CODES.has(code)) return code;
  return status >= 500 ? `HTTP ${status}` : undefined;
}
