/**
 * The `continuum` command as people run it: the package's bin in a real child process. Every
 * subcommand and action answers `--help` with its options explained (exit 0); a wrong option gets
 * one line of reason and the usage (exit 2); a hub that cannot be reached is named with the reason;
 * a reader that stops early (`| head -1`) costs neither a crash nor a failed pipeline.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/continuum.mjs', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function settle(resolve: (result: Result) => void) {
  return (error: ExecFileException | null, stdout: string, stderr: string) =>
    resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
}

function continuum(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 30_000, encoding: 'utf8', env: { ...process.env, CONTINUUM_HUB_URL: '' } }, settle(resolve));
  });
}

/** A pipeline under `set -o pipefail`, so the CLI's own exit status decides the pipeline's. */
function pipeline(args: string, reader: string): Promise<Result> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" ${args} | ${reader}`], { timeout: 30_000, encoding: 'utf8' }, settle(resolve));
  });
}

/** Every subcommand and action, written out by hand: a new one must be added here to be tested. */
const HELP_TARGETS: { name?: string; args: string[]; options: string[] }[] = [
  { args: ['token'], options: ['--persona NAME', '--purpose PURPOSE', '--ttl SECONDS', '--dir DIR', '--audience AUDIENCE'] },
  { args: ['policy'], options: ['--matrix', '--format text|markdown', '--file PATH'] },
  { args: ['audit', 'verify'], options: ['--public-key FILE', '--checkpoint FILE', '--json'] },
  { args: ['audit', 'checkpoint'], options: ['--seq N', '--out FILE', '--public-key FILE'] },
  { args: ['audit', 'purge'], options: ['--kind ACCESS|CONSENT_CHANGE|TRANSFER_BASIS_CHANGE|REGISTRY', '--older-than-days N'] },
  { args: ['subgraph', 'keygen'], options: ['--out DIR'] },
  { args: ['subgraph', 'check'], options: ['--participant ID', '--key FILE', '--name NAME', '--url ROUTING_URL', '--schema FILE', '--reason TEXT', '--allow-breaking', '--hub URL'] },
  { args: ['subgraph', 'publish'], options: ['--participant ID', '--key FILE', '--name NAME', '--url ROUTING_URL', '--schema FILE', '--reason TEXT', '--allow-breaking', '--hub URL'] },
  { args: ['subgraph', 'list'], options: ['--token TOKEN', '--hub URL'] },
  { args: ['subgraph', 'diff'], options: ['--from V', '--to W', '--token TOKEN', '--hub URL'] },
  { args: ['subgraph', 'approve'], options: ['--version V', '--reason TEXT', '--token TOKEN', '--hub URL'] },
  { args: ['subgraph', 'reject'], options: ['--version V', '--reason TEXT', '--token TOKEN', '--hub URL'] },
  { args: ['subgraph', 'rollback'], options: ['--version V', '--reason TEXT', '--token TOKEN', '--hub URL'] },
  { args: ['participant', 'add'], options: ['--id ID', '--name NAME', '--public-key FILE', '--categories A,B', '--contributions Type,Type.field', '--token TOKEN', '--hub URL'] },
  { args: ['participant', 'approve'], options: ['--id ID', '--token TOKEN', '--hub URL'] },
  { args: ['participant', 'suspend'], options: ['--id ID', '--token TOKEN', '--hub URL'] },
  { args: ['participant', 'revoke'], options: ['--id ID', '--token TOKEN', '--hub URL'] },
  { args: ['participant', 'list'], options: ['--token TOKEN', '--hub URL'] },
  { args: ['edge'], options: ['--config FILE'] },
  { args: ['conformance'], options: ['--name NAME', '--keys DIR', '--cases REF,REF', '--single-key', '--remit A,B', '--out FILE', '--timeout-ms N'] },
  { args: ['conformance', 'keygen'], options: ['--out DIR'] },
];

/** The option lines of a help text: flag, then its explanation. */
function explained(help: string): Map<string, string> {
  const options = help.slice(help.indexOf('Options:\n') + 'Options:\n'.length).split('\n\n')[0]!;
  return new Map(options.split('\n').map((line) => /^ {2}(\S.*?) {2,}(\S.*)$/.exec(line)!.slice(1, 3) as [string, string]));
}

