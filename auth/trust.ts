/**
 * The trust list: which identity providers the hub accepts tokens from, and what each one may
 * vouch for. Each issuer is bound to exactly one organisation and country; a token from it that
 * claims anything else is refused (`HUB_AUTH_ORGANISATION_MISMATCH`), so a compromised or careless
 * partner IdP cannot speak for a Member State.
 *
 * Each issuer is also bound to the roles and purposes it may assert (`roles`, `purposes`, both
 * required: nothing is assumed). A token asserting any other role or purpose is refused
 * (`HUB_AUTH_ROLE_NOT_VOUCHED`, `HUB_AUTH_PURPOSE_NOT_VOUCHED`). The oversight roles — auditors,
 * DPOs, hub operators, who read the access log or run the hub — and their purposes may be listed
 * only for an issuer the operator marks `"oversight": true`, and only an EU public body (an
 * organisation `EU/GOV/…`) can be so marked. A partner's, a country-of-origin authority's or a
 * research institute's identity provider therefore can never make its users auditors, DPOs or hub
 * operators, whatever else its entry says: such an entry stops start-up (docs/DEPLOYMENT.md).
 *
 * The list is configuration: it is parsed with zod at start-up and a bad setting throws a
 * `TypeError` naming it. Nothing here is an `AuthError`.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { JWK } from 'jose';
import { z } from 'zod';
import { isCountryCode } from '../contract/index.js';
import { PURPOSES, type Purpose } from '../contract/index.js';
import { ROLES, type Role } from './roles.js';

/** Members a public JWK must not carry: private (EC/RSA/OKP/AKP) or symmetric key material. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;

const JwkSchema = z
  .looseObject({ kty: z.string().min(1), kid: z.string().min(1).optional() })
  .refine((jwk) => jwk.kty !== 'oct', { message: 'symmetric (oct) keys are not accepted; issuers sign with asymmetric keys' })
  .refine((jwk) => PRIVATE_JWK_MEMBERS.every((member) => !(member in jwk)), { message: 'must be a public key (private key material found)' })
  .transform((jwk) => jwk as JWK);

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** A JSON Web Key Set of public, asymmetric keys, as a `jwks.file` must hold. */
export const PublicJwksSchema = z.looseObject({ keys: z.array(JwkSchema).min(1) });

/** Where an issuer's public keys come from: exactly one of a file, a URL, or inline keys. */
export type JwksSource = { file: string } | { url: string } | { keys: JWK[] };

const JwksSourceSchema = z
  .strictObject({
    file: z.string().min(1).optional(),
    url: z
      .url({ protocol: /^https?$/ })
      .refine((url) => new URL(url).protocol === 'https:' || isLoopback(new URL(url).hostname), {
        message: 'must use https (http is accepted only for loopback addresses)',
      })
      .optional(),
    keys: z.array(JwkSchema).min(1).optional(),
  })
  .refine((source) => [source.file, source.url, source.keys].filter((member) => member !== undefined).length === 1, {
    message: 'must have exactly one of "file", "url" or "keys"',
  })
  .transform((source): JwksSource => {
    if (source.file !== undefined) return { file: source.file };
    if (source.url !== undefined) return { url: source.url };
    return { keys: source.keys ?? [] };
  });

/** Roles that oversee the hub and everyone on it: only an issuer marked for oversight may assert them. */
export const OVERSIGHT_ROLES: readonly Role[] = Object.freeze(['AUDITOR', 'DPO', 'HUB_OPERATOR']);
/** Purposes only oversight work declares: only an issuer marked for oversight may allow them. */
export const OVERSIGHT_PURPOSES: readonly Purpose[] = Object.freeze(['AUDIT', 'OPERATIONS']);

/** An EU public body: X-Road instance `EU`, member class `GOV`. The only kind that may oversee. */
function isEuPublicBody(organisation: string): boolean {
  const [instance, memberClass] = organisation.split('/');
  return instance === 'EU' && memberClass === 'GOV';
}

/** A non-empty list of distinct values from a closed vocabulary. */
function distinctList<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .array(z.enum(values))
    .min(1)
    .superRefine((list, context) => {
      const twice = list.find((value, index) => list.indexOf(value) !== index);
      if (twice !== undefined) context.addIssue({ code: 'custom', message: `${twice} is listed twice` });
    });
}

