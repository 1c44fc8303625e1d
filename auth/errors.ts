/**
 * Authentication failures: a closed catalogue of coded errors, exported as data so the gateway can
 * merge it into the hub's error catalogue (each entry has the same shape as a gateway
 * `HubErrorDefinition`). Messages are short and stable, and say nothing about keys, issuers or
 * the trust list: a caller learns that its token was refused and in which broad way, not how the
 * hub is configured.
 *
 * Misconfiguration (a bad trust list) is not an `AuthError`: it throws a `TypeError` at start-up.
 */

export interface AuthErrorDefinition<C extends string = string> {
  /** Stable catalogue code, HUB_AUTH_<REASON>. */
  code: C;
  /** GraphQL `extensions.code` a client can branch on. */
  graphqlCode: string;
  httpStatus: number;
  message: string;
}

function define<const C extends string>(code: C, message: string, httpStatus = 401, graphqlCode = 'UNAUTHENTICATED') {
  return Object.freeze({ code, graphqlCode, httpStatus, message }) satisfies AuthErrorDefinition<C>;
}

export const AUTH_ERRORS = Object.freeze({
  HUB_AUTH_MISSING_TOKEN: define('HUB_AUTH_MISSING_TOKEN', 'A bearer token is required.'),
  HUB_AUTH_MALFORMED_TOKEN: define('HUB_AUTH_MALFORMED_TOKEN', 'The token is malformed.'),
  HUB_AUTH_UNKNOWN_ISSUER: define('HUB_AUTH_UNKNOWN_ISSUER', 'The token issuer is not trusted.'),
  HUB_AUTH_UNKNOWN_KEY: define('HUB_AUTH_UNKNOWN_KEY', 'The token signing key is not recognised.'),
  HUB_AUTH_ALGORITHM_REFUSED: define('HUB_AUTH_ALGORITHM_REFUSED', 'The token signing algorithm is not accepted.'),
  HUB_AUTH_BAD_SIGNATURE: define('HUB_AUTH_BAD_SIGNATURE', 'The token signature is invalid.'),
  HUB_AUTH_TOKEN_EXPIRED: define('HUB_AUTH_TOKEN_EXPIRED', 'The token has expired.'),
  HUB_AUTH_TOKEN_NOT_YET_VALID: define('HUB_AUTH_TOKEN_NOT_YET_VALID', 'The token is not yet valid.'),
  HUB_AUTH_WRONG_AUDIENCE: define('HUB_AUTH_WRONG_AUDIENCE', 'The token is not intended for this hub.'),
  HUB_AUTH_INVALID_CLAIMS: define('HUB_AUTH_INVALID_CLAIMS', 'The token claims are missing or invalid.'),
  HUB_AUTH_ORGANISATION_MISMATCH: define('HUB_AUTH_ORGANISATION_MISMATCH', 'The token organisation or country does not match its issuer.'),
  HUB_AUTH_ROLE_NOT_VOUCHED: define('HUB_AUTH_ROLE_NOT_VOUCHED', 'The token asserts a role its issuer may not vouch for.'),
  HUB_AUTH_PURPOSE_NOT_VOUCHED: define('HUB_AUTH_PURPOSE_NOT_VOUCHED', 'The token allows a purpose its issuer may not vouch for.'),
  /** The issuer's key set could not be fetched: not the caller's fault, so 503 rather than 401. */
  HUB_AUTH_KEYS_UNAVAILABLE: define('HUB_AUTH_KEYS_UNAVAILABLE', 'The token cannot be checked right now; try again later.', 503, 'SERVICE_UNAVAILABLE'),
});

export type AuthErrorCode = keyof typeof AUTH_ERRORS;

/** A refused token. `code`, `message` and `httpStatus` come from {@link AUTH_ERRORS}. */
export class AuthError extends Error {
  override name = 'AuthError';
  readonly code: AuthErrorCode;
  readonly graphqlCode: string;
  readonly httpStatus: number;

  constructor(code: AuthErrorCode, options?: { cause?: unknown }) {
    const definition = AUTH_ERRORS[code];
    super(definition.message, options);
    this.code = code;
    this.graphqlCode = definition.graphqlCode;
    this.httpStatus = definition.httpStatus;
  }
}

export function isAuthError(error: unknown): error is AuthError {
  return error instanceof AuthError;
}
