/**
 * The request's stages are one ordered list (gateway/pipeline.ts), drawn once in README.md: the
 * drawing names the same stages in the same order, each with exactly the codes its stage may
 * refuse with, and every code is one the catalogue or GraphQL defines.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DENIAL_CODES } from '../../auth/decide.js';
import { HubErrors } from '../../gateway/errors.js';
import { HTTP_GUARDS, PIPELINE } from '../../gateway/pipeline.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const drawing = /<!-- pipeline:start -->\n```text\n([\s\S]*?)```\n<!-- pipeline:end -->/.exec(readme)?.[1] ?? '';
const rows = drawing
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [name, runBy, ...rest] = line.split(/\s+/);
    // Codes are upper-case words with an underscore; `HUB_AUTH_*` stands for a family.
    return { name, runBy, codes: rest.join(' ').match(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]*\*?/g) ?? [] };
  });
/** GraphQL's own codes a stage may refuse with, besides the catalogue's. */
const GRAPHQL_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', ...DENIAL_CODES]);
/** Catalogue codes no /graphql stage refuses with: other routes, and the generic ones. */
// Registry and export routes, the auditor API's checkpoint, readiness: not refusals of /graphql's stages.
const ELSEWHERE = /^HUB_(REGISTRY|AUDIT_EXPORT)_|^HUB_AUDIT_CHECKPOINT_INVALID$|^HUB_INTERNAL$|^HUB_NOT_READY$/;

const matches = (drawn: string, code: string) => (drawn.endsWith('*') ? code.startsWith(drawn.slice(0, -1)) : drawn === code);

describe('the request pipeline', () => {
  it('README.md draws the stages of gateway/pipeline.ts, in its order, each run where the list says', () => {
    expect(rows.map(({ name, runBy }) => [name, runBy])).toEqual(PIPELINE.map(({ name, runBy }) => [name, runBy]));
  });

  it.each(PIPELINE.map((stage) => [stage.name, stage] as const))('%s: the drawing shows exactly the codes it may refuse with', (name, stage) => {
    const drawn = rows.find((row) => row.name === name)!.codes;
    expect(stage.refusesWith.filter((code) => !drawn.some((d) => matches(d, code)))).toEqual([]);
    expect(drawn.filter((d) => !stage.refusesWith.some((code) => matches(d, code)))).toEqual([]);
  });

  it('every code a stage names is in the catalogue or one of GraphQL’s own', () => {
    const unknown = PIPELINE.flatMap((stage) => stage.refusesWith).filter((code) => !(code in HubErrors) && !GRAPHQL_CODES.has(code));
    expect(unknown).toEqual([]);
  });

  it('every catalogue code for /graphql belongs to exactly one stage', () => {
    const owners = (code: string) => PIPELINE.filter((stage) => stage.refusesWith.includes(code)).length;
    const graphqlCodes = Object.keys(HubErrors).filter((code) => !ELSEWHERE.test(code));
    expect(graphqlCodes.filter((code) => owners(code) !== 1)).toEqual([]);
  });

  it('the Fastify guards the server runs are pipeline stages, in pipeline order', () => {
    const order = PIPELINE.map((stage) => stage.name);
    expect(HTTP_GUARDS.map((guard) => order.indexOf(guard))).toEqual([...HTTP_GUARDS.map((guard) => order.indexOf(guard))].sort((a, b) => a - b));
    expect(HTTP_GUARDS.every((guard) => order.includes(guard))).toBe(true);
  });
});
