/**
 * What the registry CLI commands share: talking to a hub's registry over HTTP, signing a
 * participant's requests with its private key, and printing answers for people.
 */
import { CompactSign, importJWK, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { subgraphSdl } from '../../subgraphs/kit/schema.js';

export const DEFAULT_HUB = process.env.CONTINUUM_HUB_URL ?? 'http://127.0.0.1:4000';

export interface HubAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function callHub(hub: string, method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<HubAnswer> {
  const response = await fetch(new URL(path, hub), {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}`, 'x-purpose': 'OPERATIONS' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { ok: false, error: { code: 'NOT_JSON', message: text.slice(0, 200) } };
  }
  return { status: response.status, body: parsed };
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

export function printError(answer: HubAnswer): void {
  const error = answer.body.error as { code?: string; message?: string } | undefined;
  console.error(`✗ ${error?.code ?? `HTTP ${answer.status}`}: ${error?.message ?? 'unexpected answer'}`);
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
