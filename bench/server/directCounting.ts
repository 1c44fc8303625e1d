/**
 * A view of the store that counts only the statements run on it directly, not through the scoped
 * views it hands out. Given to `startFederation`, it counts what the Continuum gateway itself asks
 * the central store (case facts, consents, transfer bases, audit records) apart from the
 * subgraphs' backends. A proxy, so every other member of `Db` passes through unchanged.
 */
import type { Db } from '../../store/index.js';

export interface DirectCountingDb extends Db {
  readonly direct: { statements: number };
}

const COUNTED = new Set<PropertyKey>(['query', 'exec', 'transaction']);

export function directCounting(db: Db): DirectCountingDb {
  const direct = { statements: 0 };
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'direct') return direct;
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (!COUNTED.has(property)) return value.bind(target);
      return (...args: unknown[]) => {
        direct.statements++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as DirectCountingDb;
}
