import { runAgents } from './agentsCommand';
import { runCheck } from './checkCommand';
import { command, DIR, FILE, PATHS, type CommandTable } from './commandLine';
import { runExample } from './exampleCommand';
import { runMcp } from './mcpCommand';
import { runPreview } from './previewCommand';
import { runRedact, stdioStreams } from './redactCommand';
import { runRun } from './runCommand';
import { KEY_AND_DIR, runSet } from './setCommand';
import { terminalSetInput } from './terminalInput';
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
      baseline: { type: 'string', value: 'FILE' },
      'update-baseline': { type: 'string', value: 'FILE' },
    },
    callsApi: true,
    run: ({ operand, flags, limits }, io) =>
      runCheck(
        {
          paths: operand,
          env: flags.env,
          format: flags.format,
          limits,
          baseline: flags.baseline,
          updateBaseline: flags['update-baseline'],
        },
        io,
      ),
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
  set: command({
    operand: KEY_AND_DIR,
    flags: {
      env: { type: 'string', value: 'development|production' },
      local: { type: 'boolean' },
      replace: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
    },
    callsApi: true,
    note: '(the value from the terminal, echo off, or stdin)',
    run: ({ operand, flags, limits }, io) =>
      runSet(
        {
          ...operand,
          env: flags.env,
          local: flags.local === true,
          replace: flags.replace === true,
          yes: flags.yes === true,
          limits,
        },
        io,
        terminalSetInput(),
      ),
  }),
  run: command({
    operand: DIR,
    flags: {
      env: { type: 'string', value: 'development|production' },
      override: { type: 'boolean' },
      'no-redact': { type: 'boolean' },
    },
    runsCommand: true,
    note: "(CMD with the env file's values; its output redacted)",
    run: ({ operand, flags, command: argv }, io) =>
      runRun(
        {
          dir: operand,
          env: flags.env,
          override: flags.override === true,
          redact: flags['no-redact'] !== true,
          command: argv,
        },
        io,
      ),
  }),
  redact: command({
    operand: DIR,
    flags: {},
    note: '(stdin → stdout, env values → [SECRET:KEY])',
    run: ({ operand }, io) => runRedact(operand, io, stdioStreams()),
  }),
  agents: command({
    operand: DIR,
    flags: { fix: { type: 'boolean' } },
    note: "(AI agents found, which env files they can read; --fix writes each agent's own rules)",
    run: ({ operand, flags }, io) => runAgents({ dir: operand, fix: flags.fix === true }, io),
  }),
  mcp: command({
    operand: DIR,
    flags: {},
    callsApi: true,
    note: '(MCP server over stdio for AI agents: names and states, never a value)',
    run: ({ operand, limits }, io) => runMcp({ dir: operand, limits }, io),
  }),
};
