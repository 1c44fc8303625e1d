/**
 * `continuum <subcommand> [options]`: dispatches to bin/commands/<name>.ts. To add a subcommand,
 * write a module exporting `run: SubcommandHandler` (bin/commands/types.ts) that parses its
 * arguments with `parseCommand` (bin/commands/usage.ts: declared options give every level its
 * `--help` and its usage errors), and add one entry to SUBCOMMANDS. Modules load lazily, so one
 * subcommand's dependencies never slow down another.
 */
import { EXIT_USAGE, type SubcommandHandler } from './commands/types.js';

interface SubcommandEntry {
  /** One line for `continuum --help`. */
  summary: string;
  load: () => Promise<SubcommandHandler>;
}

const SUBCOMMANDS: Record<string, SubcommandEntry> = {
  token: { summary: 'print a development bearer token for a demo persona', load: async () => (await import('./commands/token.js')).run },
  audit: { summary: 'verify the audit chain (audit verify), apply retention (audit purge)', load: async () => (await import('./commands/audit.js')).run },
  subgraph: { summary: 'check, publish, list, diff, approve, reject or roll back subgraphs (like rover subgraph)', load: async () => (await import('./commands/subgraph.js')).run },
  participant: { summary: 'onboard partner systems: add, approve, suspend, revoke, list', load: async () => (await import('./commands/participant.js')).run },
  policy: { summary: 'print the access policy as a matrix a DPO can read (policy --matrix)', load: async () => (await import('./commands/policy.js')).run },
  transfer: { summary: "record, revoke or list your Member State's transfer bases (GDPR Chapter V)", load: async () => (await import('./commands/transfer.js')).run },
  edge: { summary: "run the enforcement edge in front of a partner's own subgraph (any stack)", load: async () => (await import('./commands/edge.js')).run },
  conformance: { summary: 'check that an endpoint speaks the partner protocol: numbered checks, Markdown report', load: async () => (await import('./commands/conformance.js')).run },
};

function usage(): string {
  const lines = Object.entries(SUBCOMMANDS).map(([name, entry]) => `  ${name.padEnd(12)} ${entry.summary}`);
  return `Usage: continuum <subcommand> [options]\n\nSubcommands:\n${lines.join('\n')}\n\nRun "continuum <subcommand> --help" for its options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(usage());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  const entry = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!entry) {
    console.error(`continuum: unknown subcommand "${name}". Valid subcommands: ${Object.keys(SUBCOMMANDS).join(', ')}.`);
    return EXIT_USAGE;
  }
  const run = await entry.load();
  return run(rest);
}

// A reader that stops early (`continuum subgraph list | head -1`) closes the pipe: what it wanted
// was delivered, so the rest of the output is dropped quietly and the command still finishes
// (a publish in flight completes) with its own exit status — 0 for a listing — rather than the
// shell's 141 for a process killed by SIGPIPE, which would fail `set -o pipefail` scripts over a
// reader's choice. Any other output error is a real failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    process.exitCode = 1;
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`continuum: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
