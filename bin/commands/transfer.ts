/**
 * `continuum transfer …` — a Member State records, revokes and lists the GDPR Chapter V bases
 * under which its case data may go to a recipient outside the EU/EEA (docs/POLICY.md, "Transfer
 * bases"), through the hub's typed API with the official's own token and a declared purpose:
 *   record --recipient ORG --instrument I --reference TEXT --valid-from DATE [--valid-until DATE]
 *   revoke --id ID
 *   list [--json]
 * The hub decides who may (the roles the policy names, for their own Member State) and audits
 * every change. Exit 0 success, 1 refused by the hub, 2 usage.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isIsoDate } from '../../contract/index.js';
import { PURPOSES } from '../../contract/index.js';
import { DEFAULT_HUB } from './registry-client.js';
import { EXIT_USAGE, type SubcommandHandler } from './types.js';

const INSTRUMENTS = ['ADEQUACY_DECISION', 'APPROPRIATE_SAFEGUARDS', 'DEROGATION'] as const;

const USAGE = `Usage: continuum transfer record --recipient ORG --instrument INSTRUMENT --reference TEXT --valid-from YYYY-MM-DD [--valid-until YYYY-MM-DD]
       continuum transfer revoke --id ID
       continuum transfer list [--json]
Common: [--token TOKEN] [--purpose PURPOSE] [--hub URL]

Records, revokes or lists your Member State's transfer bases (GDPR Chapter V): what lets its case
data go to a recipient outside the EU/EEA. The gate counts a basis from the next request, while
it is in force (not revoked, today within --valid-from..--valid-until, both days included).

  --recipient    organisation identifier of the recipient, e.g. IQ/GOV/IQ-MIGRATION-AUTHORITY
  --instrument   ADEQUACY_DECISION (Art. 45), APPROPRIATE_SAFEGUARDS (Art. 46) or DEROGATION (Art. 49; must end)
  --reference    the instrument's identifier: decision number, arrangement or contract reference
  --valid-from   first day it counts (UTC)
  --valid-until  last day it counts (UTC); leave out for an open-ended instrument
  --id           the basis to revoke (from "continuum transfer list")
  --json         print the bases as JSON
  --token        your bearer token (default CONTINUUM_TOKEN)
  --purpose      the purpose you declare (default CONTINUUM_PURPOSE); one your token allows
  --hub          the hub (default CONTINUUM_HUB_URL, else http://127.0.0.1:4000)`;

const FIELDS = 'id exporter recipient instrument reference validFrom validUntil recordedBy recordedAt revokedAt revokedBy inForce';

interface TransferBasis {
  id: string;
  exporter: string;
  recipient: string;
  instrument: string;
  reference: string;
  validFrom: string;
  validUntil: string | null;
  recordedBy: string | null;
  recordedAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  inForce: boolean;
}

interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

function usageError(message: string): number {
  console.error(`continuum transfer: ${message}`);
  return EXIT_USAGE;
}

const RecordArgs = z.object({
  recipient: z.string({ error: '--recipient is required' }).regex(/^[A-Z]{2,3}\/[A-Z]+\/[A-Z0-9-]+$/, '--recipient must be an organisation identifier such as IQ/GOV/IQ-MIGRATION-AUTHORITY'),
  instrument: z.enum(INSTRUMENTS, { error: `--instrument must be one of ${INSTRUMENTS.join(', ')}` }),
  reference: z.string({ error: '--reference is required' }),
  'valid-from': z.string({ error: '--valid-from is required' }).refine(isIsoDate, '--valid-from must be a date, YYYY-MM-DD'),
  'valid-until': z.string().refine(isIsoDate, '--valid-until must be a date, YYYY-MM-DD').optional(),
});

async function ask(hub: string, token: string, purpose: string, query: string, variables: Record<string, unknown>): Promise<GraphQLAnswer> {
  let response: Response;
  try {
    response = await fetch(new URL('/graphql', hub), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': purpose },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    throw new HubUnreachable(`cannot reach the hub at ${hub}: ${cause}`);
  }
  const text = await response.text();
  try {
    return JSON.parse(text) as GraphQLAnswer;
  } catch {
    throw new HubUnreachable(`the hub at ${hub} answered HTTP ${response.status} with a body that is not JSON`);
  }
}

/** No GraphQL answer at all: nothing the hub decided, so no code to show. */
class HubUnreachable extends Error {}

function refused(answer: GraphQLAnswer): number {
  for (const error of answer.errors ?? []) console.error(`✗ ${error.extensions?.code ?? 'ERROR'}: ${error.message}`);
  return 1;
}

