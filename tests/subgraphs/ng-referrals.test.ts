/**
 * The ng-referrals subgraph (Nigeria's national referral mechanism) over real HTTP against its
 * simulated NRM backend (in-memory PGlite, synthetic cases): mapping fidelity against the
 * deterministic derivation, batching cost, cases without referrals, drifted code lists, the
 * gateway-signed context, the published SDL, and the standalone runner's JWKS loading.
 *
 * Cases without referrals: `referrals` is `[]` for a Nigerian returnee the NRM has registered but
 * not referred yet, and `null` for a case the NRM holds no file on (not Nigerian, not returned).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDecisions, generateContextKeys, signContext, verifyContext, type ContextKeys } from '../../auth/context-token.js';
import { composeStaticSupergraph } from '../../schema/static.js';
import { lintSubgraph } from '../../schema/lint/index.js';
import { STATIC_SYSTEMS } from '../../subgraphs/index.js';
import {
  NG_REFERRALS_FULL_SDL,
  NG_REFERRALS_PARTICIPANT,
  NG_REFERRALS_SCHEMA_FILE,
  StandaloneStartError,
  fetchContextKey,
  loadStandaloneConfig,
  nrmDate,
  ngReferralsSystem,
  startNgReferrals,
  syntheticNrmFile,
  type SyntheticNrmFile,
} from '../../subgraphs/ng-referrals/index.js';
import { CONTEXT_EXTENSION, ORGANISATIONS, syntheticCases, type RunningSubgraph, type SyntheticCase } from '../../subgraphs/kit/index.js';
import type { OpenedSystem } from '../../subgraphs/system.js';
import { openPglite, type Db } from '../../store/index.js';
import { TEST_CALLER, releaseAll, signedFetch, startTestSubgraph } from '../harness/subgraph.js';

const CASES = 1_000;

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Case {
        ref
        referrals { reference service referredOn provider status outcomeOn }
      }
    }
  }
`;

interface GraphQLResponse {
  data?: { _entities: ({ ref: string; referrals: unknown } | null)[] } | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; hubCode?: string } }[];
}

let db: Db;
let opened: OpenedSystem;
let subgraph: RunningSubgraph;

const body = (refs: readonly string[]) => JSON.stringify({ query: ENTITIES, variables: { representations: refs.map((ref) => ({ __typename: 'Case', ref })) } });

async function entities(refs: readonly string[], options: Parameters<typeof signedFetch>[2] = {}): Promise<GraphQLResponse> {
  const response = await signedFetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(refs) }, options);
  expect(response.status).toBe(200);
  return (await response.json()) as GraphQLResponse;
}

/** What the common model says the referrals are, from the derivation alone. */
function expectedReferrals(c: SyntheticCase) {
  const file = syntheticNrmFile(c);
  if (!file) return null;
  return file.referrals.map((r) => ({ reference: r.slipNo, service: r.service, referredOn: r.referredOn, provider: r.provider, status: r.status, outcomeOn: r.outcomeOn }));
}

const all = [...syntheticCases(CASES)];
const files = all.map((c) => ({ c, file: syntheticNrmFile(c) })).filter((x): x is { c: SyntheticCase; file: SyntheticNrmFile } => x.file !== null);
const withReferrals = (n: number) => files.filter((x) => x.file.referrals.length >= n);

