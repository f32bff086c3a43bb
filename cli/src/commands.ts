import { runCheck } from './checkCommand';
import { command, DIR, FILE, PATHS, type CommandTable } from './commandLine';
import { runExample } from './exampleCommand';
import { runPreview } from './previewCommand';
import { runRedact, stdioStreams } from './redactCommand';
import { runStatus } from './statusCommand';
import { overwriteOf, syncCommand } from './syncCommand';

/**
 * Every CLI command, one entry each: its operand, its flags and a one-line handler into its own file. The usage
 * text, the parseArgs options and the flag checks are derived from here (commandLine.ts), so a new command is one
 * entry here and one file.
 */
export const COMMANDS: CommandTable = {
  check: command({
    operand: PATHS,
    flags: {
      env: { type: 'string', value: 'development|production|eval' },
      format: { type: 'string', value: 'text|json|sarif|github' },
    },
    callsApi: true,
    run: ({ operand, flags, limits }, io) =>
      runCheck({ paths: operand, env: flags.env, format: flags.format, limits }, io),
  }),
  sync: command({
    operand: DIR,
    flags: {
      env: { type: 'string', value: 'development|production' },
      'dry-run': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      overwrite: { type: 'string', value: 'KEY,…' },
      'overwrite-all': { type: 'boolean' },
      strict: { type: 'boolean' },
    },
    callsApi: true,
    run: ({ operand, flags, limits }, io) =>
      syncCommand(
        {
          dir: operand,
          env: flags.env,
          dryRun: flags['dry-run'] === true,
          yes: flags.yes === true,
          overwrite: overwriteOf(flags.overwrite, flags['overwrite-all'] === true),
          strict: flags.strict === true,
          limits,
        },
        io,
      ),
  }),
  status: command({
    operand: DIR,
    flags: { format: { type: 'string', value: 'text|json' } },
    callsApi: true,
    run: ({ operand, flags, limits }, io) => runStatus({ dir: operand, format: flags.format, limits }, io),
  }),
  preview: command({
    operand: FILE,
    flags: { env: { type: 'string', value: 'development|production|eval' } },
    run: ({ operand, flags }, io) => runPreview({ file: operand, env: flags.env }, io),
  }),
  example: command({
    operand: DIR,
    flags: {},
    run: ({ operand }, io) => runExample({ dir: operand }, io),
  }),
  redact: command({
    operand: DIR,
    flags: {},
    note: '(stdin → stdout, env values → [SECRET:KEY])',
    run: ({ operand }, io) => runRedact(operand, io, stdioStreams()),
  }),
};
