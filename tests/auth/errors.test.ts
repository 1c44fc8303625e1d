/**
 * The auth error catalogue, checked mechanically: the gateway merges it into the hub catalogue,
 * so its shape and codes must hold.
 */
import { describe, expect, it } from 'vitest';
import { AUTH_ERRORS, AuthError } from '../../auth/index.js';

describe('AUTH_ERRORS', () => {
  const entries = Object.entries(AUTH_ERRORS);

  it('keys every entry by its own code, HUB_AUTH_<REASON>', () => {
    for (const [key, entry] of entries) {
      expect(entry.code).toBe(key);
      expect(key).toMatch(/^HUB_AUTH_[A-Z_]+$/);
    }
  });

  it('has a distinct, short, sentence-like message per code', () => {
    const messages = entries.map(([, entry]) => entry.message);
    expect(new Set(messages).size).toBe(messages.length);
    for (const message of messages) expect(message).toMatch(/^[A-Z][^%]{5,80}\.$/);
  });

  it('answers 401 UNAUTHENTICATED for every refusal except an unavailable key set', () => {
    for (const [code, entry] of entries) {
      expect([entry.httpStatus, entry.graphqlCode]).toStrictEqual(code === 'HUB_AUTH_KEYS_UNAVAILABLE' ? [503, 'SERVICE_UNAVAILABLE'] : [401, 'UNAUTHENTICATED']);
    }
  });

  it('builds an AuthError from its entry', () => {
    const error = new AuthError('HUB_AUTH_TOKEN_EXPIRED');
    expect(error).toBeInstanceOf(Error);
    expect({ name: error.name, code: error.code, message: error.message, httpStatus: error.httpStatus, graphqlCode: error.graphqlCode }).toStrictEqual({
      name: 'AuthError',
      code: 'HUB_AUTH_TOKEN_EXPIRED',
      message: 'The token has expired.',
      httpStatus: 401,
      graphqlCode: 'UNAUTHENTICATED',
    });
  });
});
