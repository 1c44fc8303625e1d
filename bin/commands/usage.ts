/**
 * The one help and argument mechanism every subcommand uses. A command declares its options, each
 * with a description, and (for commands such as `subgraph` or `participant`) its actions, each
 * naming the options it takes and those it requires. From that declaration alone:
 *
 * - `--help` / `-h` at any level (`continuum subgraph --help`, `continuum subgraph publish -h`)
 *   prints the usage and every option explained, on stdout, and exits 0;
 * - an unknown option or action, an option the action does not take, a missing required option or
 *   a stray argument prints a one-line reason, the usage and where to find the full help, on
 *   stderr, and exits {@link EXIT_USAGE}.
 *
 * Node's own `parseArgs` does the parsing; this module only adds the declaration and the messages.
 */
import { parseArgs } from 'node:util';
import { EXIT_USAGE } from './types.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** One line for the help: what the option is for, and its default when it has one. */
  description: string;
  /** The value's placeholder in the usage, e.g. FILE or URL (string options). */
  value?: string;
  default?: string | boolean;
  short?: string;
}

export interface ActionSpec {
  summary: string;
  /** Every option the action takes, in the order the help lists them. */
  options: readonly string[];
  /** The options it cannot run without. */
  required?: readonly string[];
}

export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** The subcommand's name, e.g. `subgraph`. */
  name: string;
  summary: string;
  options: O;
  /** Present for commands whose first argument is an action. */
  actions?: Record<string, ActionSpec>;
  /** More for the help: exit codes, environment, where things are read from. */
  notes?: string;
  /** The usage line, when the one built from the options would not say what is needed. */
  usage?: string;
}

export type OptionValues<O extends Record<string, OptionSpec>> = { [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean | undefined : string | undefined };

export interface Parsed<O extends Record<string, OptionSpec>> {
  /** The action, for commands that have them. */
  action: string;
  values: OptionValues<O>;
}

const HELP = new Set(['--help', '-h']);

function flag(name: string, option: OptionSpec): string {
  return `--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
}

function usageLine(spec: CommandSpec, action?: string): string {
  if (spec.usage && action === undefined) return spec.usage;
  if (spec.actions && action === undefined) return `Usage: continuum ${spec.name} <${Object.keys(spec.actions).join('|')}> [options]`;
  const names = action ? (spec.actions?.[action]?.options ?? []) : Object.keys(spec.options);
  const required = new Set(action ? (spec.actions?.[action]?.required ?? []) : []);
  const parts = names.map((name) => (required.has(name) ? flag(name, spec.options[name]!) : `[${flag(name, spec.options[name]!)}]`));
  return `Usage: continuum ${spec.name}${action ? ` ${action}` : ''}${parts.length > 0 ? ` ${parts.join(' ')}` : ''}`;
}

function optionLines(spec: CommandSpec, names: readonly string[], required: ReadonlySet<string>): string[] {
  const rows = [
    ...names.map((name) => {
      const option = spec.options[name]!;
      const shown = `${option.short ? `-${option.short}, ` : ''}${flag(name, option)}`;
      return [shown, `${option.description}${required.has(name) ? ' (required)' : ''}`] as const;
    }),
    ['-h, --help', 'print this help'] as const,
  ];
  const width = Math.max(...rows.map(([shown]) => shown.length));
  return rows.map(([shown, text]) => `  ${shown.padEnd(width)}  ${text}`);
}

/** The full help of a command, or of one of its actions. */
export function helpText(spec: CommandSpec, action?: string): string {
  const lines = [usageLine(spec, action), ''];
  if (spec.actions && action === undefined) {
    lines.push(spec.summary, '', 'Actions:');
    const width = Math.max(...Object.keys(spec.actions).map((name) => name.length));
    for (const [name, entry] of Object.entries(spec.actions)) lines.push(`  ${name.padEnd(width)}  ${entry.summary}`);
    lines.push('', `Run "continuum ${spec.name} <action> --help" for an action's options.`);
  } else {
    const entry = action ? spec.actions?.[action] : undefined;
    lines.push(entry ? entry.summary : spec.summary, '', 'Options:');
    lines.push(...optionLines(spec, entry ? entry.options : Object.keys(spec.options), new Set(entry?.required ?? [])));
  }
  if (spec.notes) lines.push('', spec.notes);
  return lines.join('\n');
}

/** Prints a usage error — the reason on one line, then the usage — and returns the exit code. */
export function usageError(spec: CommandSpec, reason: string, action?: string): number {
  const where = `continuum ${spec.name}${action ? ` ${action}` : ''}`;
  console.error(`${where}: ${reason}\n\n${usageLine(spec, action)}\nRun "${where} --help" for every option.`);
  return EXIT_USAGE;
}

/** parseArgs explains at length; its first sentence is the reason, worded like ours. */
function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  const sentence = (end === -1 ? message : message.slice(0, end)).replace(/\.$/, '');
  return `${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}.`;
}

/**
 * Parses a command's arguments against its declaration. Returns the action and the option values,
 * or the exit code when it printed the help (0) or a usage error ({@link EXIT_USAGE}).
 */
export function parseCommand<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, args: readonly string[]): Parsed<O> | number {
  let rest = [...args];
  let action = '';
  if (spec.actions) {
    const [first, ...others] = rest;
    if (first === undefined) return usageError(spec, `an action is needed: ${Object.keys(spec.actions).join(', ')}.`);
    if (HELP.has(first) || first === 'help') {
      console.log(helpText(spec));
      return 0;
    }
    if (!Object.hasOwn(spec.actions, first)) return usageError(spec, `unknown action "${first}". Valid actions: ${Object.keys(spec.actions).join(', ')}.`);
    action = first;
    rest = others;
  }
  const end = rest.indexOf('--');
  if ((end === -1 ? rest : rest.slice(0, end)).some((arg) => HELP.has(arg))) {
    console.log(helpText(spec, action || undefined));
    return 0;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(
      Object.entries(spec.options).map(([name, { type, short, default: fallback }]) => [name, { type, ...(short ? { short } : {}), ...(fallback !== undefined ? { default: fallback } : {}) }]),
    ) as Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>;
    values = parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    return usageError(spec, firstSentence((error as Error).message), action || undefined);
  }
  const entry = action ? spec.actions?.[action] : undefined;
  if (entry) {
    const given = Object.keys(values).filter((name) => values[name] !== undefined && spec.options[name]?.default !== values[name]);
    const foreign = given.find((name) => !entry.options.includes(name));
    if (foreign) return usageError(spec, `--${foreign} does not apply to "${action}".`, action);
    const missing = (entry.required ?? []).filter((name) => values[name] === undefined || values[name] === '');
    if (missing.length > 0) return usageError(spec, `missing ${missing.map((name) => `--${name}`).join(', ')}.`, action);
  }
  return { action, values: values as OptionValues<O> };
}
