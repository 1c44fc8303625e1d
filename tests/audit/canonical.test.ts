/**
 * The writer's canonical JSON (audit/chain.ts canonicalJson) is RFC 8785 exactly as the
 * `canonicalize` package writes it: on every record shape the hub writes, and on the values
 * where a shortcut could go wrong (key order, numbers, escapes, surrogates, undefined).
 */
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../audit/index.js';
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
});
