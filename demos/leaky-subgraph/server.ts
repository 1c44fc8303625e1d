/**
 * A deliberately leaky subgraph, for proving the edge: it speaks just enough federation to be
 * put behind one (`_service { sdl }` and `_entities`), and answers every `_entities` call with
 * everything it holds, whatever was asked, for whomever: every field of every housing record under
 * its schema name, entities nobody asked for, hidden keys the edge uses for itself, values of the
 * wrong shape, and an error whose message holds personal data. No Continuum code; synthetic data.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HOUSING_DATA, HOUSING_SDL } from '../plain-subgraph/server.js';

export interface RunningLeakySubgraph {
  url: string;
  close(): Promise<void>;
}

/** Every value the leaky subgraph holds about `ref`, as it sends it. */
function everything(ref: string) {
  const housing = HOUSING_DATA.cases[ref];
  return {
    __typename: 'Case',
    ref,
    housing: housing ? { __typename: 'HousingSupport', ...housing, needs: housing.needs.map((need) => ({ __typename: 'HousingNeed', ...need })) } : null,
    // Keys nobody selected, named as the edge's own hidden selections and as a client alias might be.
    __continuumEdgeRef_Case: 'EU-2026-000101',
    address: housing?.address ?? null,
    secretNote: 'kept for the partner only (synthetic)',
  };
}

export async function startLeakySubgraph(): Promise<RunningLeakySubgraph> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { query?: string; variables?: { representations?: { ref?: string }[] } };
      let answer: unknown;
      if (body.query?.includes('_service')) answer = { data: { _service: { sdl: HOUSING_SDL } } };
      else {
        const asked = (body.variables?.representations ?? []).map((r) => r.ref ?? '');
        const all = Object.keys(HOUSING_DATA.cases);
        answer = {
          data: { _entities: [...asked, ...all].map(everything), extra: everything(all[0]!) },
          errors: [
            { message: `cannot load the file of ${HOUSING_DATA.cases[all[1]!]!.address}`, path: ['_entities', 0, 'housing'], extensions: { code: 'MAPPING_FAILED', rule: HOUSING_DATA.cases[all[1]!]!.address } },
            { message: `stack at ${HOUSING_DATA.cases[all[0]!]!.needs[1]!.healthNote}`, extensions: { code: 'SOMETHING_ELSE', detail: HOUSING_DATA.cases[all[0]!]!.address } },
          ],
          extensions: { debug: HOUSING_DATA.cases },
        };
      }
      const text = JSON.stringify(answer);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
