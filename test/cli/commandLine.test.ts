import assert from 'node:assert/strict';
import { test } from 'node:test';
import { command, DIR, FILE, parseCommandLine, PATHS, usageLines, type CommandTable } from '../../cli/src/commandLine';
import { COMMANDS } from '../../cli/src/commands';
import { CliUsageError } from '../../cli/src/io';

// The command table's derivations (cli/src/commandLine.ts): usage lines, parseArgs options, flag checks.

const TABLE: CommandTable = {
  lint: command({
    operand: PATHS,
    flags: { env: { type: 'string', value: 'a|b' } },
    callsApi: true,
    run: async () => 0,
  }),
  push: command({
    operand: DIR,
    flags: { env: { type: 'string', value: 'a' }, yes: { type: 'boolean', short: 'y' } },
    run: async () => 0,
  }),
  show: command({ operand: FILE, flags: {}, note: '(a note)', run: async () => 0 }),
};

function usageError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => error instanceof CliUsageError && message.test(error.message));
}

void test('usage: one line per command in table order, its flags, then the request flags and who takes them', () => {
  assert.deepEqual(usageLines(TABLE), [
    '  struere-secrets lint [PATH…] [--env a|b]',
    '  struere-secrets push [DIR] [--env a] [--yes]',
    '  struere-secrets show FILE   (a note)',
    '',
    'lint also take:',
    '  --retries N  retries per request (default 2 for listings, 5 for sync)',
    '  --timeout S  seconds per attempt, body included (default 10 to connect, 30 to answer, 120 in all)',
  ]);
});

void test('the real table: every command has its line, and the API callers are named', () => {
  const lines = usageLines(COMMANDS);
  assert.deepEqual(
    lines.filter((line) => line.startsWith('  struere-secrets ')).map((line) => line.split(/\s+/)[2]),
    ['check', 'sync', 'status', 'preview', 'example', 'set', 'run', 'redact', 'agents', 'mcp'],
  );
  assert.ok(
    lines.includes(
      '  struere-secrets sync    [DIR] [--env development|production] [--dry-run] [--yes] [--overwrite KEY,…] [--overwrite-all] [--strict]',
    ),
  );
  assert.ok(lines.includes('check, sync, status, set and mcp also take:'));
});

void test('run: everything after the first -- is the command, its flags never read as ours', () => {
  const run = parseCommandLine(COMMANDS, 'run', ['proj', '--env', 'production', '--', 'node', '--env', 'x', '--']);
  assert.equal(run.input.operand, 'proj');
  assert.deepEqual({ ...run.input.flags }, { env: 'production' });
  assert.deepEqual(run.input.command, ['node', '--env', 'x', '--']);
  usageError(() => parseCommandLine(COMMANDS, 'run', ['proj']), /^run needs a command after --/);
  usageError(() => parseCommandLine(COMMANDS, 'run', ['proj', '--']), /^run needs a command after --/);
  // Control: a command that runs nothing keeps `--` as parseArgs reads it (the end of its own flags).
  assert.deepEqual(parseCommandLine(COMMANDS, 'check', ['--', '--odd-file']).input.operand, ['--odd-file']);
});

void test('parse: flags, short flags, the operand and request limits reach the entry', () => {
  const push = parseCommandLine(TABLE, 'push', ['-y', 'folder', '--env', 'a']);
  assert.equal(push.entry, TABLE.push);
  assert.deepEqual(
    { ...push.input, flags: { ...push.input.flags } },
    {
      operand: 'folder',
      flags: { yes: true, env: 'a' },
      command: [],
      limits: {},
    },
  );
  assert.equal(parseCommandLine(TABLE, 'push', []).input.operand, '.');
  const lint = parseCommandLine(TABLE, 'lint', ['x', 'y', '--retries', '0', '--timeout', '5']);
  assert.deepEqual(lint.input.operand, ['x', 'y']);
  assert.deepEqual(lint.input.limits, { retries: 0, timeoutSeconds: 5 });
});

void test('usage errors: unknown command, another command’s flag, the request flags off the API, operands', () => {
  usageError(() => parseCommandLine(TABLE, 'frobnicate', []), /^unknown command "frobnicate"$/);
  usageError(() => parseCommandLine(TABLE, 'toString', []), /^unknown command "toString"$/);
  usageError(() => parseCommandLine(TABLE, 'lint', ['--yes']), /^lint does not take --yes$/);
  usageError(() => parseCommandLine(TABLE, 'push', ['--retries', '1']), /^push does not take --retries$/);
  usageError(() => parseCommandLine(TABLE, 'push', ['a', 'b']), /^expected at most one folder, got 2$/);
  usageError(() => parseCommandLine(TABLE, 'show', []), /^show takes exactly one FILE, got 0$/);
  usageError(() => parseCommandLine(TABLE, 'lint', ['--retries', 'many']), /^--retries must be a whole number/);
  assert.throws(
    () => parseCommandLine(TABLE, 'lint', ['--bogus']),
    (error: unknown) => (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
  );
});

void test('a flag two commands declare differently is a mistake in the table', () => {
  const clash: CommandTable = {
    ...TABLE,
    other: command({ operand: DIR, flags: { yes: { type: 'string' } }, run: async () => 0 }),
  };
  assert.throws(() => parseCommandLine(clash, 'push', []), /other declares --yes unlike another command/);
});
