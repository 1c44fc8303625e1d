/**
 * What the registry CLI commands share: talking to a hub's registry over HTTP, signing a
 * participant's requests with its private key, and printing answers for people.
 */
import { CompactSign, importJWK, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { subgraphSdl } from '../../subgraphs/kit/schema.js';

export const FALLBACK_HUB = 'http://127.0.0.1:4000';
export const DEFAULT_HUB = process.env.CONTINUUM_HUB_URL || FALLBACK_HUB;

export interface HubAnswer {
  status: number;
  /** The URL called, for messages. */
  url: string;
  body: Record<string, unknown>;
}

const TIMEOUT_MS = 30_000;

/** Certificate and handshake failures Node reports on a fetch's cause. */
const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** A call to the hub that got no HTTP answer: says which URL and why, in words an operator can act on. */
export class HubUnreachableError extends Error {
  constructor(url: URL, reason: string) {
    super(`cannot reach the hub at ${url.href}: ${reason}`);
    this.name = 'HubUnreachableError';
  }
}

/** Why a fetch failed, from the cause Node (undici) attaches to its `fetch failed` TypeError. */
export function unreachableReason(url: URL, error: unknown): string {
  const origin = url.origin;
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${TIMEOUT_MS / 1000} s; is the hub at ${origin} overloaded or behind a firewall?`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? '';
  const hint = 'set CONTINUUM_HUB_URL or --hub to the hub you mean';
  if (code === 'ECONNREFUSED') return `nothing answers at ${origin} (connection refused); is the hub running? ${hint}.`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host ${url.hostname} is not known (${code}); ${hint}.`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `${origin} closed the connection before answering (${code}); is it the hub, and does it speak ${url.protocol.replace(':', '')}?`;
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return `connecting to ${origin} timed out (${code}); is the address right and the network open?`;
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER') return `TLS failed (${code}): ${origin} does not speak TLS; use http:// or the hub's https port.`;
  if (TLS_CODES.test(code)) return `TLS failed (${code}); does the hub's certificate match ${url.hostname} and is its issuer trusted (NODE_EXTRA_CA_CERTS)?`;
  // OpenSSL and undici details can run over several lines; the first says what happened.
  const detail = (cause?.message ?? (error instanceof Error ? error.message : String(error))).split('\n')[0]!;
  return code ? `${code} (${detail})` : detail;
}

export async function callHub(hub: string, method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<HubAnswer> {
  let url: URL;
  try {
    url = new URL(path, hub);
  } catch {
    throw new Error(`the hub address "${hub}" is not a URL; set CONTINUUM_HUB_URL or --hub, e.g. ${FALLBACK_HUB}`);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}`, 'x-purpose': 'OPERATIONS' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new HubUnreachableError(url, unreachableReason(url, error));
  }
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { ok: false, errors: [{ message: `the answer is not JSON, so ${url.origin} may not be a Continuum hub (${response.headers.get('content-type') ?? 'no content type'})` }] };
  }
  return { status: response.status, url: url.href, body: parsed };
}

/** The operator's bearer token: --token, or CONTINUUM_TOKEN. */
export function operatorToken(flag: string | undefined): string {
  const token = flag ?? process.env.CONTINUUM_TOKEN;
  if (!token) throw new Error('an operator token is needed: --token TOKEN or CONTINUUM_TOKEN (e.g. `npx continuum token --persona hub-operator --purpose OPERATIONS`)');
  return token;
}

/** A schema file as published: files without an `@link` header are a kit subgraph's own SDL. */
export function readSchema(path: string): string {
  const text = readFileSync(path, 'utf8');
  return /extend\s+schema\s+@link/.test(text) ? text : subgraphSdl(text);
}

export async function signRequest(keyFile: string, participant: string, submission: Record<string, unknown>): Promise<string> {
  const jwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
  if (!jwk.d) throw new Error(`${keyFile} holds no private key`);
  const alg = jwk.alg ?? (jwk.kty === 'OKP' ? 'EdDSA' : 'ES256');
  const key = await importJWK(jwk, alg);
  const payload = { participant, iat: Math.floor(Date.now() / 1000), nonce: randomUUID(), submission };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg, typ: 'continuum-registry+jws' }).sign(key);
}

/** A refusal from the hub: the HTTP status, the hub's error code and message, and the URL called. */
export function printError(answer: HubAnswer): void {
  // The hub's one refusal body (docs/ERRORS.md): errors[0] with its message and catalogue code.
  const errors = answer.body.errors as { message?: string; extensions?: { hubCode?: string } }[] | undefined;
  const error = Array.isArray(errors) ? errors[0] : undefined;
  const code = error?.extensions?.hubCode;
  console.error(`✗ HTTP ${answer.status}${code ? ` ${code}` : ''}: ${error?.message ?? 'unexpected answer'} (${answer.url})`);
}

interface PrintedChange {
  type: string;
  breaking: boolean;
  widens?: boolean;
  description: string;
}

/** BREAKING and WIDENS in front of a change, as the registry classified it. */
export function changeLabel(change: PrintedChange): string {
  return `${change.breaking ? 'BREAKING ' : ''}${change.widens ? 'WIDENS ' : ''}`;
}

export function printReport(report: { ok: boolean; subgraph: string; errors: { code: string; message: string; subgraph?: string }[]; changes: PrintedChange[]; approvals?: { code: string; message: string }[] }): void {
  console.log(report.ok ? `✓ ${report.subgraph}: every check passed.` : `✗ ${report.subgraph}: ${report.errors.length} problem(s); nothing was changed.`);
  for (const error of report.errors) console.log(`  [${error.code}] ${error.message}`);
  for (const approval of report.approvals ?? []) console.log(`  ! [${approval.code}] ${approval.message}`);
  if (report.changes.length > 0) {
    console.log('  Changes against the previous version:');
    for (const change of report.changes) console.log(`    ${changeLabel(change)}${change.type}: ${change.description}`);
  }
}
