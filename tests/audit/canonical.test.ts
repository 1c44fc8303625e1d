/**
 * The writer's canonical JSON (audit/chain.ts canonicalJson) is RFC 8785 exactly as the
 * `canonicalize` package writes it: on every record shape the hub writes, and on the values
 * where a shortcut could go wrong (key order, numbers, escapes, surrogates, undefined).
 */
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, groupCaseAccesses, outOfOrderObjects } from '../../audit/index.js';
import { recordGenerator, type Mix } from '../../bench/audit/content.js';

describe('canonical JSON of audit records', () => {
  it.each(['typical', 'gateway'] as Mix[])('is what canonicalize writes for every record of the %s mix', (mix) => {
    const next = recordGenerator(7, mix);
    for (let i = 0; i < 500; i++) {
      const content = { ...next(new Date(Date.UTC(2026, 0, 1, 0, 0, i))), id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` };
      expect(canonicalJson(content)).toBe(canonicalize(content));
    }
  });

  it('orders keys by UTF-16 code units, index-like keys included', () => {
    const value = { b: 1, a: { z: [3, { y: 1, x: 2 }], é: 1, E: 2 }, 10: 'ten', 9: 'nine', '': 0 };
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('writes numbers, escapes and pairs of surrogates as canonicalize does', () => {
    const value = { n: [0, -0, 1e21, 1.5e-7, 123.456, -1], s: 'quote " backslash \\ tab \t nul \u0000 line \u2028 emoji 😀' };
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('leaves out undefined members and writes undefined array items as null', () => {
    const value = { a: undefined, b: [undefined, 1] };
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('refuses what is not JSON: NaN, Infinity, a lone surrogate', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow(/Infinity/);
    expect(() => canonicalJson({ s: 'x\uD800y' })).toThrow(/surrogate/);
    expect(() => canonicalJson({ s: '\uDC00' })).toThrow(/surrogate/);
  });

  it('writes values with toJSON as canonicalize does', () => {
    const value = { at: new Date(Date.UTC(2026, 0, 1)) };
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('is what canonicalize writes for generated JSON values, keys in any order and objects shared between places', () => {
    // canonicalJson stringifies in place what is already in order and rebuilds only what is not:
    // generated objects mix both, at every depth, and share sub-objects (the gateway's records do).
    const key = fc.oneof(fc.constantFrom('a', 'b', 'B', 'é', 'E', 'paths', 'rule', '', 'ö', '\u{1F600}', '__x'), fc.string({ maxLength: 4 }));
    const value = fc.letrec((tie) => ({
      json: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.string({ maxLength: 6 }), tie('array'), tie('object')),
      array: fc.array(tie('json'), { maxLength: 4 }),
      object: fc.array(fc.tuple(key, tie('json')), { maxLength: 5 }).map((entries) => Object.fromEntries(entries)),
    })).json;
    fc.assert(
      fc.property(value, value, (a, b) => {
        const shared = { first: a, again: a, other: [b, a] };
        expect(canonicalJson(a)).toBe(canonicalize(a));
        expect(canonicalJson(shared)).toBe(canonicalize(shared));
      }),
      { numRuns: 400 },
    );
  });

  it('leaves the value it was given as it was, also where it had to reorder', () => {
    const inner = { z: 1, a: [{ y: 2, b: 3 }] };
    const value = { outer: inner, also: inner };
    const before = JSON.stringify(value);
    canonicalJson(value);
    expect(JSON.stringify(value)).toBe(before);
    expect(Object.keys(inner)).toEqual(['z', 'a']);
  });

  it('names the objects out of canonical key order, and none in the patterns groupCaseAccesses builds', () => {
    expect(outOfOrderObjects({ a: 1, b: { d: 1, c: 2 }, list: [{ x: 1 }, { y: 1, x: 2 }] })).toEqual(['b', 'list[1]']);
    const grouped = groupCaseAccesses([
      { ref: 'case-1', released: [{ category: 'IDENTITY', basis: 'LEGAL_OBLIGATION', rule: 'r', paths: ['case.person'] }], denied: [{ category: 'HEALTH', code: 'NO_CONSENT', rule: 'r', paths: ['case.medical'] }] },
    ]);
    expect(outOfOrderObjects(grouped).filter((path) => path !== '')).toEqual([]);
  });
});
