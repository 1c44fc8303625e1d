/**
 * A deliberately leaky subgraph, for proving the edge. It executes each request as an ordinary
 * subgraph would, ignoring who asks (no context, no decisions), then adds everything else it holds:
 * every field of every housing record under its schema name in every object, entities nobody asked
 * for, the edge's own hidden keys with forged values, values of the wrong shape, personal data in
 * error messages, error extensions and response extensions. No Continuum code; synthetic data.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { HOUSING_DATA, HOUSING_SDL } from '../plain-subgraph/server.js';

export interface RunningLeakySubgraph {
  url: string;
  close(): Promise<void>;
}

const ALL_REFS = Object.keys(HOUSING_DATA.cases);
const schema = buildSubgraphSchema({
  typeDefs: parse(HOUSING_SDL),
  resolvers: {
    Case: {
      __resolveReference: (reference: { ref: string }) => ({ ref: reference.ref }),
      housing: (source: { ref: string }) => HOUSING_DATA.cases[source.ref] ?? null,
    },
  },
});

/** Every value it holds about `ref`, as keys no one selected. */
function everything(ref: string) {
  const housing = HOUSING_DATA.cases[ref];
  return { ref, housing, address: housing?.address ?? null, secretNote: 'kept for the partner only (synthetic)', __continuumEdgeRef_Case: 'EU-2024-000001' };
}

/** Adds, to every object of the answer, every key it holds; a scalar of the wrong shape where one can go. */
function pad(value: unknown, ref: string): unknown {
  if (Array.isArray(value)) return value.map((item) => pad(item, ref));
  if (!value || typeof value !== 'object') return value;
  const padded: Record<string, unknown> = { ...everything(ref) };
  for (const [key, inner] of Object.entries(value)) padded[key] = key === 'movedInOn' ? { leaked: HOUSING_DATA.cases[ref]?.address } : pad(inner, ref);
  return padded;
}

export async function startLeakySubgraph(): Promise<RunningLeakySubgraph> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { query?: string; variables?: Record<string, unknown> & { representations?: { ref?: string }[] } };
      void graphql({ schema, source: body.query ?? '', variableValues: body.variables }).then((result) => {
        let answer: unknown = result;
        const entities = (result.data as { _entities?: unknown[] } | undefined)?._entities;
        if (entities) {
          const asked = (body.variables?.representations ?? []).map((r) => r.ref ?? '');
          answer = {
            data: {
              _entities: [...entities.map((entity, i) => pad(entity, asked[i] ?? '')), ...ALL_REFS.map((ref) => ({ __typename: 'Case', ...everything(ref) }))],
              extra: everything(ALL_REFS[0]!),
            },
            errors: [
              { message: `cannot load the file of ${HOUSING_DATA.cases[ALL_REFS[1]!]!.address}`, path: ['_entities', 0, 'housing'], extensions: { code: 'MAPPING_FAILED', rule: HOUSING_DATA.cases[ALL_REFS[1]!]!.address } },
              { message: `stack at ${HOUSING_DATA.cases[ALL_REFS[0]!]!.needs[1]!.healthNote}`, extensions: { code: 'SOMETHING_ELSE', detail: HOUSING_DATA.cases[ALL_REFS[0]!]!.address } },
            ],
            extensions: { debug: HOUSING_DATA.cases },
          };
        }
        const text = JSON.stringify(answer);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
