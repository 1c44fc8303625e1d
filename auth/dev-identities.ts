/**
 * DEVELOPMENT ONLY. Demo identities for the embedded default: one identity provider per
 * organisation, each with its own ES256 key pair, and a persona per kind of user. Everything here
 * is synthetic — no real official, organisation system or key — and the private keys sit in a
 * plain file. A production hub never loads this module: its trust list names the real issuers'
 * JWKS and it signs nothing on their behalf.
 *
 * `ensureDevIdentities(dir)` keeps the keys under `dir` (default `.data/dev-identities/`) so tokens
 * survive restarts:
 * - `issuers.json` — the private JWKs (file mode 0600);
 * - `trust.json` — a trust list (auth/trust) with the public keys inline, ready for
 *   `loadTrustList`. Each issuer is bound to exactly the roles and purposes its organisation's
 *   personas carry, and marked for oversight only when one of them is an auditor, DPO or hub
 *   operator — so the demo trust list obeys the same rules as a production one.
 *
 * Issuer URLs use the reserved `.test` TLD; nothing is ever fetched from them.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';
import type { Purpose } from '../contract/index.js';
import type { Role } from './roles.js';
import { OVERSIGHT_PURPOSES, OVERSIGHT_ROLES, parseTrustList, type TrustList, type TrustListInput } from './trust.js';

export interface PersonaDefinition {
  organisation: string;
  country: string;
  roles: readonly Role[];
  purposes: readonly Purpose[];
}

function persona(organisation: string, country: string, roles: readonly Role[], purposes: readonly Purpose[]): PersonaDefinition {
  return Object.freeze({ organisation, country, roles: Object.freeze([...roles]), purposes: Object.freeze([...purposes]) });
}

const MS_PURPOSES = ['RETURN_COUNSELLING', 'RETURN_PREPARATION', 'CONTINUITY_OF_CARE'] as const;
const PARTNER_PURPOSES = ['REINTEGRATION_ASSISTANCE', 'CONTINUITY_OF_CARE'] as const;

/** The synthetic demo personas: name → the claims their tokens carry. */
export const PERSONAS = Object.freeze({
  'be-counsellor': persona('EU/GOV/BE-RETURN', 'BE', ['MS_COUNSELLOR'], MS_PURPOSES),
  'de-case-officer': persona('EU/GOV/DE-RETURN', 'DE', ['MS_CASE_OFFICER'], MS_PURPOSES),
  'eurp-programme-manager': persona('EU/GOV/EU-REINTEGRATION-PROGRAMME', 'EU', ['EU_PROGRAMME_MANAGER'], ['REINTEGRATION_ASSISTANCE', 'MONITORING_EVALUATION']),
  'iq-partner': persona('IQ/NGO/IQ-REINTEGRATION-PARTNER', 'IQ', ['REINTEGRATION_PARTNER'], PARTNER_PURPOSES),
  'other-partner': persona('IQ/NGO/IQ-OTHER-PARTNER', 'IQ', ['REINTEGRATION_PARTNER'], PARTNER_PURPOSES),
  'iq-authority': persona('IQ/GOV/IQ-MIGRATION-AUTHORITY', 'IQ', ['COO_AUTHORITY'], ['REINTEGRATION_ASSISTANCE', 'REFERRAL']),
  researcher: persona('EU/EDU/EU-RETURN-RESEARCH', 'EU', ['RESEARCHER'], ['MONITORING_EVALUATION', 'STATISTICS']),
  auditor: persona('EU/GOV/BE-RETURN', 'BE', ['AUDITOR'], ['AUDIT']),
  dpo: persona('EU/GOV/EU-DATA-PROTECTION-SUPERVISOR', 'EU', ['DPO'], ['AUDIT']),
  'hub-operator': persona('EU/GOV/CONTINUUM-HUB', 'EU', ['HUB_OPERATOR'], ['OPERATIONS']),
} satisfies Record<string, PersonaDefinition>);

export type PersonaName = keyof typeof PERSONAS;
export const PERSONA_NAMES = Object.freeze(Object.keys(PERSONAS) as PersonaName[]);

export function isPersonaName(name: unknown): name is PersonaName {
  return typeof name === 'string' && Object.hasOwn(PERSONAS, name);
}

/** The audience of demo tokens unless another is asked for. */
export const DEFAULT_DEV_AUDIENCE = 'https://hub.continuum.test';
export const DEFAULT_DEV_IDENTITIES_DIR = '.data/dev-identities';
const DEV_ALGORITHM = 'ES256';
const DEV_CLOCK_TOLERANCE_SECONDS = 30;

/** `EU/GOV/BE-RETURN` → `https://idp.be-return.continuum.test`. */
export function devIssuerUrl(organisation: string): string {
  const code = organisation.split('/').at(-1) ?? organisation;
  return `https://idp.${code.toLowerCase()}.continuum.test`;
}