const window = (b: TransferBasis) => `${b.validFrom}..${b.validUntil ?? '(open-ended)'}`;
const state = (b: TransferBasis) => (b.revokedAt ? 'REVOKED' : b.inForce ? 'IN FORCE' : 'NOT IN FORCE');

export const run: SubcommandHandler = async (args) => {
  try {
    return await transfer(args);
  } catch (error) {
    if (!(error instanceof HubUnreachable)) throw error;
    console.error(`continuum transfer: ${error.message}`);
    return 1;
  }
};

async function transfer(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        hub: { type: 'string', default: DEFAULT_HUB },
        token: { type: 'string' },
        purpose: { type: 'string' },
        recipient: { type: 'string' },
        instrument: { type: 'string' },
        reference: { type: 'string' },
        'valid-from': { type: 'string' },
        'valid-until': { type: 'string' },
        id: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help || action === '--help' || action === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (action !== 'record' && action !== 'revoke' && action !== 'list') {
    return usageError(`${action === undefined ? 'say what to do' : `unknown action "${action}"`}: record, revoke or list.\n\n${USAGE}`);
  }
  const token = values.token ?? process.env.CONTINUUM_TOKEN;
  if (!token) return usageError('a token is needed: --token TOKEN or CONTINUUM_TOKEN (e.g. `npx continuum token --persona de-case-officer`).');
  const purpose = values.purpose ?? process.env.CONTINUUM_PURPOSE;
  if (!purpose) return usageError(`a purpose is needed: --purpose PURPOSE or CONTINUUM_PURPOSE (one your token allows: ${PURPOSES.join(', ')}).`);
  if (!(PURPOSES as readonly string[]).includes(purpose)) return usageError(`unknown purpose "${purpose}". Valid purposes: ${PURPOSES.join(', ')}.`);
  const hub = values.hub as string;
  if (!URL.canParse(hub) || !/^https?:$/.test(new URL(hub).protocol)) return usageError('--hub must be an http:// or https:// URL (default CONTINUUM_HUB_URL).');

  if (action === 'list') {
    const answer = await ask(hub, token, purpose, `{ transferBases { ${FIELDS} } }`, {});
    if (answer.errors?.length || !answer.data) return refused(answer);
    const bases = answer.data.transferBases as TransferBasis[];
    if (values.json) {
      console.log(JSON.stringify(bases, null, 2));
      return 0;
    }
    if (bases.length === 0) console.log('Your Member State has recorded no transfer basis.');
    for (const b of bases) console.log(`${state(b).padEnd(12)} ${b.id}  ${b.exporter} → ${b.recipient}  ${b.instrument}  ${window(b)}  ${b.reference}`);
    return 0;
  }

  if (action === 'revoke') {
    if (!values.id) return usageError(`--id is required.\n\n${USAGE}`);
    if (!z.uuid().safeParse(values.id).success) return usageError('--id must be a transfer basis identifier (a UUID, from "continuum transfer list").');
    const answer = await ask(hub, token, purpose, `mutation Revoke($id: ID!) { revokeTransferBasis(id: $id) { ${FIELDS} } }`, { id: values.id });
    if (answer.errors?.length || !answer.data) return refused(answer);
    const b = answer.data.revokeTransferBasis as TransferBasis;
    console.log(`Revoked transfer basis ${b.id} (${b.exporter} → ${b.recipient}); it stops counting from the next request.`);
    return 0;
  }

  const parsed = RecordArgs.safeParse(values);
  if (!parsed.success) return usageError(`${parsed.error.issues.map((issue) => issue.message).join('; ')}. Run "continuum transfer --help" for the options.`);
  const input = {
    recipient: parsed.data.recipient,
    instrument: parsed.data.instrument,
    reference: parsed.data.reference,
    validFrom: parsed.data['valid-from'],
    validUntil: parsed.data['valid-until'] ?? null,
  };
  const answer = await ask(hub, token, purpose, `mutation Record($input: RecordTransferBasisInput!) { recordTransferBasis(input: $input) { ${FIELDS} } }`, { input });
  if (answer.errors?.length || !answer.data) return refused(answer);
  const b = answer.data.recordTransferBasis as TransferBasis;
  console.log(`Recorded transfer basis ${b.id}: ${b.exporter} → ${b.recipient}, ${b.instrument} "${b.reference}", valid ${window(b)}; ${b.inForce ? 'in force now' : 'not in force today'}.`);
  return 0;
}