const TrustedIssuerSchema = z
  .strictObject({
    /** The exact `iss` value the issuer puts in its tokens. */
    issuer: z.url({ protocol: /^https?$/ }),
    /** The one X-Road style organisation identifier this issuer vouches for, e.g. `EU/GOV/BE-RETURN`. */
    organisation: z.string().regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, 'must be an X-Road style identifier INSTANCE/CLASS/CODE'),
    /** The one country this issuer vouches for: ISO 3166-1 alpha-2, or `EU` for EU bodies. */
    country: z.string().refine((value) => value === 'EU' || isCountryCode(value), { message: 'must be an ISO 3166-1 alpha-2 code or EU' }),
    /** The roles this issuer may assert for its officials; a token asserting any other is refused. */
    roles: distinctList(ROLES),
    /** The purposes this issuer may allow its officials; a token allowing any other is refused. */
    purposes: distinctList(PURPOSES),
    /**
     * The operator's mark that this issuer may appoint overseers: only then may `roles` and
     * `purposes` list {@link OVERSIGHT_ROLES} and {@link OVERSIGHT_PURPOSES}. EU public bodies only.
     * @default false
     */
    oversight: z.boolean().default(false),
    jwks: JwksSourceSchema,
  })
  .superRefine((entry, context) => {
    if (entry.oversight && !isEuPublicBody(entry.organisation)) {
      context.addIssue({
        code: 'custom',
        path: ['oversight'],
        message: `only an EU public body (organisation EU/GOV/…) may be marked for oversight; ${entry.organisation} is not one (${entry.issuer})`,
      });
    }
    if (entry.oversight) return;
    for (const role of entry.roles.filter((candidate) => OVERSIGHT_ROLES.includes(candidate))) {
      context.addIssue({ code: 'custom', path: ['roles'], message: `${role} is an oversight role: only an issuer marked "oversight": true may assert it (${entry.issuer})` });
    }
    for (const purpose of entry.purposes.filter((candidate) => OVERSIGHT_PURPOSES.includes(candidate))) {
      context.addIssue({ code: 'custom', path: ['purposes'], message: `${purpose} is an oversight purpose: only an issuer marked "oversight": true may allow it (${entry.issuer})` });
    }
  });

export const TrustListSchema = z
  .strictObject({
    /** The hub's own identifier; every token must carry it in `aud`. */
    audience: z.string().min(1),
    /** Allowed clock skew between the hub and the issuers, for `exp`, `nbf` and `iat`. */
    clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
    issuers: z.array(TrustedIssuerSchema).min(1),
  })
  .superRefine((trust, context) => {
    const seen = new Set<string>();
    trust.issuers.forEach((entry, index) => {
      if (seen.has(entry.issuer)) context.addIssue({ code: 'custom', path: ['issuers', index, 'issuer'], message: 'duplicate issuer' });
      seen.add(entry.issuer);
    });
  });

export type TrustList = z.output<typeof TrustListSchema>;
export type TrustedIssuer = TrustList['issuers'][number];
/** The trust list as written in a file (`clockToleranceSeconds` may be omitted). */
export type TrustListInput = z.input<typeof TrustListSchema>;

/** `issuers.2.country: must be …; audience: …` — names each bad setting. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
}

export interface ParseTrustListOptions {
  /** Where `jwks.file` paths are resolved from. @default process.cwd() */
  baseDir?: string;
  /** Named in error messages, e.g. the file the list came from. */
  source?: string;
}

/**
 * Validates a trust list and resolves `jwks.file` paths to absolute ones.
 *
 * @throws TypeError naming every bad setting.
 */
export function parseTrustList(data: unknown, options: ParseTrustListOptions = {}): TrustList {
  const result = TrustListSchema.safeParse(data);
  if (!result.success) {
    throw new TypeError(`Invalid trust list${options.source ? ` ${options.source}` : ''}: ${describeIssues(result.error)}`);
  }
  const baseDir = options.baseDir ?? process.cwd();
  return {
    ...result.data,
    issuers: result.data.issuers.map((entry) =>
      'file' in entry.jwks && !isAbsolute(entry.jwks.file) ? { ...entry, jwks: { file: resolve(baseDir, entry.jwks.file) } } : entry,
    ),
  };
}

/**
 * Reads and validates a trust list file. Relative `jwks.file` paths are resolved from the
 * file's own directory.
 *
 * @example
 * ```ts
 * const trust = loadTrustList('config/trust.json');
 * const verifier = createTokenVerifier(trust);
 * ```
 * @throws Error when the file cannot be read or is not JSON; TypeError naming a bad setting.
 */
export function loadTrustList(path: string): TrustList {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new Error(`Cannot read trust list ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new Error(`Trust list ${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parseTrustList(data, { baseDir: dirname(resolve(path)), source: path });
}

/**
 * Reads and validates a JWKS file named by a trust list's `jwks.file`.
 *
 * @throws Error when the file cannot be read or parsed; TypeError when it is not a set of public keys.
 */
export function loadJwksFile(path: string): { keys: JWK[] } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new Error(`Cannot read JWKS file ${path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { cause });
  }
  const result = PublicJwksSchema.safeParse(data);
  if (!result.success) {
    throw new TypeError(`Invalid JWKS file ${path}: ${describeIssues(result.error)}`);
  }
  return { keys: result.data.keys };
}
