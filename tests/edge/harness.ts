/**
 * The edge as a partner runs it, in-process on ephemeral ports: a hub key set published as a JWKS
 * (a small server whose keys a test can rotate), a subgraph behind the edge, and the edge trusting
 * that JWKS. `call` signs a context as the gateway does, for the subgraph's name.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { encodeDecisions, generateContextKeys, signContext, type ContextKeys, type SignedDecisions, type SubgraphContext } from '../../auth/context-token.js';
import { CONTEXT_EXTENSION, edgeLogger, startEdge, type RunningEdge } from '../../edge/index.js';

export const SUBGRAPH = 'housing';

export const CALLER: Omit<SubgraphContext, 'decisions'> = {
  officialId: 'test-official-001',
  organisation: 'EU/GOV/BE-RETURN',
  country: 'BE',
  roles: ['MS_CASE_OFFICER'],
  purpose: 'RETURN_COUNSELLING',
  requestId: 'edge-test-request-0001',
};

export interface PublishedKeys {
  url: string;
  /** The JWKS currently served. */
  keys: JWK[];
  close(): Promise<void>;
}

export async function publishKeys(keys: JWK[]): Promise<PublishedKeys> {
  const published: PublishedKeys = { url: '', keys, close: async () => {} };
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: published.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  published.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/continuum/context-jwks.json`;
  published.close = () => new Promise((resolve) => server.close(() => resolve()));
  return published;
}

export interface EdgeUnderTest {
  edge: RunningEdge;
  hub: ContextKeys;
  jwks: PublishedKeys;
  /** Every line the edge logged. */
  logs: string[];
  close(): Promise<void>;
}

export async function startEdgeFor(upstreamUrl: string, options: { cooldownSeconds?: number } = {}): Promise<EdgeUnderTest> {
  const hub = await generateContextKeys();
  const jwks = await publishKeys([{ ...hub.publicJwk, kid: 'hub-1' }]);
  const logs: string[] = [];
  const edge = await startEdge(
    { subgraphName: SUBGRAPH, upstreamUrl, host: '127.0.0.1', port: 0, jwksUrl: jwks.url, refreshSeconds: 300, cooldownSeconds: options.cooldownSeconds ?? 30, upstreamTimeoutMs: 5_000, bodyLimitBytes: 1024 * 1024, logLevel: 'debug' },
    { logger: edgeLogger('debug', SUBGRAPH, (line) => logs.push(line)), retryMs: 50 },
  );
  await edge.ready();
  return {
    edge,
    hub,
    jwks,
    logs,
    async close() {
      await edge.close();
      await jwks.close();
    },
  };
}

/** One decision set per case: `{ ref: { CATEGORY: 'R' | 'CODE rule' } }`. */
export function decisions(perCase: Record<string, Record<string, string>>): SignedDecisions {
  return encodeDecisions(new Map(Object.entries(perCase)));
}

export interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

export async function call(
  url: string,
  body: { query: string; variables?: Record<string, unknown> },
  context: { keys?: Pick<ContextKeys, 'privateKey'>; audience?: string; decisions?: SignedDecisions; caller?: Partial<SubgraphContext>; token?: string | null },
): Promise<Answer> {
  let token: string | undefined;
  if (context.token === null) token = undefined;
  else if (context.token !== undefined) token = context.token;
  else token = await signContext(context.keys!, context.audience ?? SUBGRAPH, { ...CALLER, ...context.caller, ...(context.decisions ? { decisions: context.decisions } : {}) });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, ...(token !== undefined ? { extensions: { [CONTEXT_EXTENSION]: token } } : {}) }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** The entity fetch the gateway plans for `Case.housing`. */
export const HOUSING_QUERY =
  'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Case { housing { address movedInOn needs { kind healthNote } } } } }';

export const representations = (...refs: string[]) => ({ representations: refs.map((ref) => ({ __typename: 'Case', ref })) });

const ALL = ['CASE_ADMIN', 'REINTEGRATION', 'CONTACT', 'HEALTH'];
export const released = (...categories: string[]) => Object.fromEntries(ALL.map((c) => [c, categories.includes(c) ? 'R' : 'FORBIDDEN_FIELD policy.no-grant']));
export const releasedAll = () => released(...ALL);
