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

const DEFAULT_HEADERS = '{\n  "Authorization": "Bearer <token>",\n  "x-purpose": "RETURN_COUNSELLING"\n}';

const NO_TOKEN_HINT =
  'Every request needs a token and a declared purpose. Open "Headers" below, replace <token> with a bearer token ' +
  '(development: npx continuum token --persona be-counsellor) and set x-purpose to a purpose the token allows, then run.';

function page(): string {
  const config = JSON.stringify({ defaultQuery: DEFAULT_QUERY, variables: '{ "ref": "EU-2024-000001" }', headers: DEFAULT_HEADERS, hint: NO_TOKEN_HINT }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Continuum explorer</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/explorer/assets/graphiql.css">
  <style>html, body, #explorer { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="explorer">Loading the explorer…</div>
  <!-- The configuration comes first: explorer.js reads it as soon as it runs. -->
  <script type="application/json" id="explorer-config">${config}</script>
  <script src="/explorer/assets/react.js"></script>
  <script src="/explorer/assets/react-dom.js"></script>
  <script src="/explorer/assets/graphiql.js"></script>
  <script src="/explorer/assets/explorer.js"></script>
</body>
</html>`;
}

// Kept out of the HTML so a strict Content-Security-Policy (no inline scripts) can apply. Until the
// headers editor holds a bearer token, the fetcher answers with a hint instead of calling the hub
// (which would refuse with 401); once a token is there, the schema is fetched with it, so the
// editors complete and check against the schema the caller may use.
const BOOT = `(function () {
  var config = JSON.parse(document.getElementById('explorer-config').textContent);
  var http = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
  var BEARER = /^Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$/;
  function tokenOf(headers) {
    for (var name in headers) if (name.toLowerCase() === 'authorization' && BEARER.test(String(headers[name]).trim())) return String(headers[name]).trim();
    return null;
  }
  function parse(text) {
    try { var value = JSON.parse(text || '{}'); return value && typeof value === 'object' ? value : {}; } catch (e) { return {}; }
  }
  function makeFetcher() {
    return function (params, options) {
      if (!tokenOf((options && options.headers) || {})) return Promise.resolve({ errors: [{ message: config.hint }] });
      return http(params, options);
    };
  }
  var root = ReactDOM.createRoot(document.getElementById('explorer'));
  var token = null;
  function render(fetcher) {
    root.render(
      React.createElement(GraphiQL, {
        fetcher: fetcher,
        defaultQuery: config.defaultQuery,
        defaultVariables: config.variables,
        defaultHeaders: config.headers,
        shouldPersistHeaders: false,
        isHeadersEditorEnabled: true,
        onEditHeaders: function (text) {
          var next = tokenOf(parse(text));
          // A new fetcher makes GraphiQL fetch the schema again, now with the caller's token.
          if (next && next !== token) { token = next; render(makeFetcher()); }
        }
      })
    );
  }
  render(makeFetcher());
})();`;

export function registerExplorer(app: FastifyInstance): void {
  const headers = {
    // GraphiQL's stylesheet embeds its fonts as data: URIs (font-src); its editors set inline styles.
    'content-security-policy':
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src data:; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
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
