import { parseArgs } from 'node:util';
import { runCheck } from './cli/checkCommand';
import { CliUsageError, type CliIo } from './cli/io';

const USAGE = `Usage:
  struere-secrets check  [DIR] [--env development|production|eval] [--format text|json]
  struere-secrets sync   [DIR] [--env development|production] [--dry-run] [--yes]
  struere-secrets status [DIR] [--format text|json]

Environment: STRUERE_API_URL, STRUERE_API_KEY (or STRUERE_API_KEY_DEVELOPMENT / STRUERE_API_KEY_PRODUCTION).`;

/** The terminal front end: the same core and remote modules as the language server. Exit codes: 0 ok, 1 problems or refused, 2 usage. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  try {
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
    if (positionals.length > 1) throw new CliUsageError(`expected at most one folder, got ${positionals.length}`);
    const dir = positionals[0] ?? '.';
    switch (command) {
      case 'check':
        return await runCheck({ dir, env: values.env, format: values.format }, io);
      default:
        throw new CliUsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof CliUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`struere-secrets: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    isInteractive: process.stdin.isTTY === true && process.stdout.isTTY === true,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`struere-secrets: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
