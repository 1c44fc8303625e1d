/**
 * The decision codec: how the outcome of one category for one case travels from the gateway to a
 * subgraph (inside the signed context) and is read back by the gateway's re-check. `R` is
 * released; anything else is `<CODE> <rule>`, the code a denial is answered with and the rule
 * that denied it (the code has no space; the rule may not either, but is read to the end).
 */
import type { DenialCode } from './constants.js';

/** A category's outcome for one case as it is signed: `R` released, else `<CODE> <rule>`. */
export type EncodedDecision = string;

/** Released, or the denial's code and rule. */
export type FieldOutcome = 'R' | { code: string; rule: string };

/** Decisions per case, deduplicated: most cases of one request share the same outcome vector. */
export interface SignedDecisions {
  /** Outcome vectors: category → encoded outcome. */
  sets: Record<string, EncodedDecision>[];
  /** Case reference → index of its vector in `sets`. */
  cases: Record<string, number>;
}

export const RELEASED = 'R';

/** What a subgraph holds for a case or category the gateway signed no decision for: denied. */
export const DECISION_MISSING = { code: 'NO_RELATIONSHIP', rule: 'decision.missing' } as const satisfies { code: DenialCode; rule: string };

export function encodeOutcome(outcome: FieldOutcome): EncodedDecision {
  return outcome === RELEASED ? RELEASED : `${outcome.code} ${outcome.rule}`;
}

/** Reads an encoded outcome; an absent one is `DECISION_MISSING`. */
export function decodeOutcome(encoded: EncodedDecision | undefined): FieldOutcome {
  if (encoded === undefined) return DECISION_MISSING;
  if (encoded === RELEASED) return RELEASED;
  const space = encoded.indexOf(' ');
  if (space <= 0) return { code: encoded, rule: '' };
  return { code: encoded.slice(0, space), rule: encoded.slice(space + 1) };
}

/** The signed outcome of `category` for case `ref`; undefined when the case has no signed vector. */
export function signedOutcome(decisions: SignedDecisions | undefined, ref: string, category: string): FieldOutcome | undefined {
  const set = decisions?.cases[ref];
  if (set === undefined) return undefined;
  return decodeOutcome(decisions?.sets[set]?.[category]);
}

/** A vector's identity as a string, made once per vector object (vectors never change once made). */
const vectorKeys = new WeakMap<object, string>();

/**
 * Builds the compact decisions claim from per-case outcome vectors, one set per distinct vector.
 * Vectors are matched by identity first (the gateway hands equal vectors as one object, so a page
 * costs a map look-up per case), then by content, so equal vectors made apart share a set too.
 */
export function encodeDecisions(perCase: ReadonlyMap<string, Record<string, EncodedDecision>>): SignedDecisions {
  const sets: Record<string, EncodedDecision>[] = [];
  const byObject = new Map<object, number>();
  const byContent = new Map<string, number>();
  const cases: Record<string, number> = {};
  for (const [ref, vector] of perCase) {
    let at = byObject.get(vector);
    if (at === undefined) {
      let key = vectorKeys.get(vector);
      if (key === undefined) vectorKeys.set(vector, (key = JSON.stringify(vector)));
      at = byContent.get(key);
      if (at === undefined) {
        at = sets.length;
        sets.push(vector);
        byContent.set(key, at);
      }
      byObject.set(vector, at);
    }
    cases[ref] = at;
  }
  return { sets, cases };
}