describe('ng-referrals: the synthetic derivation', () => {
  it('gives an NRM file exactly to Nigerian returnees, with 0–3 referrals covering every code', () => {
    expect(files.length).toBeGreaterThan(50);
    for (const { c } of files) expect(c.countryOfOrigin === 'NG' && c.returnedOn !== null).toBe(true);
    expect(all.filter((c) => c.countryOfOrigin === 'NG' && c.returnedOn === null).every((c) => syntheticNrmFile(c) === null)).toBe(true);
    const counts = new Set(files.map((x) => x.file.referrals.length));
    expect([...counts].sort()).toEqual([0, 1, 2, 3]);
    const referrals = files.flatMap((x) => x.file.referrals);
    expect(new Set(referrals.map((r) => r.service)).size).toBe(6);
    expect(new Set(referrals.map((r) => r.status)).size).toBe(4);
    // Slip numbers are unique and in the NRM's format; after-midnight slips exist (Lagos day ≠ UTC day).
    expect(new Set(referrals.map((r) => r.slipNo)).size).toBe(referrals.length);
    for (const r of referrals) expect(r.slipNo).toMatch(/^NRM\/(LAG|EDO|FCT|DEL)\/\d{4}\/\d{5,}$/);
    expect(referrals.some((r) => r.referredAt.startsWith('00:'))).toBe(true);
  });

  it('is deterministic: the same case yields the same file', () => {
    const { c } = withReferrals(2)[0] as { c: SyntheticCase };
    expect(syntheticNrmFile(c)).toEqual(syntheticNrmFile({ ...c }));
  });
});