/** One demo identity provider: the organisation it vouches for and its signing key. */
export interface DevIssuer {
  issuer: string;
  organisation: string;
  country: string;
  kid: string;
  privateKey: CryptoKey;
}

export interface DevIdentities {
  audience: string;
  /** The trust list that accepts these issuers' tokens (public keys inline). */
  trust: TrustList;
  /** Demo issuers by organisation. */
  issuers: ReadonlyMap<string, DevIssuer>;
}

/** `issuers.json`: private material, DEVELOPMENT ONLY. */
const IssuersFileSchema = z.object({
  audience: z.string().min(1),
  issuers: z.array(
    z.object({
      issuer: z.string().min(1),
      organisation: z.string().min(1),
      country: z.string().min(1),
      privateJwk: z.looseObject({ kty: z.literal('EC'), crv: z.literal('P-256'), kid: z.string().min(1), d: z.string().min(1), x: z.string(), y: z.string() }),
    }),
  ),
});
type IssuersFile = z.infer<typeof IssuersFileSchema>;
type StoredIssuer = IssuersFile['issuers'][number];

function organisations(): Map<string, string> {
  const result = new Map<string, string>();
  for (const definition of Object.values(PERSONAS)) result.set(definition.organisation, definition.country);
  return result;
}

/** What a demo issuer may vouch for: the union of its organisation's personas, in persona order. */
function bindingOf(organisation: string): { roles: Role[]; purposes: Purpose[]; oversight: boolean } {
  const personas = Object.values(PERSONAS).filter((definition) => definition.organisation === organisation);
  const roles = [...new Set(personas.flatMap((definition) => definition.roles))];
  const purposes = [...new Set(personas.flatMap((definition) => definition.purposes))];
  const oversight = roles.some((role) => OVERSIGHT_ROLES.includes(role)) || purposes.some((purpose) => OVERSIGHT_PURPOSES.includes(purpose));
  return { roles, purposes, oversight };
}

async function generateIssuer(organisation: string, country: string): Promise<StoredIssuer> {
  const { privateKey } = await generateKeyPair(DEV_ALGORITHM, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicPart(privateJwk));
  return {
    issuer: devIssuerUrl(organisation),
    organisation,
    country,
    privateJwk: { ...privateJwk, kid, alg: DEV_ALGORITHM, use: 'sig' } as StoredIssuer['privateJwk'],
  };
}

/** The public members of an EC JWK (what the JWK thumbprint and the trust list need). */
function publicPart(jwk: JWK): { kty: string; crv: string; x: string; y: string } {
  const { kty, crv, x, y } = jwk;
  if (kty !== 'EC' || crv === undefined || x === undefined || y === undefined) throw new TypeError('expected an EC key');
  return { kty, crv, x, y };
}

function trustListOf(file: IssuersFile): TrustListInput {
  return {
    audience: file.audience,
    clockToleranceSeconds: DEV_CLOCK_TOLERANCE_SECONDS,
    // An issuer kept from an older set of personas vouches for nobody any more, so is not trusted.
    issuers: file.issuers.filter((entry) => bindingOf(entry.organisation).roles.length > 0).map((entry) => ({
      issuer: entry.issuer,
      organisation: entry.organisation,
      country: entry.country,
      ...bindingOf(entry.organisation),
      jwks: { keys: [{ ...publicPart(entry.privateJwk), kid: entry.privateJwk.kid, alg: DEV_ALGORITHM, use: 'sig' }] },
    })),
  };
}

async function identitiesOf(file: IssuersFile): Promise<DevIdentities> {
  const issuers = new Map<string, DevIssuer>();
  for (const entry of file.issuers) {
    const privateKey = (await importJWK(entry.privateJwk, DEV_ALGORITHM)) as CryptoKey;
    issuers.set(entry.organisation, { issuer: entry.issuer, organisation: entry.organisation, country: entry.country, kid: entry.privateJwk.kid, privateKey });
  }
  return { audience: file.audience, trust: parseTrustList(trustListOf(file), { source: '(dev identities)' }), issuers };
}

/** Adds an issuer for every persona organisation that has none yet. Returns whether anything was added. */
async function completeIssuers(file: IssuersFile): Promise<boolean> {
  const present = new Set(file.issuers.map((entry) => entry.organisation));
  let added = false;
  for (const [organisation, country] of organisations()) {
    if (present.has(organisation)) continue;
    file.issuers.push(await generateIssuer(organisation, country));
    added = true;
  }
  return added;
}

/**
 * Generates fresh demo identities in memory, touching no file. For tests.
 *
 * @example
 * ```ts
 * const identities = await createDevIdentities('https://hub.continuum.test');
 * const verifier = createTokenVerifier(identities.trust);
 * const token = await issueDevToken(identities, 'be-counsellor');
 * ```
 */
