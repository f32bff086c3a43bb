import { parseArgs } from 'node:util';
import { CliUsageError, type CliIo } from './io';
import { parseRequestLimits, type RequestLimits } from './requestLimits';

/**
 * The command table's types, and what is derived from a table: the usage text, the parseArgs options and the
 * per-command flag checks. The table itself is commands.ts.
 */

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** A string flag's value as the usage shows it: "text|json", "N". */
  readonly value?: string;
  /** Shown where the usage explains the flag (the request flags). */
  readonly description?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** What parseArgs yields for the flags given: a string or a boolean each. */
export type FlagValues<F extends FlagSpecs> = {
  readonly [K in keyof F]?: { string: string; boolean: boolean }[F[K]['type']];
};

/** The command's positionals: how the usage shows them, and how they are checked. */
export interface Operand<T> {
  readonly usage: string;
  take(positionals: readonly string[], command: string): T;
}

export const PATHS: Operand<readonly string[]> = { usage: '[PATH…]', take: (positionals) => positionals };

export const DIR: Operand<string> = {
  usage: '[DIR]',
  take: (positionals) => {
    if (positionals.length > 1) throw new CliUsageError(`expected at most one folder, got ${positionals.length}`);
    return positionals[0] ?? '.';
  },
};

export const FILE: Operand<string> = {
  usage: 'FILE',
  take: (positionals, command) => {
    if (positionals.length !== 1)
      throw new CliUsageError(`${command} takes exactly one FILE, got ${positionals.length}`);
    return positionals[0]!;
  },
};

/** `--retries N` and `--timeout S`: taken by every command that talks to the API. */
export const REQUEST_FLAGS = {
  retries: { type: 'string', value: 'N', description: 'retries per request (default 2 for listings, 5 for sync)' },
  timeout: {
    type: 'string',
    value: 'S',
    description: 'seconds per attempt, body included (default 10 to connect, 30 to answer, 120 in all)',
  },
} as const satisfies FlagSpecs;

export interface CommandInput<F extends FlagSpecs, T> {
  readonly operand: T;
  readonly flags: FlagValues<F>;
  /** What follows the first `--`, untouched, for a command that runs another one (`run`); empty otherwise. */
  readonly command: readonly string[];
  /** From --retries and --timeout; empty for a command that does not call the API. */
  readonly limits: RequestLimits;
}

export interface CliCommand<F extends FlagSpecs = FlagSpecs, T = unknown> {
  readonly operand: Operand<T>;
  /** Its own flags, on its usage line; any other is a usage error. */
  readonly flags: F;
  /** Talks to the API: also takes REQUEST_FLAGS, explained once under the usage lines. */
  readonly callsApi?: boolean;
  /** Shown after the usage line. */
  readonly note?: string;
  /** Takes a command after `--` (shown as `-- CMD [ARG…]`): everything after it is passed on unparsed. */
  readonly runsCommand?: boolean;
  run(input: CommandInput<F, T>, io: CliIo): Promise<number>;
}

/** One table entry, typed: `run` sees exactly the flags and the operand declared. */
export function command<F extends FlagSpecs, T>(entry: CliCommand<F, T>): CliCommand<F, T> {
  return entry;
}

export type CommandTable = Readonly<Record<string, CliCommand>>;

/** The usage lines, one per command in table order, then the request flags and who takes them. */
export function usageLines(table: CommandTable): string[] {
  const names = Object.keys(table);
  const width = Math.max(...names.map((name) => name.length));
  const lines = names.map((name) => {
    const entry = table[name]!;
    const flags = Object.entries(entry.flags).map(([flag, spec]) => ` [${flagUsage(flag, spec)}]`);
    const command = entry.runsCommand ? ' -- CMD [ARG…]' : '';
    return `  struere-secrets ${name.padEnd(width)} ${entry.operand.usage}${flags.join('')}${command}${entry.note ? `   ${entry.note}` : ''}`;
  });
  const callers = names.filter((name) => table[name]!.callsApi);
  if (callers.length === 0) return lines;
  const explained = Object.entries(REQUEST_FLAGS).map(([flag, spec]) => [flagUsage(flag, spec), spec.description]);
  const column = Math.max(...explained.map(([flag]) => flag.length));
  return [
    ...lines,
    '',
    `${listInWords(callers)} also take:`,
    ...explained.map(([flag, description]) => `  ${flag.padEnd(column)}  ${description}`),
  ];
}

/**
 * The command line checked against the table: a known command, only flags it takes (the parseArgs options are
 * every command's, so another command's flag is named as such), its operand and its request limits.
 */
export function parseCommandLine(
  table: CommandTable,
  name: string,
  args: readonly string[],
): { entry: CliCommand; input: CommandInput<FlagSpecs, unknown> } {
  if (!Object.hasOwn(table, name)) throw new CliUsageError(`unknown command "${name}"`);
  const entry = table[name]!;
  const { own, command } = splitCommand(entry, name, args);
  const { values, positionals } = parseArgs({ args: [...own], allowPositionals: true, options: parseOptions(table) });
  const taken = flagsOf(entry);
  const unexpected = Object.keys(values).find((flag) => !Object.hasOwn(taken, flag));
  if (unexpected !== undefined) throw new CliUsageError(`${name} does not take --${unexpected}`);
  const text = (flag: string): string | undefined => {
    const value = values[flag];
    return typeof value === 'string' ? value : undefined;
  };
  const limits = entry.callsApi ? parseRequestLimits(text('retries'), text('timeout')) : {};
  return { entry, input: { operand: entry.operand.take(positionals, name), flags: values, command, limits } };
}

/**
 * A command that runs another takes everything after the first `--` as that command, unparsed: its flags are
 * the child's, never ours (`run -- node --env production` must not read `--env`).
 */
function splitCommand(
  entry: CliCommand,
  name: string,
  args: readonly string[],
): { own: readonly string[]; command: readonly string[] } {
  if (!entry.runsCommand) return { own: args, command: [] };
  const dashes = args.indexOf('--');
  const command = dashes < 0 ? [] : args.slice(dashes + 1);
  if (command.length === 0)
    throw new CliUsageError(`${name} needs a command after --, e.g. struere-secrets ${name} -- npm start`);
  return { own: args.slice(0, dashes), command };
}

/** Every flag of every command, as parseArgs takes them; a flag declared twice must mean the same. */
function parseOptions(table: CommandTable): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, entry] of Object.entries(table)) {
    for (const [flag, { type, short }] of Object.entries(flagsOf(entry))) {
      const known = options[flag];
      if (known !== undefined && (known.type !== type || known.short !== short))
        throw new Error(`${name} declares --${flag} unlike another command`);
      options[flag] = { type, ...(short !== undefined ? { short } : {}) };
    }
  }
  return options;
}

function flagsOf(entry: CliCommand): FlagSpecs {
  return entry.callsApi ? { ...entry.flags, ...REQUEST_FLAGS } : entry.flags;
}

function flagUsage(flag: string, spec: FlagSpec): string {
  return spec.type === 'string' ? `--${flag} ${spec.value ?? 'VALUE'}` : `--${flag}`;
}

/** "check", "check and sync", "check, sync and status". */
function listInWords(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
