import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { runCheck } from './checkCommand';
import { runRedact } from './redactCommand';
import { CliUsageError, type CliIo } from './io';
import { runExample } from './exampleCommand';
import { parsePreviewArgs, runPreview } from './previewCommand';
import { parseRequestLimits } from './requestLimits';
import { runStatus } from './statusCommand';
import { runSyncCommand } from './syncCommand';
import { errorText } from '../../engine/core/errorText';
import { escapeForTerminal } from './terminalText';

const USAGE = `Usage:
  struere-secrets check   [PATH…] [--env development|production|eval] [--format text|json|sarif|github]
  struere-secrets sync    [DIR] [--env development|production] [--dry-run] [--yes]
  struere-secrets status  [DIR] [--format text|json]
  struere-secrets preview FILE [--env development|production|eval]
  struere-secrets example [DIR]
  struere-secrets redact  [DIR]   (stdin → stdout, env values → [SECRET:KEY])

check, sync and status also take --retries N (default 2 for listings, 5 for sync) and --timeout S (seconds per
attempt in all, body included; default 10 to connect, 30 to answer, 120 per attempt).
Environment: STRUERE_API_URL, STRUERE_API_KEY (or STRUERE_API_KEY_DEVELOPMENT / STRUERE_API_KEY_PRODUCTION).
Exit codes: 0 clean, 1 problems found (or a sync refused or failed), 2 usage, 130 interrupted (Ctrl-C).`;

/** Exit codes (README "Exit codes"): one meaning each. */
export const EXIT = { ok: 0, problems: 1, usage: 2, interrupted: 130 } as const;

/** The flags each command takes; any other is a usage error rather than silently ignored. */
const FLAGS: Readonly<Record<string, readonly string[]>> = {
  check: ['env', 'format', 'retries', 'timeout'],
  sync: ['env', 'dry-run', 'yes', 'retries', 'timeout'],
  status: ['format', 'retries', 'timeout'],
  example: [],
  redact: [],
};

/** The terminal front end: the same core and remote modules as the language server. Exit codes: EXIT. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(USAGE);
    return EXIT.usage;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    // Asked for: the usage is the output, on stdout.
    io.out(USAGE);
    return EXIT.ok;
  }
  try {
    if (command === 'preview') return await runPreview(parsePreviewArgs(rest), io);
    const { values, positionals } = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: {
        env: { type: 'string' },
        format: { type: 'string' },
        'dry-run': { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        retries: { type: 'string' },
        timeout: { type: 'string' },
      },
    });
    const allowed = FLAGS[command];
    if (allowed === undefined) throw new CliUsageError(`unknown command "${command}"`);
    const unexpected = Object.keys(values).find((flag) => !allowed.includes(flag));
    if (unexpected !== undefined) throw new CliUsageError(`${command} does not take --${unexpected}`);
    const limits = parseRequestLimits(values.retries, values.timeout);
    if (command === 'check')
      return await runCheck({ paths: positionals, env: values.env, format: values.format, limits }, io);
    if (positionals.length > 1) throw new CliUsageError(`expected at most one folder, got ${positionals.length}`);
    const dir = positionals[0] ?? '.';
    switch (command) {
      case 'redact':
        return await runRedact(dir, io, redactStreams());
      case 'sync':
        return await runSyncCommand(
          { dir, env: values.env, dryRun: values['dry-run'] === true, yes: values.yes === true, limits },
          io,
        );
      case 'example':
        return await runExample({ dir }, io);
      default:
        return await runStatus({ dir, format: values.format, limits }, io);
    }
  } catch (error) {
    if (error instanceof CliUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`struere-secrets: ${(error as Error).message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw error;
  }
}

/**
 * The process's own stdin/stdout for `redact`, waiting on stdout's drain so a slow reader bounds memory. The
 * stream is the user's own text passed through (only env values replaced), so it is not escaped like reports.
 */
function redactStreams() {
  return {
    input: process.stdin,
    write: (text: string) =>
      new Promise<void>((resolve, reject) =>
        process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
      ),
  };
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
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('struere-secrets: stopping after the request in flight (Ctrl-C again to quit now)\n');
    interrupt.abort();
  });
  const isInteractive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  main(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${escapeForTerminal(text)}\n`),
    err: (text) => process.stderr.write(`${escapeForTerminal(text)}\n`),
    env: process.env,
    isInteractive,
    ...(isInteractive ? { confirm: (question: string) => confirmOnTerminal(question, () => interrupt.abort()) } : {}),
    signal: interrupt.signal,
  }).then(
    (code) => {
      process.exitCode = interrupt.signal.aborted ? EXIT.interrupted : code;
    },
    (error: unknown) => {
      process.stderr.write(`struere-secrets: ${escapeForTerminal(errorText(error))}\n`);
      process.exitCode = interrupt.signal.aborted ? EXIT.interrupted : EXIT.problems;
    },
  );
}
