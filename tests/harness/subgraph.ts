/**
 * Starts a single subgraph the way the gateway would talk to it: with a gateway key pair, and a
 * `signedFetch` that adds a context signed with that key. By default the context releases every
 * category of every case in the representations; pass decisions to test enforcement.
 */
import { encodeDecisions, generateContextKeys, signContext, type ContextKeys, type SignedDecisions, type SubgraphContext } from '../../auth/context-token.js';
import { DATA_CATEGORIES } from '../../contract/index.js';
import { CONTEXT_EXTENSION, startSubgraph, type RunningSubgraph, type SubgraphModule } from '../../subgraphs/kit/index.js';

const keysByUrl = new Map<string, { keys: ContextKeys; name: string }>();

export const TEST_CALLER: Omit<SubgraphContext, 'decisions'> = {
  officialId: 'test-official-001',
  organisation: 'EU/GOV/BE-RETURN',
  country: 'BE',
  roles: ['MS_CASE_OFFICER'],
  purpose: 'RETURN_COUNSELLING',
  requestId: 'test-request-0001',
};

export async function startTestSubgraph(module: SubgraphModule<object>): Promise<RunningSubgraph & { keys: ContextKeys }> {
  const keys = await generateContextKeys();
  const running = await startSubgraph(module, { port: 0, logLevel: 'silent', contextKey: keys.publicKey });
  keysByUrl.set(running.url, { keys, name: module.name });
  return { ...running, keys };
}

/** Every category released for each case reference found in the representations. */
export function releaseAll(variables: Record<string, unknown> | undefined): SignedDecisions {
  const perCase = new Map<string, Record<string, string>>();
  const all = Object.fromEntries(DATA_CATEGORIES.map((c) => [c, 'R']));
  for (const value of Object.values(variables ?? {})) {
    if (!Array.isArray(value)) continue;
    for (const item of value as { ref?: unknown; caseRef?: unknown }[]) {
      const ref = item?.ref ?? item?.caseRef;
      if (typeof ref === 'string') perCase.set(ref, all);
    }
  }
  return encodeDecisions(perCase);
}

export async function signedFetch(
  target: string | { url: string },
  init: { method?: string; headers?: Record<string, string>; body: string },
  options: { decisions?: SignedDecisions; caller?: Partial<SubgraphContext> } = {},
): Promise<Response> {
  const url = typeof target === 'string' ? target : target.url;
  const entry = keysByUrl.get(url);
  if (!entry) throw new Error(`no test subgraph at ${url}`);
  const body = JSON.parse(init.body) as { variables?: Record<string, unknown>; extensions?: Record<string, unknown> };
  const token = await signContext(entry.keys, entry.name, { ...TEST_CALLER, ...options.caller, decisions: options.decisions ?? releaseAll(body.variables) });
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify({ ...body, extensions: { ...body.extensions, [CONTEXT_EXTENSION]: token } }),
  });
}
