/**
 * docs/PARTNER-PROTOCOL.md against the code: the header, issuer, lifetime, clock tolerance, claim
 * vocabularies, refusal body, verification reasons, denial codes, the edge's settings and its own
 * codes — each read from the document and compared with what the code does, so the written
 * protocol cannot drift from the implemented one.
 */
import { readFileSync } from 'node:fs';
import { CONTEXT_JWKS_PATH } from '../../contract/index.js';
import { describe, expect, it } from 'vitest';
import { CONTEXT_ISSUER, ContextTokenError, generateContextKeys, signContext, verifyContext } from '../../auth/context-token.js';
import { DENIAL_CODES } from '../../auth/decide.js';
import { ROLES } from '../../auth/roles.js';
import { CHECKS, REFUSAL } from '../../conformance/index.js';
import { CASE_UNKNOWN, DECISION_MISSING, EDGE_CODES, EDGE_ENV, REFUSAL_MESSAGE } from '../../edge/index.js';
import { DATA_CATEGORIES, PURPOSES } from '../../schema/vocabulary.js';
import { CALLER } from './harness.js';

const DOC = readFileSync(new URL('../../docs/PARTNER-PROTOCOL.md', import.meta.url), 'utf8');

/** The backticked words of the table row whose first cell is `name`. */
function rowWords(name: string): string[] {
  const row = DOC.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
  if (!row) throw new Error(`no row for ${name}`);
  return [...row.split('|').slice(3).join('|').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!);
}

/** The rows of the table that follows `heading` (first cell, second cell). */
function tableAfter(heading: string): [string, string][] {
  const start = DOC.indexOf(heading);
  const lines = DOC.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('| '));
  const rows: [string, string][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('| ')) break;
    const cells = line.split('|').map((cell) => cell.trim());
    rows.push([cells[1]!, cells[2]!]);
  }
  return rows;
}

/** The section listing the checks, in order, with their reasons. */
const CHECK_SECTION = DOC.slice(DOC.indexOf('**Checks, in this order**'), DOC.indexOf('## 3. Decisions'));

async function reason(token: unknown, key: CryptoKey, now?: Date): Promise<string> {
  try {
    await verifyContext(key, 'housing', token, now);
    return 'accepted';
  } catch (error) {
    return (error as ContextTokenError).reason;
  }
}

