/**
 * `continuum subgraph …` — what a partner's IT team runs, the way they would use `rover subgraph`:
 *   keygen  --out DIR                                  make the participant's key pair
 *   check   --participant ID --key FILE --name N --url URL --schema FILE   run every check, change nothing
 *   publish --participant ID --key FILE --name N --url URL --schema FILE [--reason R] [--allow-breaking]
 * and, for the hub operator (token):
 *   list | diff --from V --to W | approve --version V | reject --version V | rollback --version V
 * A publish that breaks consumers (--allow-breaking acknowledges it) or widens who may see a field
 * is held until the hub operator approves it. Common: --hub URL (default CONTINUUM_HUB_URL or
 * http://127.0.0.1:4000). Exit 0 success, 1 refused or failed checks, 2 usage, 3 held for approval.
 */
import { exportJWK, generateKeyPair } from 'jose';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { callHub, changeLabel, DEFAULT_HUB, FALLBACK_HUB, operatorToken, printError, printReport, readSchema, signRequest } from './registry-client.js';
import type { SubcommandHandler } from './types.js';
import { parseCommand, usageError, type CommandSpec } from './usage.js';

const PUBLISHING = ['participant', 'key', 'name', 'url', 'schema'] as const;

export const SPEC = {
  name: 'subgraph',
  summary: 'Check, publish, list, diff or roll back subgraphs, the way `rover subgraph` does.',
  options: {
    participant: { type: 'string', value: 'ID', description: 'the participant publishing, e.g. NG/GOV/NG-REFERRAL-MECHANISM/referrals' },
    key: { type: 'string', value: 'FILE', description: "the participant's private key (a JWK from `subgraph keygen`); signs the request" },
    name: { type: 'string', value: 'NAME', description: 'the subgraph name in the supergraph, e.g. ng-referrals' },
    url: { type: 'string', value: 'ROUTING_URL', description: 'where the gateway reaches the subgraph; the hub checks it serves the same SDL' },
    schema: { type: 'string', value: 'FILE', description: "the subgraph's SDL file" },
    reason: { type: 'string', value: 'TEXT', description: 'why, recorded with the version in the registry and the audit log' },
    'allow-breaking': { type: 'boolean', default: false, description: 'ask for a breaking change to be accepted (the operator may still hold it)' },
    out: { type: 'string', value: 'DIR', description: 'where to write private.jwk.json and public.jwk.json' },
    token: { type: 'string', value: 'TOKEN', description: "the hub operator's bearer token (default: CONTINUUM_TOKEN)" },
    version: { type: 'string', value: 'V', description: 'the supergraph version to approve, reject or roll back to' },
    from: { type: 'string', value: 'V', description: 'the older supergraph version' },
    to: { type: 'string', value: 'W', description: 'the newer supergraph version' },
    hub: { type: 'string', value: 'URL', default: DEFAULT_HUB, description: `the hub (default: CONTINUUM_HUB_URL, else ${FALLBACK_HUB})` },
  },
  actions: {
    keygen: { summary: "Make the participant's Ed25519 key pair; give the public key to the hub operator.", options: ['out'], required: ['out'] },
    check: { summary: 'Run every registry check on a subgraph; changes nothing and says exactly what is wrong.', options: [...PUBLISHING, 'reason', 'allow-breaking', 'hub'], required: PUBLISHING },
    publish: { summary: 'Publish a subgraph: if every check passes, every gateway serves it within seconds.', options: [...PUBLISHING, 'reason', 'allow-breaking', 'hub'], required: PUBLISHING },
    list: { summary: 'List the supergraph versions (operator; * marks the active one).', options: ['token', 'hub'] },
    diff: { summary: 'Show what changed between two supergraph versions (operator).', options: ['from', 'to', 'token', 'hub'], required: ['from', 'to'] },
    approve: { summary: 'Activate a held version (operator): a breaking or widening publish waits for this.', options: ['version', 'reason', 'token', 'hub'], required: ['version'] },
    reject: { summary: 'Close a held version (operator): it will never be served.', options: ['version', 'reason', 'token', 'hub'], required: ['version'] },
    rollback: { summary: 'Make a copy of an earlier supergraph version the active one (operator).', options: ['version', 'reason', 'token', 'hub'], required: ['version'] },
  },
  notes: 'Exit status: 0 success, 1 refused or failed checks, 2 usage error, 3 publish held for the hub operator\'s approval.',
} satisfies CommandSpec;

/** A publish held for the hub operator's approval. */
const EXIT_HELD = 3;

