/**
 * The contract of a CLI subcommand: a module bin/commands/<name>.ts exporting `run`, which gets
 * the arguments after the subcommand's name and resolves to the process exit code
 * (0 success, 1 failure, {@link EXIT_USAGE} usage error).
 */
export type SubcommandHandler = (args: string[]) => Promise<number>;

/** Exit code for a usage error (unknown option, unknown choice), as in most CLIs. */
export const EXIT_USAGE = 2;
