/**
 * `continuum participant …` — the hub operator onboarding partner systems (X-Road style):
 *   add --id ID --name NAME --public-key FILE --categories A,B --contributions Type,Type.field
 *   approve|suspend|revoke --id ID   (suspend: its fields answer null, nothing is called; approve
 *                                     again: its last active version is served; revoke: final)
 *   list
 * Needs an operator token (--token or CONTINUUM_TOKEN). Exit 0 success, 1 refused, 2 usage.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { callHub, DEFAULT_HUB, operatorToken, printError } from './registry-client.js';
import { EXIT_USAGE, type SubcommandHandler } from './types.js';

const USAGE = `Usage: continuum participant add --id ID --name NAME --public-key FILE --categories A,B --contributions Type,Type.field [--token T] [--hub URL]
       continuum participant approve|suspend|revoke --id ID [--token T] [--hub URL]
       continuum participant list [--token T] [--hub URL]`;

const STATES = { approve: 'APPROVED', suspend: 'SUSPENDED', revoke: 'REVOKED' } as const;

export const run: SubcommandHandler = async (args) => {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      hub: { type: 'string', default: DEFAULT_HUB },
      token: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      'public-key': { type: 'string' },
      categories: { type: 'string' },
      contributions: { type: 'string' },
    },
  });
  const hub = values.hub as string;
  if (action !== 'add' && action !== 'list' && !(action && action in STATES)) return (console.error(USAGE), EXIT_USAGE);
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
    if (!values.id || !values.name || !values['public-key'] || !values.categories || !values.contributions) return (console.error(USAGE), EXIT_USAGE);
    const answer = await callHub(
      hub,
      'POST',
      '/registry/participants',
      {
        id: values.id,
        name: values.name,
        publicJwk: JSON.parse(readFileSync(values['public-key'], 'utf8')) as unknown,
        allowedCategories: values.categories.split(',').map((s) => s.trim()),
        allowedContributions: values.contributions.split(',').map((s) => s.trim()),
      },
      token,
    );
    if (!answer.body.ok) return (printError(answer), 1);
    console.log(`Added ${values.id} (PENDING). Approve it with: continuum participant approve --id ${values.id}`);
    return 0;
  }
  if (!values.id) return (console.error(USAGE), EXIT_USAGE);
  const state = STATES[action as keyof typeof STATES];
  const answer = await callHub(hub, 'POST', `/registry/participants/${encodeURIComponent(values.id)}/state`, { state }, token);
  if (!answer.body.ok) return (printError(answer), 1);
  const version = answer.body.version as number | null;
  const effect: Record<typeof state, string> = {
    SUSPENDED: 'Its fields stay in the schema and answer null (HUB_SUBGRAPH_SUSPENDED); its subgraphs are not called',
    APPROVED: 'Its last active subgraph versions are served again',
    REVOKED: 'Its subgraphs left the supergraph',
  };
  console.log(`${values.id} is ${state}.${version ? ` ${effect[state]} (version ${version} is active).` : ''}`);
  return 0;
};
