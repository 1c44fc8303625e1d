/**
 * The registry's check that a routing URL really serves the SDL being published: the gateway asks
 * the subgraph for `_service { sdl }`, signing the request like any other (as the hub operator,
 * purpose OPERATIONS), with a short timeout.
 */
import { signContext, type ContextKeys } from '../../auth/context-token.js';
import { CONTEXT_EXTENSION } from '../../contract/index.js';
import type { SdlProbe } from './Registry.js';

export function sdlProbe(keys: ContextKeys, timeoutMs = 5000): SdlProbe {
  return async (name, routingUrl) => {
    const token = await signContext(keys, name, {
      officialId: 'continuum-registry',
      organisation: 'EU/GOV/CONTINUUM-HUB',
      country: 'EU',
      roles: ['HUB_OPERATOR'],
      purpose: 'OPERATIONS',
      requestId: `registry-probe-${Date.now()}`,
    });
    const response = await fetch(routingUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }', extensions: { [CONTEXT_EXTENSION]: token } }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as { data?: { _service?: { sdl?: unknown } } };
    const sdl = body.data?._service?.sdl;
    if (typeof sdl !== 'string') throw new Error('no SDL in the answer');
    return sdl;
  };
}