describe('ng-referrals subgraph', () => {
  beforeAll(async () => {
    db = await openPglite();
    await ngReferralsSystem.migrate(db);
    await ngReferralsSystem.seed(db, all);
    opened = await ngReferralsSystem.open(db, { logLevel: 'silent' });
    subgraph = await startTestSubgraph(opened.module);
  });

  afterAll(async () => {
    await subgraph?.close();
    await opened?.close();
    await db?.close();
  });

  it('stores native NRM records: own codes, Lagos slip time, DD/MM/YYYY closure day', async () => {
    const { c, file } = files.find((x) => x.file.referrals.some((r) => r.outcomeOn !== null)) as { c: SyntheticCase; file: SyntheticNrmFile };
    const rows = await db.query<Record<string, string | null>>('SELECT * FROM ng_nrm.referral_slip WHERE eu_case_no = $1 ORDER BY referred_on', [c.ref]);
    expect(rows).toHaveLength(file.referrals.length);
    const closed = file.referrals.findIndex((r) => r.outcomeOn !== null);
    const row = rows[closed] as Record<string, string | null>;
    expect(row.service_code).toMatch(/^(HLT|EDU|EMP|SPR|PSS|HSG)$/);
    expect(row.status_code).toMatch(/^[CD]$/);
    expect(row.referred_on).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(row.closed_on).toBe(nrmDate(file.referrals[closed]?.outcomeOn as string));
  });

  it('seeds idempotently: seeding the same cases again adds nothing', async () => {
    const count = async () => (await db.query<{ n: number }>('SELECT (SELECT count(*) FROM ng_nrm.returnee_register) + (SELECT count(*) FROM ng_nrm.referral_slip) AS n'))[0]?.n;
    const before = await count();
    await ngReferralsSystem.migrate(db);
    await ngReferralsSystem.seed(db, all.slice(0, 300));
    expect(await count()).toBe(before);
    expect(await ngReferralsSystem.isSeeded(db)).toBe(true);
  });

  it('maps every native slip back to the common model exactly', async () => {
    const result = await entities(all.map((c) => c.ref));
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual(all.map((c) => ({ ref: c.ref, referrals: expectedReferrals(c) })));
  });

  it('keeps the Lagos day of a referral made just after midnight', async () => {
    const { c, file } = files.find((x) => x.file.referrals.some((r) => r.referredAt.startsWith('00:'))) as { c: SyntheticCase; file: SyntheticNrmFile };
    const slip = file.referrals.find((r) => r.referredAt.startsWith('00:'));
    const result = await entities([c.ref]);
    const referrals = result.data?._entities[0]?.referrals as { reference: string; referredOn: string }[];
    const mapped = referrals.find((r) => r.reference === slip?.slipNo);
    expect(mapped?.referredOn).toBe(slip?.referredOn);
    // …which is not the UTC day of that instant (WAT is UTC+1).
    const utcDay = new Date(Date.parse(`${slip?.referredOn}T${slip?.referredAt}:00+01:00`)).toISOString().slice(0, 10);
    expect(utcDay).not.toBe(slip?.referredOn);
  });

  it('answers 50 representations with exactly one SQL statement', async () => {
    const refs = withReferrals(1).slice(0, 40).map((x) => x.c.ref);
    refs.push(...all.filter((c) => syntheticNrmFile(c) === null).slice(0, 10).map((c) => c.ref));
    expect(refs).toHaveLength(50);
    const before = opened.backendCalls();
    const result = await entities(refs);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toHaveLength(50);
    expect(opened.backendCalls() - before).toBe(1);
  });

  it('gives [] for a registered returnee without referrals and null for a case the NRM does not know', async () => {
    const registered = files.find((x) => x.file.referrals.length === 0)?.c as SyntheticCase;
    const unknown = all.find((c) => c.countryOfOrigin !== 'NG') as SyntheticCase;
    const notReturned = all.find((c) => c.countryOfOrigin === 'NG' && c.returnedOn === null) as SyntheticCase;
    const result = await entities([registered.ref, unknown.ref, notReturned.ref]);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { ref: registered.ref, referrals: [] },
      { ref: unknown.ref, referrals: null },
      { ref: notReturned.ref, referrals: null },
    ]);
  });

  it.each([
    ['service_code', 'QX9'],
    ['status_code', 'Z'],
    ['referred_on', '07/03/2025 09:15'],
    ['closed_on', '2025-03-07'],
  ])('fails a drifted %s with MAPPING_FAILED for that case only, without personal values', async (column, drifted) => {
    const [target, neighbour] = withReferrals(1).filter((x) => x.file.referrals.some((r) => r.outcomeOn !== null));
    const { c, file } = target as { c: SyntheticCase; file: SyntheticNrmFile };
    const slip = file.referrals.find((r) => r.outcomeOn !== null) as SyntheticNrmFile['referrals'][number];
    const [original] = await db.query<Record<string, string>>(`SELECT ${column} AS value FROM ng_nrm.referral_slip WHERE slip_no = $1`, [slip.slipNo]);
    await db.query(`UPDATE ng_nrm.referral_slip SET ${column} = $2 WHERE slip_no = $1`, [slip.slipNo, drifted]);
    try {
      const result = await entities([c.ref, neighbour?.c.ref as string]);
      expect(result.errors).toHaveLength(1);
      const [error] = result.errors ?? [];
      expect(error?.extensions?.code).toBe('MAPPING_FAILED');
      expect(error?.path).toEqual(['_entities', 0, 'referrals']);
      for (const personal of [c.ref, slip.slipNo, slip.provider, slip.referredOn, drifted, String(original?.value)]) expect(error?.message).not.toContain(personal);
      expect(result.data?._entities).toEqual([
        { ref: c.ref, referrals: null },
        { ref: neighbour?.c.ref, referrals: expectedReferrals(neighbour?.c as SyntheticCase) },
      ]);
    } finally {
      await db.query(`UPDATE ng_nrm.referral_slip SET ${column} = $2 WHERE slip_no = $1`, [slip.slipNo, original?.value]);
    }
  });

  it('refuses an unsigned request with 401 and reads nothing', async () => {
    const before = opened.backendCalls();
    const response = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body([files[0]?.c.ref as string]) });
    expect(response.status).toBe(401);
    const json = (await response.json()) as GraphQLResponse;
    expect(json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(json.errors?.[0]?.extensions?.hubCode).toBe('HUB_CONTEXT_INVALID');
    expect(json.data ?? null).toBeNull();
    expect(opened.backendCalls()).toBe(before);
  });

  it('refuses a context signed with another key, or for another subgraph', async () => {
    const other = await generateContextKeys();
    const ownKeys = (subgraph as RunningSubgraph & { keys: ContextKeys }).keys;
    const decisions = releaseAll({ representations: [{ ref: files[0]?.c.ref }] });
    for (const [keys, audience] of [[other, 'ng-referrals'], [ownKeys, 'eu-programme']] as const) {
      const token = await signContext(keys, audience, { ...TEST_CALLER, decisions });
      const response = await fetch(subgraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...JSON.parse(body([files[0]?.c.ref as string])), extensions: { [CONTEXT_EXTENSION]: token } }),
      });
      expect(response.status).toBe(401);
    }
  });

  it('does not read referrals of a case whose REFERRAL category the gateway denied', async () => {
    const { c } = withReferrals(1)[0] as { c: SyntheticCase };
    const decisions = encodeDecisions(new Map([[c.ref, { CASE_ADMIN: 'R', REFERRAL: 'NO_CONSENT consent.missing' }]]));
    const before = opened.backendCalls();
    const result = await entities([c.ref], { decisions, caller: { organisation: ORGANISATIONS.NG_AUTHORITY, country: 'NG', purpose: 'REFERRAL' } });
    expect(result.data?._entities).toEqual([{ ref: c.ref, referrals: null }]);
    expect(result.errors?.[0]?.extensions?.code).toBe('NO_CONSENT');
    expect(opened.backendCalls()).toBe(before);
  });
});

