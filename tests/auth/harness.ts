/**
 * Shared fixtures for the auth tests: one set of in-memory demo identities, a fixed clock, and a
 * signer for hand-made tokens (any claims, any header) with a demo issuer's real key.
 */
import { base64url, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { PersonaName } from '../../auth/dev-identities.js';
import { PERSONAS, type DevIdentities } from '../../auth/index.js';

export const AUDIENCE = 'https://hub.continuum.test';
/** The tests' "now": 2026-06-01T12:00:00Z. */
export const NOW = new Date('2026-06-01T12:00:00Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

/** The claims a demo persona's valid token carries, at {@link NOW}. */
export function claimsOf(identities: DevIdentities, persona: PersonaName): JWTPayload & Record<string, unknown> {
  const definition = PERSONAS[persona];
  const issuer = identities.issuers.get(definition.organisation);
  if (!issuer) throw new Error(`no issuer for ${definition.organisation}`);
  return {
    iss: issuer.issuer,
    sub: `${persona}-001`,
    aud: AUDIENCE,
    iat: NOW_SECONDS,
    exp: NOW_SECONDS + 3600,
    org: definition.organisation,
    country: definition.country,
    roles: [...definition.roles],
    purposes: [...definition.purposes],
  };
}

export interface SignOptions {
  /** Sign with this organisation's demo key (default: the persona's). */
  signerOrganisation?: string;
  key?: CryptoKey | Uint8Array;
  header?: Record<string, unknown>;
}

/** Signs arbitrary claims; a claim set to `undefined` is left out. */
export async function sign(identities: DevIdentities, claims: Record<string, unknown>, options: SignOptions & { organisation: string }): Promise<string> {
  const signer = identities.issuers.get(options.signerOrganisation ?? options.organisation);
  if (!signer) throw new Error('no signer');
  const payload = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'JWT', ...options.header } as { alg: string })
    .sign(options.key ?? signer.privateKey);
}

/** Builds a compact JWS from raw parts, for tokens jose would refuse to produce. */
export function compact(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${encode(header)}.${encode(payload)}.${signature}`;
}

export const bearer = (token: string) => `Bearer ${token}`;