describe('docs/PARTNER-PROTOCOL.md says what the code does', () => {
  it('gives the one valid header, byte for byte', async () => {
    const token = await signContext(await generateContextKeys(), 'housing', CALLER);
    const header = token.split('.')[0]!;
    expect(DOC).toContain(`Exactly one header is valid, byte for byte:\n\`${header}\`, which is\n\`${Buffer.from(header, 'base64url').toString('utf8')}\``);
  });

  it('gives the issuer, the lifetime and the clock tolerance', async () => {
    const keys = await generateContextKeys();
    const token = await signContext(keys, 'housing', CALLER, 1_800_000_000_000);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { iss: string; iat: number; exp: number };
    expect(DOC).toContain(`| \`iss\` | string | always \`${CONTEXT_ISSUER}\` |`);
    expect(DOC).toContain(`| \`exp\` | number | \`iat + ${claims.exp - claims.iat}\`: a token lives one minute |`);
    // 5 seconds of tolerance: expired 4 s ago passes, 5 s ago does not; issued 5 s ahead passes, 6 s does not.
    expect(await reason(token, keys.publicKey, new Date((claims.exp + 4) * 1000))).toBe('accepted');
    expect(await reason(token, keys.publicKey, new Date((claims.exp + 5) * 1000))).toBe('expired');
    expect(await reason(token, keys.publicKey, new Date((claims.iat - 5) * 1000))).toBe('accepted');
    expect(await reason(token, keys.publicKey, new Date((claims.iat - 6) * 1000))).toBe('not-yet-valid');
    expect(DOC).toContain('— 5 seconds of clock tolerance either way;');
  });

  it('lists every role, purpose, category and denial code the code knows', () => {
    expect(rowWords('roles')).toEqual([...ROLES]);
    expect(rowWords('purpose')).toEqual([...PURPOSES]);
    const categories = /Categories: (.*?) \(fields without/s.exec(DOC)![1]!;
    expect([...categories.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1])).toEqual([...DATA_CATEGORIES]);
    const codes = /The codes are (.*?) \(their meaning/s.exec(DOC)![1]!;
    expect([...codes.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1])).toEqual([...DENIAL_CODES]);
  });

  it('gives the default denials the kit and the edge apply', () => {
    expect(DOC).toContain(`denied as\n  \`${DECISION_MISSING.code} ${DECISION_MISSING.rule}\``);
    expect(DOC).toContain(`denied as \`${CASE_UNKNOWN.code} ${CASE_UNKNOWN.rule}\``);
  });

  it('gives the refusal body the kit and the edge send', () => {
    expect(new ContextTokenError('missing').message).toBe(REFUSAL_MESSAGE);
    const block = /with HTTP \*\*401\*\* and exactly:\n\n```json\n(.*?)\n```/s.exec(DOC)![1]!;
    expect(JSON.parse(block)).toEqual({ errors: [{ message: REFUSAL_MESSAGE, extensions: { code: 'UNAUTHENTICATED', hubCode: 'HUB_CONTEXT_INVALID' } }] });
  });

  it('names each verification failure by the reason the code gives it', async () => {
    const keys = await generateContextKeys();
    const good = await signContext(keys, 'housing', CALLER);
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const cases: [string, unknown][] = [
      ['missing', undefined],
      ['malformed', 'a.b'],
      ['algorithm', `${encode({ alg: 'none', typ: 'continuum-context+jwt' })}.${payload}.${signature}`],
      ['type', `${encode({ alg: 'EdDSA', typ: 'JWT' })}.${payload}.${signature}`],
      ['header', `${encode({ alg: 'EdDSA', typ: 'continuum-context+jwt', kid: 'x' })}.${payload}.${signature}`],
      ['signature', `${header}.${payload}.${Buffer.alloc(64).toString('base64url')}`],
      ['claims', await signContext(keys, 'other', CALLER)],
      ['expired', await signContext(keys, 'housing', CALLER, Date.now() - 120_000)],
      ['not-yet-valid', await signContext(keys, 'housing', CALLER, Date.now() + 120_000)],
    ];
    for (const [expected, token] of cases) {
      expect(await reason(token, keys.publicKey)).toBe(expected);
      expect(CHECK_SECTION).toContain(`\`${expected}\``);
    }
  });

  it("lists the edge's settings with their variables", () => {
    const rows = tableAfter('Settings (JSON file keys');
    const documented = rows.flatMap(([keys, variables]) => {
      const names = [...keys.matchAll(/`(\w+)`/g)].map((m) => m[1]!);
      const vars = [...variables.matchAll(/`(\w+)`/g)].map((m) => m[1]!);
      return names.map((name, i) => [name, vars[i]] as const);
    });
    expect(Object.fromEntries(documented)).toEqual(EDGE_ENV);
  });

  it("lists the edge's own codes with their HTTP status", () => {
    const rows = Object.fromEntries(tableAfter('Its own answers, besides the refusal').map(([code, status]) => [code.replace(/`/g, ''), Number(status)]));
    const fromCode = Object.fromEntries(Object.entries(EDGE_CODES).map(([code, { status }]) => [code, status]));
    expect(rows).toEqual({ ...fromCode, GRAPHQL_PARSE_FAILED: 400, GRAPHQL_VALIDATION_FAILED: 400 });
  });

  it('gives the path where every gateway publishes its keys', () => {
    const routes = readFileSync(new URL('../../gateway/registry/routes.ts', import.meta.url), 'utf8');
    expect(CONTEXT_JWKS_PATH).toBe('/.well-known/continuum/context-jwks.json');
    expect(routes).toContain('app.get(CONTEXT_JWKS_PATH');
    expect(DOC).toContain('GET /.well-known/continuum/context-jwks.json');
  });

  it("gives the conformance suite's number of checks and each group's range", () => {
    expect(DOC).toContain(`- ${CHECKS.length} numbered checks in four groups:`);
    for (const group of ['context verification', 'schema', 'enforcement', 'transport']) {
      const range = new RegExp(`\\*\\*${group}\\*\\* \\((\\d+)–(\\d+):`).exec(DOC);
      const ids = CHECKS.filter((c) => c.group === (group === 'context verification' ? 'context' : group)).map((c) => c.id);
      expect([Number(range?.[1]), Number(range?.[2])]).toEqual([Math.min(...ids), Math.max(...ids)]);
    }
    expect(CHECKS.map((c) => c.id)).toEqual(CHECKS.map((_, i) => i + 1));
    expect(REFUSAL.errors[0]!.message).toBe(REFUSAL_MESSAGE);
  });
});