describe('ng-referrals: the published SDL', () => {
  it('keeps schema.graphql equal to the full SDL the kit serves', () => {
    // If this fails after editing referrals.graphql: npx tsx subgraphs/ng-referrals/write-schema.ts
    expect(readFileSync(NG_REFERRALS_SCHEMA_FILE, 'utf8')).toBe(NG_REFERRALS_FULL_SDL);
  });

  it('passes the lint and composes with the static systems', async () => {
    expect(NG_REFERRALS_PARTICIPANT).toBe('NG/GOV/NG-REFERRAL-MECHANISM/referrals');
    const findings = lintSubgraph('ng-referrals', readFileSync(NG_REFERRALS_SCHEMA_FILE, 'utf8'));
    expect(findings.map((f) => f.message)).toEqual([]);
    expect(STATIC_SYSTEMS.map((s) => s.name)).not.toContain('ng-referrals');
    const composed = await composeStaticSupergraph([...STATIC_SYSTEMS, ngReferralsSystem], 4101);
    expect(composed.ok ? [] : composed.errors).toEqual([]);
    if (composed.ok) expect(composed.supergraphSdl).toContain('referrals: [Referral!]');
  });
});

describe('ng-referrals standalone: the hub context key from a JWKS', () => {
  let keys: ContextKeys;
  let server: Server;
  let base: string;
  const routes = new Map<string, { status: number; body: string }>();

  beforeAll(async () => {
    keys = await generateContextKeys();
    const privateJwk = { ...keys.publicJwk, d: 'bm90LWEtcmVhbC1wcml2YXRlLWtleQ' };
    routes.set('/.well-known/continuum/context-jwks.json', { status: 200, body: JSON.stringify({ keys: [keys.publicJwk] }) });
    routes.set('/empty', { status: 200, body: JSON.stringify({ keys: [] }) });
    routes.set('/private', { status: 200, body: JSON.stringify({ keys: [privateJwk] }) });
    routes.set('/rsa', { status: 200, body: JSON.stringify({ keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB' }] }) });
    routes.set('/html', { status: 200, body: '<html></html>' });
    server = createServer((request, response) => {
      const route = routes.get(request.url ?? '') ?? { status: 404, body: '{}' };
      response.writeHead(route.status, { 'content-type': 'application/json' }).end(route.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('imports the first key of the hub’s JWKS and verifies contexts the hub signs with it', async () => {
    const key = await fetchContextKey(`${base}/.well-known/continuum/context-jwks.json`);
    const token = await signContext(keys, 'ng-referrals', { ...TEST_CALLER });
    await expect(verifyContext(key, 'ng-referrals', token)).resolves.toMatchObject({ officialId: TEST_CALLER.officialId });
    const stranger = await generateContextKeys();
    await expect(verifyContext(key, 'ng-referrals', await signContext(stranger, 'ng-referrals', { ...TEST_CALLER }))).rejects.toThrow();
  });

  it.each([
    ['/missing', /answered HTTP 404/],
    ['/html', /is not JSON/],
    ['/empty', /not a JWKS: the key set is empty/],
    ['/private', /private key was published/],
    ['/rsa', /not an Ed25519 public key/],
  ])('refuses %s with a clear message', async (path, message) => {
    const failure = fetchContextKey(`${base}${path}`);
    await expect(failure).rejects.toBeInstanceOf(StandaloneStartError);
    await expect(failure).rejects.toThrow(message);
  });

  it('says so clearly when the hub is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const failure = fetchContextKey(`http://127.0.0.1:${port}/.well-known/continuum/context-jwks.json`);
    await expect(failure).rejects.toThrow(/cannot reach the hub's gateway context key at .*ECONNREFUSED.*CONTINUUM_CONTEXT_JWKS_URL/);
  });

  it('validates the environment with defaults and names a bad setting', () => {
    expect(loadStandaloneConfig({})).toMatchObject({
      PORT: 4106,
      HOST: '127.0.0.1',
      NG_REFERRALS_DATA_DIR: '.data/ng-referrals',
      CONTINUUM_CONTEXT_JWKS_URL: 'http://127.0.0.1:4000/.well-known/continuum/context-jwks.json',
      NG_REFERRALS_SEED_CASES: 2000,
    });
    expect(() => loadStandaloneConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadStandaloneConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadStandaloneConfig({ CONTINUUM_CONTEXT_JWKS_URL: 'file:///etc/passwd' })).toThrow(/CONTINUUM_CONTEXT_JWKS_URL/);
  });

  it('starts as main.ts does (file-backed PGlite, seeded once) and serves only hub-signed requests', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ng-referrals-'));
    try {
      const config = loadStandaloneConfig({
        PORT: '0',
        NG_REFERRALS_DATA_DIR: dataDir,
        CONTINUUM_CONTEXT_JWKS_URL: `${base}/.well-known/continuum/context-jwks.json`,
        NG_REFERRALS_SEED_CASES: '300',
        LOG_LEVEL: 'silent',
      });
      const first = await startNgReferrals(config);
      let url: string;
      try {
        expect(first.seeded).toBe(true);
        url = first.subgraph.url;
        const refs = [...syntheticCases(300)].filter((c) => syntheticNrmFile(c)).map((c) => c.ref);
        const token = await signContext(keys, 'ng-referrals', { ...TEST_CALLER, decisions: releaseAll({ representations: refs.map((ref) => ({ ref })) }) });
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...JSON.parse(body(refs)), extensions: { [CONTEXT_EXTENSION]: token } }),
        });
        expect(response.status).toBe(200);
        const json = (await response.json()) as GraphQLResponse;
        expect(json.errors).toBeUndefined();
        expect(json.data?._entities).toEqual([...syntheticCases(300)].filter((c) => syntheticNrmFile(c)).map((c) => ({ ref: c.ref, referrals: expectedReferrals(c) })));
        expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(refs) })).status).toBe(401);
      } finally {
        await first.close();
      }
      await expect(fetch(url)).rejects.toThrow();
      // A restart on the same folder keeps the data and seeds nothing again.
      const second = await startNgReferrals(config);
      expect(second.seeded).toBe(false);
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('fails before touching the database when the hub is unreachable', async () => {
    const dataDir = join(tmpdir(), `ng-referrals-never-${process.pid}`);
    const config = loadStandaloneConfig({ PORT: '0', NG_REFERRALS_DATA_DIR: dataDir, CONTINUUM_CONTEXT_JWKS_URL: `${base}/missing`, LOG_LEVEL: 'silent' });
    await expect(startNgReferrals(config)).rejects.toBeInstanceOf(StandaloneStartError);
    expect(() => readFileSync(join(dataDir, 'PG_VERSION'))).toThrow();
  });
});
