import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { runCheck } from './checkCommand';
import { runRedact } from './redactCommand';
import { CliUsageError, type CliIo } from './io';
import { parsePreviewArgs, runPreview } from './previewCommand';
import { runStatus } from './statusCommand';
import { runSyncCommand } from './syncCommand';
import { errorText } from '../../engine/core/errorText';

const USAGE = `Usage:
  struere-secrets check  [PATH…] [--env development|production|eval] [--format text|json]
  struere-secrets sync   [DIR] [--env development|production] [--dry-run] [--yes]
  struere-secrets status [DIR] [--format text|json]
  struere-secrets preview FILE [--env development|production|eval]
  struere-secrets redact [DIR]   (stdin → stdout, env values → [SECRET:KEY])

Environment: STRUERE_API_URL, STRUERE_API_KEY (or STRUERE_API_KEY_DEVELOPMENT / STRUERE_API_KEY_PRODUCTION).`;

/** The flags each command takes; any other is a usage error rather than silently ignored. */
const FLAGS: Readonly<Record<string, readonly string[]>> = {
  check: ['env', 'format'],
  sync: ['env', 'dry-run', 'yes'],
  status: ['format'],
  redact: [],
};

/** The terminal front end: the same core and remote modules as the language server. Exit codes: 0 ok, 1 problems or refused, 2 usage. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
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
      },
    });
    const allowed = FLAGS[command];
    if (allowed === undefined) throw new CliUsageError(`unknown command "${command}"`);
    const unexpected = Object.keys(values).find((flag) => !allowed.includes(flag));
    if (unexpected !== undefined) throw new CliUsageError(`${command} does not take --${unexpected}`);
    if (command === 'check') return await runCheck({ paths: positionals, env: values.env, format: values.format }, io);
    if (positionals.length > 1) throw new CliUsageError(`expected at most one folder, got ${positionals.length}`);
    const dir = positionals[0] ?? '.';
    switch (command) {
      case 'redact':
        return await runRedact(dir, io, redactStreams());
      case 'sync':
        return await runSyncCommand(
          { dir, env: values.env, dryRun: values['dry-run'] === true, yes: values.yes === true },
          io,
        );
      default:
        return await runStatus({ dir, format: values.format }, io);
    }
  } catch (error) {
    if (error instanceof CliUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`struere-secrets: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

/** The process's own stdin/stdout for `redact`, waiting on stdout's drain so a slow reader bounds memory. */
function redactStreams() {
  return {
    input: process.stdin,
    write: (text: string) =>
      new Promise<void>((resolve, reject) =>
        process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
      ),
  };
}

/** Asks on the terminal; anything but y/yes is a no, and so are Ctrl-C and Ctrl-D. */
function confirmOnTerminal(question: string): Promise<boolean> {
  return new Promise((resolve) => {
    const terminal = createInterface({ input: process.stdin, output: process.stdout });
    let answer: boolean | undefined;
    terminal.on('SIGINT', () => terminal.close());
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
  // The first Ctrl-C lets a sync finish its batch in flight and report exactly; a second one exits at once.
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(130);
    process.stderr.write('struere-secrets: stopping after the request in flight (Ctrl-C again to quit now)\n');
    interrupt.abort();
  });
  const isInteractive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  main(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    isInteractive,
    ...(isInteractive ? { confirm: confirmOnTerminal } : {}),
    signal: interrupt.signal,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`struere-secrets: ${errorText(error)}\n`);
      process.exitCode = 1;
    },
  );
}
