import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { CliIo } from '../../cli/src/io';
import { main } from '../../cli/src/main';
import { CLI_JS, runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// Issue 18, hole 11: reports of a huge malformed .env. JSON and SARIF are streamed, never one string (V8 caps
// a string's length); --format github is capped with a summary line; a reader that closes the pipe ends the run
// quietly; an unexpected failure exits 3, so exit 1 always means a complete report with findings.

const CANARY = 'canary_big_reports_Jm4Qv8';
const MALFORMED_LINES = 20_000;

function malformedProject() {
  return tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env*\n',
    '.env.development': `GOOD=${CANARY}\n${'not a line\n'.repeat(MALFORMED_LINES)}`,
  });
}

/** Runs `main` in-process and records every write: `out` calls and the lines of each streamed batch. */
async function recordedMain(args: string[]): Promise<{ code: number; writes: string[]; text: string }> {
  const writes: string[] = [];
  const io: CliIo = {
    out: (text) => writes.push(`${text}\n`),
    err: (text) => writes.push(`${text}\n`),
    writeLines: async (lines) => {
      for (const line of lines) writes.push(`${line}\n`);
      await Promise.resolve();
    },
    env: {},
    isInteractive: false,
  };
  const code = await main(args, io);
  return { code, writes, text: writes.join('') };
}

for (const format of ['json', 'sarif'] as const) {
  void test(`check --format ${format} writes a big report line by line, never as one string`, async (t) => {
    const workspace = malformedProject();
    t.after(() => workspace.dispose());
    const { code, writes, text } = await recordedMain(['check', workspace.dir, '--format', format]);
    assert.equal(code, 1);
    const longest = writes.reduce((most, write) => Math.max(most, write.length), 0);
    assert.ok(longest < 4096, `one write of ${longest} characters`);
    const report = JSON.parse(text) as { diagnostics?: unknown[]; runs?: { results: unknown[] }[] };
    const count = format === 'json' ? report.diagnostics!.length : report.runs![0]!.results.length;
    assert.equal(count, MALFORMED_LINES);
    assert.ok(!text.includes(CANARY));
  });
}

void test('control: a streamed report is byte for byte what one JSON.stringify gave', async (t) => {
  const workspace = tempWorkspace({ 'struere.json': '{}', '.env.development': `A=${CANARY}\nbad line\nB\n` });
  t.after(() => workspace.dispose());
  const { text } = await recordedMain(['check', workspace.dir, '--format', 'json']);
  assert.equal(text, `${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  const empty = tempWorkspace({ 'struere.json': '{}' });
  t.after(() => empty.dispose());
  assert.equal((await recordedMain(['check', empty.dir, '--format', 'json'])).text, '{\n  "diagnostics": []\n}\n');
});

void test('the built CLI streams a big JSON report through a pipe, complete and parseable, exit 1', async (t) => {
  const workspace = malformedProject();
  t.after(() => workspace.dispose());
  const result = await runCli(['check', workspace.dir, '--format', 'json']);
  assert.equal(result.code, 1, result.stderr);
  assert.equal((JSON.parse(result.stdout) as { diagnostics: unknown[] }).diagnostics.length, MALFORMED_LINES);
  assert.equal(result.stderr, '');
});

void test('--format github prints at most 50 annotations and one line counting the rest', async (t) => {
  const workspace = malformedProject();
  t.after(() => workspace.dispose());
  const result = await runCli(['check', '.', '--format', 'github'], { cwd: workspace.dir });
  assert.equal(result.code, 1, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  assert.equal(lines.filter((line) => line.startsWith('::error ')).length, 50);
  assert.ok(
    lines.includes(
      `struere-secrets: ${MALFORMED_LINES - 50} more findings not annotated (at most 50); --format json or sarif lists them all`,
    ),
  );
  assert.equal(lines.length, 52);
});

void test('control: a few findings are all annotated, with no summary of left-out ones', async (t) => {
  const workspace = tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env*\n',
    '.env.development': 'bad\nworse\n',
  });
  t.after(() => workspace.dispose());
  const result = await runCli(['check', '.', '--format', 'github'], { cwd: workspace.dir });
  assert.equal(result.stdout.split('\n').filter((line) => line.startsWith('::error ')).length, 2);
  assert.ok(!result.stdout.includes('not annotated'));
});

void test('a reader that closes the pipe early (| head -1) ends the CLI quietly, without a stack trace', async (t) => {
  const workspace = malformedProject();
  t.after(() => workspace.dispose());
  const result = await runCli(['check', workspace.dir, '--format', 'json'], {
    onStdout: (_soFar, child) => child.stdout?.destroy(),
  });
  assert.equal(result.stderr, '');
  assert.equal(result.code, 1);
});

void test('an internal error exits 3, not 1; control: the same check from a real folder exits 1', async (t) => {
  const workspace = malformedProject();
  t.after(() => workspace.dispose());
  // A working folder that no longer exists: process.cwd() throws, which no command expects.
  const gone = mkdtempSync(path.join(tmpdir(), 'struere-gone-'));
  const script = `cd "$1" && rmdir "$1" && exec "$2" "$3" check "$4" --format sarif`;
  const crashed = await runShell(script, [gone, process.execPath, CLI_JS, workspace.dir]);
  assert.equal(crashed.code, 3, crashed.stderr);
  assert.match(crashed.stderr, /^struere-secrets: internal error: /);
  assert.ok(!/\n\s+at /.test(crashed.stderr), 'no stack trace');
  const control = await runCli(['check', workspace.dir, '--format', 'sarif']);
  assert.equal(control.code, 1);
});

/** `sh -c script` with positional arguments; the script removes its own working folder. */
function runShell(script: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script, 'sh', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