export async function createDevIdentities(audience: string = DEFAULT_DEV_AUDIENCE): Promise<DevIdentities> {
  const file: IssuersFile = { audience, issuers: [] };
  await completeIssuers(file);
  return identitiesOf(file);
}

function writeFileAtomically(path: string, content: string, mode: number, onlyIfAbsent: boolean): boolean {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode);
  try {
    if (!onlyIfAbsent) {
      renameSync(temporary, path);
      return true;
    }
    try {
      linkSync(temporary, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  } finally {
    if (existsSync(temporary)) unlinkSync(temporary);
  }
}

function readIssuersFile(path: string): IssuersFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new Error(`Cannot read dev identities ${path}: ${(cause as Error).message}`, { cause });
  }
  const result = IssuersFileSchema.safeParse(data);
  if (!result.success) {
    throw new TypeError(`Invalid dev identities ${path} (delete the directory to regenerate): ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}

/**
 * DEVELOPMENT ONLY. Loads the demo identities kept under `dir`, creating the directory, the keys
 * and `trust.json` if missing, and adding an issuer for any persona organisation new since they
 * were made. Keys are never regenerated, so tokens stay valid across restarts.
 *
 * @param audience The hub's audience. When omitted, the stored one (or {@link DEFAULT_DEV_AUDIENCE}
 *   for a new directory) is kept; when it differs from the stored one, the store is updated and
 *   tokens issued for the old audience stop verifying.
 */
export async function ensureDevIdentities(dir: string = DEFAULT_DEV_IDENTITIES_DIR, audience?: string): Promise<DevIdentities> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const issuersPath = join(dir, 'issuers.json');
  const trustPath = join(dir, 'trust.json');

  if (!existsSync(issuersPath)) {
    const fresh: IssuersFile = { audience: audience ?? DEFAULT_DEV_AUDIENCE, issuers: [] };
    await completeIssuers(fresh);
    // Create-if-absent: if another process created the file meanwhile, its keys win.
    writeFileAtomically(issuersPath, `${JSON.stringify(fresh, null, 2)}\n`, 0o600, true);
  }
  const file = readIssuersFile(issuersPath);
  let changed = await completeIssuers(file);
  if (audience !== undefined && audience !== file.audience) {
    file.audience = audience;
    changed = true;
  }
  if (changed) writeFileAtomically(issuersPath, `${JSON.stringify(file, null, 2)}\n`, 0o600, false);
  chmodSync(issuersPath, 0o600);

  const trustText = `${JSON.stringify(trustListOf(file), null, 2)}\n`;
  if (!existsSync(trustPath) || readFileSync(trustPath, 'utf8') !== trustText) writeFileAtomically(trustPath, trustText, 0o644, false);
  return identitiesOf(file);
}

export interface IssueDevTokenOptions {
  /** A purpose the persona allows; checked, and the token still lists all allowed purposes. */
  purpose?: string;
  /** Lifetime in seconds. @default 3600 */
  ttlSeconds?: number;
  /** The `sub` claim. @default `<persona>-001` */
  officialId?: string;
  /** Issue time. @default new Date() */
  now?: Date;
}

/**
 * DEVELOPMENT ONLY. Signs a token for a persona with its organisation's demo key.
 *
 * @throws TypeError naming the valid choices for an unknown persona or a purpose it does not allow.
 */
export async function issueDevToken(identities: DevIdentities, personaName: string, options: IssueDevTokenOptions = {}): Promise<string> {
  if (!isPersonaName(personaName)) throw new TypeError(`Unknown persona "${personaName}". Valid personas: ${PERSONA_NAMES.join(', ')}.`);
  const definition: PersonaDefinition = PERSONAS[personaName];
  if (options.purpose !== undefined && !(definition.purposes as readonly string[]).includes(options.purpose)) {
    throw new TypeError(`Persona "${personaName}" does not allow purpose "${options.purpose}". Valid purposes: ${definition.purposes.join(', ')}.`);
  }
  const ttlSeconds = options.ttlSeconds ?? 3600;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new TypeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}.`);
  const signer = identities.issuers.get(definition.organisation);
  if (!signer) throw new TypeError(`No demo issuer for organisation ${definition.organisation}.`);

  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({
    org: definition.organisation,
    country: definition.country,
    roles: [...definition.roles],
    purposes: [...definition.purposes],
  })
    .setProtectedHeader({ alg: DEV_ALGORITHM, kid: signer.kid, typ: 'JWT' })
    .setIssuer(signer.issuer)
    .setSubject(options.officialId ?? `${personaName}-001`)
    .setAudience(identities.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .setJti(randomUUID())
    .sign(signer.privateKey);
}
