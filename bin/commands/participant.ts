/**
 * `continuum participant …` — the hub operator onboarding partner systems (X-Road style):
 *   add --id ID --name NAME --public-key FILE --categories A,B --contributions Type,Type.field
 *   approve|suspend|revoke --id ID   (suspend: its fields answer null, nothing is called; approve
 *                                     again: its last active version is served; revoke: final)
 *   list
 * Needs an operator token (--token or CONTINUUM_TOKEN). Exit 0 success, 1 refused, 2 usage.
 */
import { readFileSync } from 'node:fs';
import { callHub, DEFAULT_HUB, FALLBACK_HUB, operatorToken, printError } from './registry-client.js';
import type { SubcommandHandler } from './types.js';
import { parseCommand, type CommandSpec } from './usage.js';

const STATES = { approve: 'APPROVED', suspend: 'SUSPENDED', revoke: 'REVOKED' } as const;

const stateChange = (summary: string) => ({ summary, options: ['id', 'token', 'hub'], required: ['id'] });

export const SPEC = {
  name: 'participant',
  summary: 'Onboard partner systems (the hub operator, X-Road style): add, approve, suspend, revoke, list.',
  options: {
    id: { type: 'string', value: 'ID', description: 'the participant identifier, e.g. NG/GOV/NG-REFERRAL-MECHANISM/referrals' },
    name: { type: 'string', value: 'NAME', description: "the participant's name, for people" },
    'public-key': { type: 'string', value: 'FILE', description: "the participant's public key (public.jwk.json from `subgraph keygen`)" },
    categories: { type: 'string', value: 'A,B', description: 'the data categories its subgraphs may declare, comma-separated' },
    contributions: { type: 'string', value: 'Type,Type.field', description: 'the types and fields it may contribute, comma-separated' },
    token: { type: 'string', value: 'TOKEN', description: "the hub operator's bearer token (default: CONTINUUM_TOKEN)" },
    hub: { type: 'string', value: 'URL', default: DEFAULT_HUB, description: `the hub (default: CONTINUUM_HUB_URL, else ${FALLBACK_HUB})` },
  },
  actions: {
    add: {
      summary: 'Onboard a participant with its public key and remit; it stays PENDING until approved.',
      options: ['id', 'name', 'public-key', 'categories', 'contributions', 'token', 'hub'],
      required: ['id', 'name', 'public-key', 'categories', 'contributions'],
    },
    approve: stateChange('Approve a participant: it may publish subgraphs.'),
    suspend: stateChange('Suspend a participant at once: its subgraphs leave the supergraph.'),
    revoke: stateChange('Revoke a participant for good.'),
    list: { summary: 'List the participants, their state and remit.', options: ['token', 'hub'] },
  },
  notes: 'Needs an operator token. Exit status: 0 success, 1 refused, 2 usage error.',
} satisfies CommandSpec;

export const run: SubcommandHandler = async (args) => {
  const parsed = parseCommand(SPEC, args);
  if (typeof parsed === 'number') return parsed;
  const { action, values } = parsed;
  const hub = values.hub as string;
  const token = operatorToken(values.token);

  if (action === 'list') {
    const answer = await callHub(hub, 'GET', '/registry/participants', undefined, token);
    if (!answer.body.ok) return (printError(answer), 1);
    for (const p of answer.body.participants as { id: string; state: string; hubOwned: boolean; allowedCategories: string[] }[]) {
      console.log(`${p.state.padEnd(9)} ${p.id}${p.hubOwned ? '  (hub)' : `  categories: ${p.allowedCategories.join(', ')}`}`);
    }
    return 0;
  }
  if (action === 'add') {
    const answer = await callHub(
      hub,
      'POST',
      '/registry/participants',
      {
        id: values.id,
        name: values.name,
        publicJwk: JSON.parse(readFileSync(values['public-key'] as string, 'utf8')) as unknown,
        allowedCategories: (values.categories as string).split(',').map((s) => s.trim()),
        allowedContributions: (values.contributions as string).split(',').map((s) => s.trim()),
      },
      token,
    );
    if (!answer.body.ok) return (printError(answer), 1);
    console.log(`Added ${values.id} (PENDING). Approve it with: continuum participant approve --id ${values.id}`);
    return 0;
  }
  const id = values.id as string;
  const state = STATES[action as keyof typeof STATES];
  const answer = await callHub(hub, 'POST', `/registry/participants/${encodeURIComponent(id)}/state`, { state }, token);
  if (!answer.body.ok) return (printError(answer), 1);
  const version = answer.body.version as number | null;
  const effect: Record<typeof state, string> = {
    SUSPENDED: 'Its fields stay in the schema and answer null (HUB_SUBGRAPH_SUSPENDED); its subgraphs are not called',
    APPROVED: 'Its last active subgraph versions are served again',
    REVOKED: 'Its subgraphs left the supergraph',
  };
  console.log(`${id} is ${state}.${version ? ` ${effect[state]} (version ${version} is active).` : ''}`);
  return 0;
};
