/**
 * `continuum token --persona NAME [--purpose P] [--ttl S] [--dir DIR] [--audience AUD]`
 *
 * DEVELOPMENT ONLY. Prints a bearer token for a demo persona (just the JWT, one line), signed with
 * the demo keys under DIR (created on first use). Use it as `Authorization: Bearer $(continuum token …)`.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DEV_IDENTITIES_DIR, ensureDevIdentities, isPersonaName, issueDevToken, PERSONA_NAMES, PERSONAS } from '../../auth/index.js';
import { EXIT_USAGE, type SubcommandHandler } from './types.js';

const USAGE = `Usage: continuum token --persona NAME [--purpose PURPOSE] [--ttl SECONDS] [--dir DIR] [--audience AUDIENCE]

Prints a DEVELOPMENT-ONLY bearer token for a synthetic persona.

  --persona   one of: ${PERSONA_NAMES.join(', ')}
  --purpose   a purpose the persona allows (checked; the token lists all of them)
  --ttl       lifetime in seconds (default 3600)
  --dir       where the demo keys live (default CONTINUUM_DEV_IDENTITIES_DIR, else ${DEFAULT_DEV_IDENTITIES_DIR})
  --audience  the hub's audience (default: the one stored in DIR)`;

function usageError(message: string): number {
  console.error(`continuum token: ${message}`);
  return EXIT_USAGE;
}

export const run: SubcommandHandler = async (args) => {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        persona: { type: 'string' },
        purpose: { type: 'string' },
        ttl: { type: 'string' },
        // The hub's own setting first, so the token is signed with the keys the hub trusts.
        dir: { type: 'string', default: process.env.CONTINUUM_DEV_IDENTITIES_DIR ?? DEFAULT_DEV_IDENTITIES_DIR },
        audience: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
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

  const identities = await ensureDevIdentities(values.dir, values.audience);
  const jwt = await issueDevToken(identities, persona, {
    ...(values.purpose !== undefined ? { purpose: values.purpose } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
  });
  process.stdout.write(`${jwt}\n`);
  return 0;
};
