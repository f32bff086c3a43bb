import { createInterface } from 'node:readline';
import { errorText } from '../../engine/core';
import { parseCommandLine, usageLines } from './commandLine';
import { COMMANDS } from './commands';
import { CliUsageError, type CliIo } from './io';
import { OutputStream } from './processOutput';

const USAGE = [
  'Usage:',
  ...usageLines(COMMANDS),
  '',
  'Environment: STRUERE_API_URL, STRUERE_API_KEY (or STRUERE_API_KEY_DEVELOPMENT / STRUERE_API_KEY_PRODUCTION).',
  "Exit codes: 0 clean, 1 problems found (or a sync refused or failed), 2 usage, 3 internal error, 130 interrupted (Ctrl-C); run: the command's.",
  'Language server for editors (same package): struere-secrets-lsp --stdio.',
].join('\n');

/**
 * Exit codes (README "Exit codes"): one meaning each. Only `problems` means findings, so a CI step that accepts 1
 * (a complete report with findings) never accepts a crash: anything unexpected is `internal`.
 */
export const EXIT = { ok: 0, problems: 1, usage: 2, internal: 3, interrupted: 130 } as const;

/** The terminal front end: a command of the table (commands.ts) on the engine. Exit codes: EXIT. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(USAGE);
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    // Asked for: the usage is the output, on stdout.
    io.out(USAGE);
    return EXIT.ok;
  }
  try {
    const { entry, input } = parseCommandLine(COMMANDS, name, rest);
    return await entry.run(input, io);
  } catch (error) {
    if (error instanceof CliUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`struere-secrets: ${(error as Error).message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw error;
  }
}

/** Asks on the terminal; anything but y/yes is a no, and so is Ctrl-D; Ctrl-C is a no that ends the CLI with 130. */
function confirmOnTerminal(question: string, onInterrupt: () => void): Promise<boolean> {
  return new Promise((resolve) => {
    const terminal = createInterface({ input: process.stdin, output: process.stdout });
    let answer: boolean | undefined;
    // readline takes Ctrl-C from the process while it asks: pass it on, so the exit code still says "interrupted".
    terminal.on('SIGINT', () => {
      onInterrupt();
      terminal.close();
    });
    terminal.on('close', () => {
      if (answer === undefined) process.stdout.write('\n');
      resolve(answer ?? false);
    });
    terminal.question(`${question} `, (text) => {
      answer = /^\s*y(es)?\s*$/i.test(text);
      terminal.close();
    });
  });
}

if (require.main === module) {
  // The first Ctrl-C lets a sync finish its batch in flight and report exactly, then exits 130; a second one
  // exits 130 at once. Every read is bounded and never waits on a FIFO, so nothing can hold the exit up.
  const interrupt = new AbortController();
  // A command that runs another (`run`): its child gets a terminal's Ctrl-C itself (same process group) and its
  // exit code is the one to report, so this process waits for it and must not end first.
  const runsChild = Object.hasOwn(COMMANDS, process.argv[2] ?? '') && COMMANDS[process.argv[2]!]!.runsCommand === true;
  process.on('SIGINT', () => {
    if (runsChild) return;
    if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('struere-secrets: stopping after the request in flight (Ctrl-C again to quit now)\n');
    interrupt.abort();
  });
  const isInteractive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const stdout = new OutputStream(process.stdout);
  const stderr = new OutputStream(process.stderr);
  main(process.argv.slice(2), {
    out: (text) => stdout.line(text),
    err: (text) => stderr.line(text),
    writeLines: (lines) => stdout.lines(lines),
    env: process.env,
    isInteractive,
    ...(isInteractive ? { confirm: (question: string) => confirmOnTerminal(question, () => interrupt.abort()) } : {}),
    signal: interrupt.signal,
  }).then(
    (code) => {
      process.exitCode = interrupt.signal.aborted ? EXIT.interrupted : code;
    },
    (error: unknown) => {
      stderr.line(`struere-secrets: internal error: ${errorText(error)}`);
      process.exitCode = interrupt.signal.aborted ? EXIT.interrupted : EXIT.internal;
    },
  );
}
