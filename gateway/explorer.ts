/**
 * A self-hosted GraphQL explorer (GraphiQL) that works with no internet: the page and its
 * scripts are served from the project's own node_modules, never from a CDN.
 */
import type { FastifyInstance } from 'fastify';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** A file inside an installed package, found through its package.json (UMD builds are not in "exports"). */
function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: packageFile('react', 'umd/react.production.min.js'), type: 'text/javascript; charset=utf-8' },
  'react-dom.js': { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript; charset=utf-8' },
  'graphiql.js': { file: packageFile('graphiql', 'graphiql.min.js'), type: 'text/javascript; charset=utf-8' },
  'graphiql.css': { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
};

const DEFAULT_QUERY = `# Continuum: one typed schema for cross-border return and reintegration cases.
# Set the Authorization and x-purpose headers below (see the README), then run.
query OneCase($ref: CaseRef!) {
  case(ref: $ref) {
    ref
    owningMemberState
    countryOfOrigin
    status
    memberStateFile { localReference person { familyName givenNames nationality } }
    reintegrationPlan { approvedOn budget { capEuro committedEuro } }
  }
}`;

function page(): string {
  const config = JSON.stringify({ defaultQuery: DEFAULT_QUERY, variables: '{ "ref": "EU-2024-000001" }' }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Continuum explorer</title>
  <link rel="stylesheet" href="/explorer/assets/graphiql.css">
  <style>html, body, #explorer { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="explorer">Loading the explorer…</div>
  <script src="/explorer/assets/react.js"></script>
  <script src="/explorer/assets/react-dom.js"></script>
  <script src="/explorer/assets/graphiql.js"></script>
  <script src="/explorer/assets/explorer.js"></script>
  <script type="application/json" id="explorer-config">${config}</script>
</body>
</html>`;
}

// Kept out of the HTML so a strict Content-Security-Policy (no inline scripts) can apply.
const BOOT = `(function () {
  var config = JSON.parse(document.getElementById('explorer-config').textContent);
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
  ReactDOM.createRoot(document.getElementById('explorer')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.defaultQuery,
      defaultVariables: config.variables,
      defaultHeaders: '{\\n  "Authorization": "Bearer <token>",\\n  "x-purpose": "RETURN_COUNSELLING"\\n}',
      shouldPersistHeaders: false,
      isHeadersEditorEnabled: true
    })
  );
})();`;

export function registerExplorer(app: FastifyInstance): void {
  const headers = {
    'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
    'x-content-type-options': 'nosniff',
  };
  app.get('/', (_request, reply) => reply.redirect('/explorer'));
  app.get('/explorer', (_request, reply) => reply.headers(headers).type('text/html; charset=utf-8').send(page()));
  app.get('/explorer/assets/explorer.js', (_request, reply) => reply.headers(headers).type('text/javascript; charset=utf-8').send(BOOT));
  app.get<{ Params: { name: string } }>('/explorer/assets/:name', (request, reply) => {
    const asset = Object.hasOwn(ASSETS, request.params.name) ? ASSETS[request.params.name] : undefined;
    if (!asset) return reply.code(404).send({ error: 'not found' });
    return reply.headers({ ...headers, 'cache-control': 'public, max-age=86400' }).type(asset.type).send(createReadStream(asset.file));
  });
}
