/** The hub error catalogue, checked mechanically (as fastify checks lib/errors.js). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HubErrors, hubError } from '../../gateway/errors.js';
import { refusalBody } from '../../gateway/refusal.js';

const entries = Object.entries(HubErrors);
const documented = readFileSync(new URL('../../docs/ERRORS.md', import.meta.url), 'utf8');

describe('hub error catalogue', () => {
  it.each(entries)('%s: its key is its code, HUB_<AREA>_<REASON>', (key, definition) => {
    expect(definition.code).toBe(key);
    expect(key).toMatch(/^HUB_[A-Z]+(_[A-Z]+)+$|^HUB_INTERNAL$/);
  });

  it('gives every entry a distinct code', () => {
    expect(new Set(entries.map(([, d]) => d.code)).size).toBe(entries.length);
  });

  it.each(entries)('%s is documented in docs/ERRORS.md with its GraphQL code and status', (key, definition) => {
    expect(documented).toMatch(new RegExp(`\\| \`${key}\` \\| \`${definition.graphqlCode}\` \\| ${definition.httpStatus} \\|`));
  });

  it('fills message placeholders and carries both codes in extensions', () => {
    const error = hubError('HUB_SUBGRAPH_UNAVAILABLE', ['iq-partner'], { serviceName: 'iq-partner' });
    expect(error.message).toBe('Subgraph "iq-partner" is unavailable; its fields are null in this response.');
    expect(error.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', hubCode: 'HUB_SUBGRAPH_UNAVAILABLE', serviceName: 'iq-partner' });
  });

  it('builds the refusal body from the catalogue, in one place', () => {
    expect(refusalBody('HUB_LIMIT_RATE', 'req-1', ['5'])).toEqual({
      errors: [{ message: 'Too many requests from your organisation; retry after 5 s.', extensions: { code: 'RATE_LIMITED', hubCode: 'HUB_LIMIT_RATE', requestId: 'req-1' } }],
    });
  });
});
