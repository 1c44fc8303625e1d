/**
 * The auditor console at /console: one HTML page, one stylesheet and one vanilla JS module from
 * gateway/console/, served by the gateway itself — no CDN, no external font, nothing fetched from
 * outside. The page talks only to this gateway (/graphql and /audit/export) with a token the
 * auditor pastes, kept in memory only. A strict Content-Security-Policy applies: no inline script,
 * no inline style, connections to this origin only.
 */
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';

const FILES: Record<string, string> = {
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'dom.js': 'text/javascript; charset=utf-8',
};

/** The console's response headers (the MEAL page, ./meal.ts, is served under the same). */
export const CONSOLE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

function read(name: string): string {
  return readFileSync(new URL(`./console/${name}`, import.meta.url), 'utf8');
}

export function registerConsole(app: FastifyInstance): void {
  // Read once: the console is part of the release, not content that changes at run time.
  const page = read('index.html');
  const assets = new Map(Object.entries(FILES).map(([name, type]) => [name, { body: read(name), type }]));
  app.get('/console', (_request, reply) => reply.headers(CONSOLE_HEADERS).type('text/html; charset=utf-8').send(page));
  app.get<{ Params: { name: string } }>('/console/:name', (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) return reply.code(404).send({ error: 'not found' });
    return reply.headers(CONSOLE_HEADERS).type(asset.type).send(asset.body);
  });
}