export const run: SubcommandHandler = async (args) => {
  const parsed = parseCommand(SPEC, args);
  if (typeof parsed === 'number') return parsed;
  const { action, values } = parsed;
  const hub = values.hub as string;

  if (action === 'keygen') {
    const out = values.out as string;
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'private.jwk.json'), JSON.stringify({ ...(await exportJWK(privateKey)), alg: 'EdDSA' }, null, 2), { mode: 0o600 });
    writeFileSync(join(out, 'public.jwk.json'), JSON.stringify({ ...(await exportJWK(publicKey)), alg: 'EdDSA' }, null, 2));
    console.log(`Wrote ${join(out, 'private.jwk.json')} (keep it secret) and ${join(out, 'public.jwk.json')} (give it to the hub operator).`);
    return 0;
  }

  if (action === 'check' || action === 'publish') {
    const submission = {
      name: values.name as string,
      routingUrl: values.url as string,
      sdl: readSchema(values.schema as string),
      ...(values.reason ? { reason: values.reason } : {}),
      ...(values['allow-breaking'] ? { allowBreaking: true } : {}),
    };
    const jws = await signRequest(values.key as string, values.participant as string, submission);
    const answer = await callHub(hub, 'POST', `/registry/subgraphs/${action}`, { jws });
    const report = answer.body.report as Parameters<typeof printReport>[0] | undefined;
    if (report) printReport(report);
    else printError(answer);
    if (action === 'publish' && answer.body.ok) console.log(`Published: supergraph version ${String(answer.body.version)} is active; every gateway switches within seconds.`);
    const held = (answer.body.held as { version?: number } | undefined)?.version;
    if (action === 'publish' && held !== undefined) {
      printError(answer);
      console.error(`  Held as supergraph version ${held}: nothing is served from it until the hub operator runs \`npx continuum subgraph approve --version ${held}\`.`);
      return EXIT_HELD;
    }
    if (action === 'check' && report?.ok && (report.approvals?.length ?? 0) > 0) console.log('  A publish would be held until the hub operator approves it.');
    return answer.body.ok ? 0 : 1;
  }

  if (action === 'list' || action === 'diff' || action === 'approve' || action === 'reject' || action === 'rollback') {
    const token = operatorToken(values.token);
    if (action === 'list') {
      const answer = await callHub(hub, 'GET', '/registry/supergraph/versions', undefined, token);
      if (!answer.body.ok) return (printError(answer), 1);
      for (const v of answer.body.versions as { version: number; active: boolean; hold: string | null; createdAt: string; createdBy: string; reason: string; subgraphs: { name: string }[] }[]) {
        console.log(`${v.active ? '*' : ' '} v${v.version}  ${v.createdAt}  ${v.createdBy}  ${v.reason}  [${v.subgraphs.map((s) => s.name).join(', ')}]${v.hold ? `  ${v.hold}` : ''}`);
      }
      return 0;
    }
    if (action === 'diff') {
      const answer = await callHub(hub, 'GET', `/registry/supergraph/diff?from=${encodeURIComponent(values.from as string)}&to=${encodeURIComponent(values.to as string)}`, undefined, token);
      if (!answer.body.ok) return (printError(answer), 1);
      for (const s of answer.body.subgraphs as { subgraph: string; status: string; changes: { type: string; breaking: boolean; description: string }[] }[]) {
        console.log(`${s.status} ${s.subgraph}`);
        for (const change of s.changes) console.log(`    ${changeLabel(change)}${change.type}: ${change.description}`);
      }
      return 0;
    }
    if (action === 'approve' || action === 'reject') {
      const answer = await callHub(hub, 'POST', `/registry/supergraph/${action}`, { version: Number(values.version), ...(values.reason ? { reason: values.reason } : {}) }, token);
      if (!answer.body.ok) return (printError(answer), 1);
      const changes = (answer.body.changes as { type: string; breaking: boolean; widens: boolean; description: string }[] | undefined) ?? [];
      console.log(action === 'approve' ? `Approved v${values.version}: supergraph version ${String(answer.body.version)} is active.` : `Rejected v${values.version}: it will never be served.`);
      for (const change of changes) console.log(`    ${changeLabel(change)}${change.type}: ${change.description}`);
      return 0;
    }
    const answer = await callHub(hub, 'POST', '/registry/supergraph/rollback', { version: Number(values.version), ...(values.reason ? { reason: values.reason } : {}) }, token);
    if (!answer.body.ok) return (printError(answer), 1);
    console.log(`Rolled back: supergraph version ${String(answer.body.version)} (a copy of v${values.version}) is active.`);
    return 0;
  }
  return usageError(SPEC, `unknown action "${action}".`);
};
