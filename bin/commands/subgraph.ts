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
import { parseArgs } from 'node:util';
import { callHub, changeLabel, DEFAULT_HUB, operatorToken, printError, printReport, readSchema, signRequest } from './registry-client.js';
import { EXIT_USAGE, type SubcommandHandler } from './types.js';

const USAGE = `Usage: continuum subgraph keygen --out DIR
       continuum subgraph check|publish --participant ID --key FILE --name NAME --url ROUTING_URL --schema FILE [--reason TEXT] [--allow-breaking] [--hub URL]
       continuum subgraph list|diff --from V --to W|approve --version V|reject --version V|rollback --version V [--reason TEXT] [--token TOKEN] [--hub URL]`;

/** A publish held for the hub operator's approval. */
const EXIT_HELD = 3;

export const run: SubcommandHandler = async (args) => {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      hub: { type: 'string', default: DEFAULT_HUB },
      participant: { type: 'string' },
      key: { type: 'string' },
      name: { type: 'string' },
      url: { type: 'string' },
      schema: { type: 'string' },
      reason: { type: 'string' },
      'allow-breaking': { type: 'boolean', default: false },
      out: { type: 'string' },
      token: { type: 'string' },
      version: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
    },
  });
  const hub = values.hub as string;

  if (action === 'keygen') {
    if (!values.out) return (console.error(USAGE), EXIT_USAGE);
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, 'private.jwk.json'), JSON.stringify({ ...(await exportJWK(privateKey)), alg: 'EdDSA' }, null, 2), { mode: 0o600 });
    writeFileSync(join(values.out, 'public.jwk.json'), JSON.stringify({ ...(await exportJWK(publicKey)), alg: 'EdDSA' }, null, 2));
    console.log(`Wrote ${join(values.out, 'private.jwk.json')} (keep it secret) and ${join(values.out, 'public.jwk.json')} (give it to the hub operator).`);
    return 0;
  }

  if (action === 'check' || action === 'publish') {
    if (!values.participant || !values.key || !values.name || !values.url || !values.schema) return (console.error(USAGE), EXIT_USAGE);
    const submission = {
      name: values.name,
      routingUrl: values.url,
      sdl: readSchema(values.schema),
      ...(values.reason ? { reason: values.reason } : {}),
      ...(values['allow-breaking'] ? { allowBreaking: true } : {}),
    };
    const jws = await signRequest(values.key, values.participant, submission);
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
      if (!values.from || !values.to) return (console.error(USAGE), EXIT_USAGE);
      const answer = await callHub(hub, 'GET', `/registry/supergraph/diff?from=${encodeURIComponent(values.from)}&to=${encodeURIComponent(values.to)}`, undefined, token);
      if (!answer.body.ok) return (printError(answer), 1);
      for (const s of answer.body.subgraphs as { subgraph: string; status: string; changes: { type: string; breaking: boolean; description: string }[] }[]) {
        console.log(`${s.status} ${s.subgraph}`);
        for (const change of s.changes) console.log(`    ${changeLabel(change)}${change.type}: ${change.description}`);
      }
      return 0;
    }
    if (!values.version) return (console.error(USAGE), EXIT_USAGE);
    if (action === 'approve' || action === 'reject') {
      const answer = await callHub(hub, 'POST', `/registry/supergraph/${action}`, { version: Number(values.version), ...(values.reason ? { reason: values.reason } : {}) }, token);
      if (!answer.body.ok) return (printError(answer), 1);
      const changes = (answer.body.changes as { type: string; breaking: boolean; widens: boolean; description: string }[] | undefined) ?? [];
      console.log(action === 'approve' ? `Approved v${values.version}: supergraph version ${String(answer.body.version)} is active.` : `Rejected v${values.version}: it will never be served.`);
      for (const change of changes) console.log(`    ${changeLabel(change)}${change.type}: ${change.description}`);
      return 0;
    }
    if (!values.version) return (console.error(USAGE), EXIT_USAGE);
    const answer = await callHub(hub, 'POST', '/registry/supergraph/rollback', { version: Number(values.version), ...(values.reason ? { reason: values.reason } : {}) }, token);
    if (!answer.body.ok) return (printError(answer), 1);
    console.log(`Rolled back: supergraph version ${String(answer.body.version)} (a copy of v${values.version}) is active.`);
    return 0;
  }
  console.error(USAGE);
  return EXIT_USAGE;
};
