/** A partner for registry tests: its key pair, a small subgraph of its own, and signed requests. */
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { issueDevToken } from '../../auth/dev-identities.js';
import { startSubgraph, subgraphSdl, type RunningSubgraph, type SubgraphModule } from '../../subgraphs/kit/index.js';
import type { TestFederation } from '../harness/federation.js';

export const PARTNER = 'NG/GOV/NG-TEST-MECHANISM/referrals';

export const REFERRAL_COUNT_SDL = `
type Case @key(fields: "ref") {
  ref: CaseRef! @personalData(category: CASE_ADMIN)
  referralCount: Int @personalData(category: REFERRAL)
}`;

/** A partner subgraph serving `typeDefs`; referralCount is the case number's last digit. */
export async function startPartnerSubgraph(federation: TestFederation, typeDefs = REFERRAL_COUNT_SDL, name = 'test-referrals'): Promise<RunningSubgraph> {
  const module: SubgraphModule<object> = {
    name,
    typeDefs,
    resolvers: {
      Case: {
        __resolveReference: (reference: { ref: string }) => ({ ref: reference.ref }),
        referralCount: (c: { ref: string }) => Number(c.ref.slice(-1)),
        referralNote: () => 'synthetic note',
      },
    },
    createLoaders: () => ({}),
    checkHealth: async () => {},
  };
  return startSubgraph(module, { port: 0, logLevel: 'silent', contextKey: federation.contextKeys.publicKey });
}

export interface PartnerKeys {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function partnerKeys(): Promise<PartnerKeys> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), alg: 'EdDSA' } };
}

export async function sign(keys: PartnerKeys, payload: Record<string, unknown>): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA' }).sign(keys.privateKey);
}

export function submission(subgraph: RunningSubgraph, overrides: Record<string, unknown> = {}) {
  return { name: subgraph.name, routingUrl: subgraph.url, sdl: subgraph.sdl, ...overrides };
}

export async function signedPayload(keys: PartnerKeys, sub: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return sign(keys, { participant: PARTNER, iat: Math.floor(Date.now() / 1000), nonce: randomUUID(), submission: sub, ...overrides });
}

// Registry answers are read deep in tests; assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = Record<string, any>;

export async function hubPost(federation: TestFederation, path: string, body: unknown, token?: string) {
  const response = await fetch(new URL(path, federation.gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}`, 'x-purpose': 'OPERATIONS' } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

export async function hubGet(federation: TestFederation, path: string, token: string) {
  const response = await fetch(new URL(path, federation.gateway.url), { headers: { authorization: `Bearer ${token}`, 'x-purpose': 'OPERATIONS' } });
  return { status: response.status, body: (await response.json()) as Answer };
}

export const operatorToken = (federation: TestFederation) => issueDevToken(federation.identities, 'hub-operator');

export { subgraphSdl };
