/**
 * The MEAL page at /meal, beside the auditor console: monitoring, evaluation, accountability and
 * learning figures from `Query.statistics` (docs/STATISTICS.md). One HTML page, one stylesheet and
 * one vanilla JS module from gateway/meal/ (it shares the console's stylesheet), plus
 * /meal/declared.json — the declared tables, measures, dimensions and bands, from the statistics
 * module itself, so the page never offers a question the hub would refuse. Served by the gateway,
 * nothing from a CDN, under the console's strict Content-Security-Policy; the page talks only to
 * this gateway's /graphql with a token the user pastes, kept in memory only.
 */
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { bandsOf, DIMENSIONS, referenceDate, ROUNDING_BASE, TABLES, THRESHOLD } from '../statistics/index.js';
import { CONSOLE_HEADERS } from './console.js';

const FILES: Record<string, string> = {
  'meal.css': 'text/css; charset=utf-8',
  'meal.js': 'text/javascript; charset=utf-8',
};

function read(name: string): string {
  return readFileSync(new URL(`./meal/${name}`, import.meta.url), 'utf8');
}

/** What may be asked, as of `now`: the page builds its form from this. */
export function declaredStatistics(now: Date) {
  const asOf = referenceDate(now);
  return {
    asOf,
    threshold: THRESHOLD,
    roundingBase: ROUNDING_BASE,
    tables: Object.values(TABLES).map((t) => ({ name: t.name, description: t.description, measures: t.measures.map((m) => ({ name: m.name, description: m.description })) })),
    dimensions: DIMENSIONS.map((name) => ({ name, bands: bandsOf(name, asOf) })),
  };
}

export function registerMeal(app: FastifyInstance): void {
  const page = read('index.html');
  const assets = new Map(Object.entries(FILES).map(([name, type]) => [name, { body: read(name), type }]));
  app.get('/meal', (_request, reply) => reply.headers(CONSOLE_HEADERS).type('text/html; charset=utf-8').send(page));
  app.get('/meal/declared.json', (_request, reply) => reply.headers(CONSOLE_HEADERS).type('application/json; charset=utf-8').send(declaredStatistics(new Date())));
  app.get<{ Params: { name: string } }>('/meal/:name', (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) return reply.code(404).send({ error: 'not found' });
    return reply.headers(CONSOLE_HEADERS).type(asset.type).send(asset.body);
  });
}
