/**
 * The gateway's denial errors are made without graphql-js's constructor (it costs about 10 µs a
 * denial, and a page carries dozens). To every reader they must be the GraphQLError the
 * constructor would have made: these tests compare the two, property by property.
 */
import { GraphQLError, printError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { deniedError } from '../../gateway/access/denials.js';

const path = ['cases', 'edges', 3, 'node', 'memberStateFile', 'medical'];
const made = () => deniedError('BelgianCaseFile.medical', 'HEALTH', 'CONSENT_REQUIRED', 'partner.continuity-of-care', [...path]);
const constructed = () =>
  new GraphQLError('Field "BelgianCaseFile.medical" (HEALTH) is not released to you: CONSENT_REQUIRED by rule partner.continuity-of-care.', {
    path: [...path],
    extensions: { code: 'CONSENT_REQUIRED', rule: 'partner.continuity-of-care', category: 'HEALTH' },
  });

describe('a denial error is a GraphQLError to every reader', () => {
  it('is an instance of GraphQLError and of Error, named GraphQLError', () => {
    const error = made();
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('GraphQLError');
    expect(Object.prototype.toString.call(error)).toBe(Object.prototype.toString.call(constructed()));
  });

  it('has the enumerable own properties the constructor gives, in its order, with the same values', () => {
    const [ours, theirs] = [made(), constructed()];
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect({ ...ours }).toEqual({ ...theirs });
  });

  it('serialises, prints and reads like the constructed error', () => {
    const [ours, theirs] = [made(), constructed()];
    expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
    expect(ours.toJSON()).toEqual(theirs.toJSON());
    expect(ours.toString()).toBe(theirs.toString());
    expect(printError(ours)).toBe(printError(theirs));
    expect([ours.nodes, ours.source, ours.positions, ours.originalError, ours.locations]).toEqual([theirs.nodes, theirs.source, theirs.positions, theirs.originalError, theirs.locations]);
  });

  it('has a stack that names the error and no frame, as one captured with no trace', () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      expect(made().stack).toBe(constructed().stack);
    } finally {
      Error.stackTraceLimit = limit;
    }
  });

  it('keeps its own path and extensions: one denial changed does not change another', () => {
    const [first, second] = [made(), made()];
    (first.extensions as Record<string, unknown>).incident = 'SUBGRAPH_RETURNED_DENIED_FIELD';
    (first.path as (string | number)[])[2] = 7;
    expect(second.extensions).toEqual({ code: 'CONSENT_REQUIRED', rule: 'partner.continuity-of-care', category: 'HEALTH' });
    expect(second.path).toEqual(path);
  });
});
