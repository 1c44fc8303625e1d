/**
 * The edge trusts the hub's published key set, and follows its rotation: any key of the set
 * verifies; a token whose signature matches no key fetches the set again (at most once per
 * cooldown), so a newly published key is trusted at once and a withdrawn one stops verifying.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ContextTokenError, generateContextKeys, signContext } from '../../auth/context-token.js';
import { EdgeKeyError, importKeySet, TrustedKeys } from '../../edge/keys.js';
import { CALLER, publishKeys, type PublishedKeys } from './harness.js';

let published: PublishedKeys | undefined;
afterEach(async () => {
  await published?.close();
  published = undefined;
});

const OPTIONS = { refreshSeconds: 300, cooldownSeconds: 30, fetchTimeoutMs: 2_000 };

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof ContextTokenError ? error.reason : String(error);
  }
}

describe('the trusted key set', () => {
  it('verifies a token signed with any key of the set', async () => {
    const [first, second] = [await generateContextKeys(), await generateContextKeys()];
    published = await publishKeys([first.publicJwk, second.publicJwk]);
    const keys = new TrustedKeys({ jwksUrl: published.url }, OPTIONS);
    await keys.start();
    expect((await keys.verify(await signContext(second, 'housing', CALLER), 'housing')).requestId).toBe(CALLER.requestId);
    expect((await keys.verify(await signContext(first, 'housing', CALLER), 'housing')).requestId).toBe(CALLER.requestId);
    keys.stop();
  });

  it('trusts a key the hub publishes after start, on the first token it signs', async () => {
    const [old, rotated] = [await generateContextKeys(), await generateContextKeys()];
    published = await publishKeys([old.publicJwk]);
    let now = 0;
    const keys = new TrustedKeys({ jwksUrl: published.url }, { ...OPTIONS, now: () => now });
    await keys.start();
    published.keys = [rotated.publicJwk];
    now = 31_000;
    expect((await keys.verify(await signContext(rotated, 'housing', CALLER), 'housing')).requestId).toBe(CALLER.requestId);
    expect(await reasonOf(keys.verify(await signContext(old, 'housing', CALLER), 'housing'))).toBe('signature');
    keys.stop();
  });

  it('fetches the set again at most once per cooldown, however many unknown signatures arrive', async () => {
    const [old, rotated] = [await generateContextKeys(), await generateContextKeys()];
    published = await publishKeys([old.publicJwk]);
    let now = 0;
    const keys = new TrustedKeys({ jwksUrl: published.url }, { ...OPTIONS, now: () => now });
    await keys.start();
    published.keys = [rotated.publicJwk];
    now = 10_000;
    expect(await reasonOf(keys.verify(await signContext(rotated, 'housing', CALLER), 'housing'))).toBe('signature');
    now = 30_500;
    expect(await reasonOf(keys.verify(await signContext(rotated, 'housing', CALLER), 'housing'))).toBe('accepted');
    keys.stop();
  });

  it('refuses an unsigned, expired or other-audience token whatever the keys', async () => {
    const hub = await generateContextKeys();
    published = await publishKeys([hub.publicJwk]);
    const keys = new TrustedKeys({ jwksUrl: published.url }, OPTIONS);
    await keys.start();
    expect(await reasonOf(keys.verify(undefined, 'housing'))).toBe('missing');
    expect(await reasonOf(keys.verify(await signContext(hub, 'housing', CALLER, Date.now() - 120_000), 'housing'))).toBe('expired');
    expect(await reasonOf(keys.verify(await signContext(hub, 'be-cases', CALLER), 'housing'))).toBe('claims');
    keys.stop();
  });

  it('refuses a key set holding a private key', async () => {
    const hub = await generateContextKeys();
    const { exportJWK } = await import('jose');
    await expect(importKeySet({ keys: [{ ...(await exportJWK(hub.privateKey)) }] }, 'the set')).rejects.toEqual(
      new EdgeKeyError('key 0 of the set is not an Ed25519 public key (d: a private key was published; refusing to use it).'),
    );
  });

  it('refuses an empty key set and a key of another type', async () => {
    await expect(importKeySet({ keys: [] }, 'the set')).rejects.toEqual(new EdgeKeyError('the set is not a JWKS: the key set is empty.'));
    await expect(importKeySet({ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB' }] }, 'the set')).rejects.toEqual(
      new EdgeKeyError('key 0 of the set is not an Ed25519 public key (kty: Invalid input: expected "OKP").'),
    );
  });
});
