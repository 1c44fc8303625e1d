/**
 * `continuum token --persona NAME [--purpose P] [--ttl S] [--dir DIR] [--audience AUD]`
 *
 * DEVELOPMENT ONLY. Prints a bearer token for a demo persona (just the JWT, one line), signed with
 * the demo keys under DIR (created on first use). Use it as `Authorization: Bearer $(continuum token …)`.
 */
import { DEFAULT_DEV_IDENTITIES_DIR, ensureDevIdentities, isPersonaName, issueDevToken, PERSONA_NAMES, PERSONAS } from '../../auth/index.js';
import { EXIT_USAGE, type SubcommandHandler } from './types.js';
import { parseCommand, type CommandSpec } from './usage.js';

export const SPEC = {
  name: 'token',
  summary: 'Print a DEVELOPMENT-ONLY bearer token for a synthetic persona (just the JWT, one line).',
  usage: 'Usage: continuum token --persona NAME [--purpose PURPOSE] [--ttl SECONDS] [--dir DIR] [--audience AUDIENCE]',
  options: {
    persona: { type: 'string', value: 'NAME', description: `one of: ${PERSONA_NAMES.join(', ')}` },
    purpose: { type: 'string', value: 'PURPOSE', description: 'a purpose the persona allows (checked; the token lists all of them)' },
    ttl: { type: 'string', value: 'SECONDS', description: 'lifetime in seconds (default 3600)' },
    // The hub's own setting first, so the token is signed with the keys the hub trusts.
    dir: { type: 'string', value: 'DIR', default: process.env.CONTINUUM_DEV_IDENTITIES_DIR ?? DEFAULT_DEV_IDENTITIES_DIR, description: `where the demo keys live (default: CONTINUUM_DEV_IDENTITIES_DIR, else ${DEFAULT_DEV_IDENTITIES_DIR})` },
    audience: { type: 'string', value: 'AUDIENCE', description: "the hub's audience (default: the one stored in DIR)" },
  },
  notes: 'Use it as `Authorization: Bearer $(continuum token --persona …)`. Exit status: 0 printed, 2 usage error.',
} satisfies CommandSpec;

function usageError(message: string): number {
  console.error(`continuum token: ${message}`);
  return EXIT_USAGE;
}

export const run: SubcommandHandler = async (args) => {
  const parsed = parseCommand(SPEC, args);
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const persona = values.persona;
  if (persona === undefined) return usageError(`--persona is required. Valid personas: ${PERSONA_NAMES.join(', ')}.`);
  if (!isPersonaName(persona)) return usageError(`unknown persona "${persona}". Valid personas: ${PERSONA_NAMES.join(', ')}.`);
  const allowed: readonly string[] = PERSONAS[persona].purposes;
  if (values.purpose !== undefined && !allowed.includes(values.purpose)) {
    return usageError(`persona "${persona}" does not allow purpose "${values.purpose}". Valid purposes: ${allowed.join(', ')}.`);
  }
  let ttlSeconds: number | undefined;
  if (values.ttl !== undefined) {
    ttlSeconds = Number(values.ttl);
    if (!/^\d+$/.test(values.ttl) || !Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
      return usageError(`--ttl must be a positive whole number of seconds, got "${values.ttl}".`);
    }
  }

  const identities = await ensureDevIdentities(values.dir as string, values.audience);
  const jwt = await issueDevToken(identities, persona, {
    ...(values.purpose !== undefined ? { purpose: values.purpose } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
  });
  process.stdout.write(`${jwt}\n`);
  return 0;
};
