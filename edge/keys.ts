/**
 * The hub's context keys, as the edge trusts them: a JWKS (`{ "keys": [ … ] }`) of Ed25519 public
 * keys, read from the hub's published URL (GET /.well-known/continuum/context-jwks.json on any
 * gateway) or from a file. A context token names no key (its header is fixed), so a token is
 * verified against each trusted key in turn; several keys are trusted at once while the hub
 * rotates (docs/PARTNER-PROTOCOL.md, "Keys and rotation").
 *
 * From a URL, the set is fetched again every `refreshSeconds`, and at once when a token's signature
 * matches no key (the hub may have rotated) — at most once per `cooldownSeconds`, so forged tokens
 * cannot make the edge hammer the hub. A failed refresh keeps the keys already trusted.
 */
import { readFile } from 'node:fs/promises';
import type { CryptoKey, JWK } from 'jose';
import { z } from 'zod';
import { ContextTokenError, importContextPublicKey, verifyContext, type SubgraphContext } from '../auth/context-token.js';
import { httpCall, type HttpAnswer } from './http.js';

export type KeySource = { jwksUrl: string } | { jwksFile: string };

/** Why the key set cannot be used; the message is for the operator. */
export class EdgeKeyError extends Error {
  override name = 'EdgeKeyError';
}

const PublicJwk = z.looseObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(1),
  kid: z.string().optional(),
  d: z.undefined({ message: 'a private key was published; refusing to use it' }).optional(),
});
const Jwks = z.object({ keys: z.array(z.unknown()).min(1, 'the key set is empty') });

/** Imports a JWKS of Ed25519 public keys; any key that is not one makes the whole set unusable. */
export async function importKeySet(body: unknown, where: string): Promise<CryptoKey[]> {
  const jwks = Jwks.safeParse(body);
  if (!jwks.success) throw new EdgeKeyError(`${where} is not a JWKS: ${jwks.error.issues[0]?.message ?? 'invalid'}.`);
  const keys: CryptoKey[] = [];
  for (const [index, candidate] of jwks.data.keys.entries()) {
    const jwk = PublicJwk.safeParse(candidate);
    if (!jwk.success) {
      const issue = jwk.error.issues[0];
      throw new EdgeKeyError(`key ${index} of ${where} is not an Ed25519 public key (${issue?.path.join('.')}: ${issue?.message}).`);
    }
    try {
      keys.push(await importContextPublicKey(jwk.data as JWK));
    } catch {
      throw new EdgeKeyError(`key ${index} of ${where} cannot be imported as an Ed25519 public key.`);
    }
  }
  return keys;
}

export interface KeySetOptions {
  refreshSeconds: number;
  cooldownSeconds: number;
  fetchTimeoutMs: number;
  /** Told of each failed refresh (the edge logs it). */
  onRefreshFailed?: (message: string) => void;
  now?: () => number;
}

export class TrustedKeys {
  private keys: CryptoKey[] = [];
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly source: KeySource,
    private readonly options: KeySetOptions,
  ) {}

  get loaded(): boolean {
    return this.keys.length > 0;
  }

  get size(): number {
    return this.keys.length;
  }

  /** Loads the set (throws EdgeKeyError), then keeps it fresh when it comes from a URL. */
  async start(): Promise<void> {
    await this.load();
    if ('jwksUrl' in this.source && !this.timer) {
      this.timer = setInterval(() => void this.refresh(), this.options.refreshSeconds * 1000);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async load(): Promise<void> {
    this.loading ??= (async () => {
      this.lastAttempt = this.now();
      try {
        this.keys = await importKeySet(await this.read(), this.describe());
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  private async refresh(): Promise<void> {
    try {
      await this.load();
    } catch (error) {
      this.options.onRefreshFailed?.((error as Error).message);
    }
  }

  private describe(): string {
    return 'jwksUrl' in this.source ? `the hub's context key set at ${this.source.jwksUrl}` : `the context key set in ${this.source.jwksFile}`;
  }

  private async read(): Promise<unknown> {
    if ('jwksFile' in this.source) {
      try {
        return JSON.parse(await readFile(this.source.jwksFile, 'utf8'));
      } catch (error) {
        throw new EdgeKeyError(`cannot read ${this.describe()}: ${(error as Error).message}`);
      }
    }
    let answer: HttpAnswer;
    try {
      answer = await httpCall(this.source.jwksUrl, { method: 'GET', headers: { accept: 'application/json' }, timeoutMs: this.options.fetchTimeoutMs, maxBytes: 1024 * 1024 });
    } catch (error) {
      const failure = error as NodeJS.ErrnoException;
      throw new EdgeKeyError(`cannot reach ${this.describe()} (${failure.name === 'TimeoutError' ? 'timed out' : (failure.code ?? failure.message)}).`);
    }
    if (answer.status !== 200) throw new EdgeKeyError(`${this.describe()} answered HTTP ${answer.status}; expected a JWKS.`);
    try {
      return JSON.parse(answer.text);
    } catch {
      throw new EdgeKeyError(`${this.describe()} is not JSON; expected a JWKS { "keys": [ … ] }.`);
    }
  }

  /**
   * Verifies a context token for `audience` against every trusted key. Only a signature that no
   * key matches depends on the key, so only that tries the next key, and then a fresh set.
   */
  async verify(token: unknown, audience: string): Promise<SubgraphContext> {
    try {
      return await this.verifyWith(this.keys, token, audience);
    } catch (error) {
      if (!(error instanceof ContextTokenError) || error.reason !== 'signature') throw error;
      if ('jwksFile' in this.source || this.now() - this.lastAttempt < this.options.cooldownSeconds * 1000) throw error;
      await this.refresh();
      return this.verifyWith(this.keys, token, audience);
    }
  }

  private async verifyWith(keys: readonly CryptoKey[], token: unknown, audience: string): Promise<SubgraphContext> {
    if (keys.length === 0) throw new ContextTokenError('no-trusted-key');
    let last: unknown;
    for (const key of keys) {
      try {
        return await verifyContext(key, audience, token);
      } catch (error) {
        if (!(error instanceof ContextTokenError) || error.reason !== 'signature') throw error;
        last = error;
      }
    }
    throw last;
  }
}