describe('continuum --help at every level', () => {
  it.each([['--help'], ['-h'], ['help']])('continuum %s lists every subcommand and exits 0', async (flag) => {
    const result = await continuum(flag);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    for (const name of ['token', 'audit', 'subgraph', 'participant', 'policy', 'edge', 'conformance']) expect(result.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'));
  });

  it.each([
    ['subgraph', ['keygen', 'check', 'publish', 'list', 'diff', 'approve', 'reject', 'rollback']],
    ['participant', ['add', 'approve', 'suspend', 'revoke', 'list']],
    ['audit', ['verify', 'checkpoint', 'purge']],
  ])('continuum %s --help lists its actions, each explained, and exits 0', async (command, actions) => {
    for (const flag of ['--help', '-h']) {
      const result = await continuum(command, flag);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout.startsWith(`Usage: continuum ${command} <${actions.join('|')}> [options]\n`)).toBe(true);
      for (const action of actions) expect(result.stdout).toMatch(new RegExp(`^ {2}${action} +[A-Z]\\S* `, 'm'));
    }
  });

  it.each(HELP_TARGETS.map((target) => ({ ...target, name: target.args.join(' ') })))('continuum $name --help explains each of its options and exits 0', async ({ args, options }) => {
    const result = await continuum(...args, '--help');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.startsWith(`Usage: continuum ${args.join(' ')} `)).toBe(true);
    const lines = explained(result.stdout);
    expect([...lines.keys()]).toEqual([...options, '-h, --help']);
    for (const text of lines.values()) expect(text.length).toBeGreaterThan(10);
  });

  it('takes -h after other options too, and prints the help rather than refusing them', async () => {
    const result = await continuum('subgraph', 'publish', '--name', 'ng-referrals', '-h');
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('Usage: continuum subgraph publish --participant ID --key FILE')).toBe(true);
  });
});

describe('continuum usage errors', () => {
  it('refuses an unknown option with one line of reason and the usage, exit 2', async () => {
    expect(await continuum('participant', 'list', '--frobnicate')).toStrictEqual({
      code: 2,
      stdout: '',
      stderr:
        "continuum participant list: unknown option '--frobnicate'.\n\n" +
        'Usage: continuum participant list [--token TOKEN] [--hub URL]\n' +
        'Run "continuum participant list --help" for every option.\n',
    });
  });

  it('names the missing required options, exit 2', async () => {
    expect(await continuum('subgraph', 'diff', '--from', '3')).toStrictEqual({
      code: 2,
      stdout: '',
      stderr: 'continuum subgraph diff: missing --to.\n\nUsage: continuum subgraph diff --from V --to W [--token TOKEN] [--hub URL]\nRun "continuum subgraph diff --help" for every option.\n',
    });
  });

  it('refuses an option the action does not take, exit 2', async () => {
    const result = await continuum('subgraph', 'keygen', '--out', 'keys', '--schema', 'x.graphql');
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr.split('\n')[0]).toBe('continuum subgraph keygen: --schema does not apply to "keygen".');
  });

  it('refuses a missing or unknown action, listing the valid ones, exit 2', async () => {
    const missing = await continuum('participant');
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr.split('\n')[0]).toBe('continuum participant: an action is needed: add, approve, suspend, revoke, list.');
    const unknown = await continuum('audit', 'erase');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr.split('\n')[0]).toBe('continuum audit: unknown action "erase". Valid actions: verify, checkpoint, purge.');
  });
});

describe('continuum when the hub cannot be reached', () => {
  let closedPort: number;
  let plainHttp: Server;
  let plainPort: number;

  beforeAll(async () => {
    // A port that was just free and is closed again: nothing listens there.
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    // A plain HTTP server, asked for TLS: the handshake fails.
    plainHttp = createServer((_request, response) => response.end('plain'));
    await new Promise<void>((resolve) => plainHttp.listen(0, '127.0.0.1', resolve));
    plainPort = (plainHttp.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => plainHttp?.close(() => resolve())));

  it('says which URL refused the connection and what to check, exit 1', async () => {
    const hub = `http://127.0.0.1:${closedPort}`;
    expect(await continuum('participant', 'list', '--hub', hub, '--token', 'x')).toStrictEqual({
      code: 1,
      stdout: '',
      stderr: `continuum: cannot reach the hub at ${hub}/registry/participants: nothing answers at ${hub} (connection refused); is the hub running? set CONTINUUM_HUB_URL or --hub to the hub you mean.\n`,
    });
  });

  it('says TLS failed, and why, for an https address where the hub speaks plain HTTP, exit 1', async () => {
    const hub = `https://127.0.0.1:${plainPort}`;
    expect(await continuum('subgraph', 'list', '--hub', hub, '--token', 'x')).toStrictEqual({
      code: 1,
      stdout: '',
      stderr: `continuum: cannot reach the hub at ${hub}/registry/supergraph/versions: TLS failed (ERR_SSL_WRONG_VERSION_NUMBER): ${hub} does not speak TLS; use http:// or the hub's https port.\n`,
    });
  });
});

describe('continuum into a pipe that closes early', () => {
  it('gives `| head -1` its line and exits 0, with nothing on stderr', async () => {
    expect(await pipeline('policy --matrix', 'head -1')).toStrictEqual({ code: 0, stdout: 'Access policy auth/policy.yaml (version 1).\n', stderr: '' });
  });

  it('does not crash with EPIPE when the reader is gone before the first line', async () => {
    expect(await pipeline('policy --matrix --format markdown', 'true')).toStrictEqual({ code: 0, stdout: '', stderr: '' });
  });
});
