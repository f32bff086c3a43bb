import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { CLI_JS, runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// `struere-secrets run [DIR] -- CMD`: the built CLI in a child process, running a real child of its own.

const CANARY = 'canary-run-value-7f3e';
const PROD_CANARY = 'canary-prod-value-19ab';
const LIMIT = { limitMs: 30_000 };

function project(t: { after: (fn: () => void) => void }, files: Record<string, string> = {}) {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.env.development': `TOKEN=${CANARY}\nSHORT=abc\n`,
    '.env.production': `TOKEN=${PROD_CANARY}\n`,
    ...files,
  });
  t.after(() => ws.dispose());
  return ws;
}

/** A child written in JavaScript, run by this very Node: no shell quoting, the same on every machine. */
function node(script: string): string[] {
  return ['--', process.execPath, '-e', script];
}

void test('run gives the child the environment and redacts what it prints, on stdout and stderr', async (t) => {
  const ws = project(t);
  const script =
    'console.log("token=" + process.env.TOKEN + " short=" + process.env.SHORT); ' +
    'console.error("err " + process.env.TOKEN); process.exitCode = 3;';
  const result = await runCli(['run', ws.dir, ...node(script)], LIMIT);
  assert.equal(result.code, 3, 'the child exit code');
  assert.equal(result.stdout, 'token=[SECRET:TOKEN] short=abc\n', 'short values are not redacted, like redact');
  assert.match(result.stderr, /^err \[SECRET:TOKEN\]$/m);
  assert.ok(!(result.stdout + result.stderr).includes(CANARY));

  // Control: with --no-redact the same child prints the value, so the checks above can fail.
  const plain = await runCli(['run', ws.dir, '--no-redact', ...node(script)], LIMIT);
  assert.ok(plain.stdout.includes(CANARY));

  // --env production feeds the production file; development's value is still in the dictionary.
  const production = await runCli(
    ['run', ws.dir, '--env', 'production', ...node('console.log(process.env.TOKEN, process.env.SHORT)')],
    LIMIT,
  );
  assert.equal(production.stdout, '[SECRET:TOKEN] undefined\n');
});

void test('a variable the shell already has wins unless --override', async (t) => {
  const ws = project(t);
  const print = node('console.log(process.env.TOKEN)');
  const kept = await runCli(['run', ws.dir, ...print], { ...LIMIT, env: { TOKEN: 'from-the-shell' } });
  assert.equal(kept.stdout, 'from-the-shell\n');
  assert.match(kept.stderr, /1 variable of the shell kept over \.env\.development \(--override to replace\)/);
  const replaced = await runCli(['run', ws.dir, '--override', ...print], {
    ...LIMIT,
    env: { TOKEN: 'from-the-shell' },
  });
  assert.equal(replaced.stdout, '[SECRET:TOKEN]\n');
  assert.equal(replaced.stderr, '');
});

void test('a prompt without a newline shows before the child reads its answer from stdin', async (t) => {
  const ws = project(t);
  // The child asks, then waits for a line on its stdin (the terminal's, passed through): if run held the prompt
  // back, no answer would ever be sent and the child would wait until the bound kills it.
  const script =
    'process.stdout.write("Password: "); process.stdin.once("data", (d) => { console.log("got " + d.toString().trim()); process.exit(0); });';
  const cli = spawn(process.execPath, [CLI_JS, 'run', ws.dir, ...node(script)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const bound = setTimeout(() => cli.kill('SIGKILL'), LIMIT.limitMs);
  let stdout = '';
  cli.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout === 'Password: ') cli.stdin.end('hunter2\n');
  });
  const code = await new Promise<number | null>((resolve) => cli.once('close', (exit) => resolve(exit)));
  clearTimeout(bound);
  assert.equal(code, 0, 'the prompt was held back: the child never got its answer');
  assert.equal(stdout, 'Password: got hunter2\n');
});

void test('binary output passes byte for byte; only the value is replaced', async (t) => {
  const ws = project(t);
  const script =
    'const all = Buffer.alloc(256, 0).map((_, i) => i); ' +
    'process.stdout.write(Buffer.concat([all, Buffer.from(process.env.TOKEN), all]));';
  const child = await runCliBytes(['run', ws.dir, ...node(script)]);
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  assert.deepEqual(child, Buffer.concat([all, Buffer.from('[SECRET:TOKEN]'), all]));
});

void test('exit codes: the signal as 128+N, 127 when not found, 126 when not executable, 2 without a command', async (t) => {
  const ws = project(t, { 'not-executable.sh': '#!/bin/sh\necho no\n' });
  chmodSync(ws.path('not-executable.sh'), 0o644);
  const killed = await runCli(['run', ws.dir, ...node('process.kill(process.pid, "SIGTERM")')], LIMIT);
  assert.equal(killed.code, 128 + 15);
  const missing = await runCli(['run', ws.dir, '--', 'struere-no-such-command-here'], LIMIT);
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /struere-no-such-command-here: command not found/);
  const notExecutable = await runCli(['run', ws.dir, '--', ws.path('not-executable.sh')], LIMIT);
  assert.equal(notExecutable.code, 126);
  const none = await runCli(['run', ws.dir], LIMIT);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /run needs a command after --/);
  // The child's own flags are never read as ours: `--env production` after `--` belongs to it.
  const childFlags = await runCli(['run', ws.dir, '--', 'sh', '-c', 'echo "$@"', 'sh', '--env', 'x'], LIMIT);
  assert.equal(childFlags.code, 0, childFlags.stderr);
  assert.equal(childFlags.stdout, '--env x\n');
});

/** The CLI's stdout as bytes (runCli decodes text). */
async function runCliBytes(args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_JS, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', () => resolve(Buffer.concat(chunks)));
  });
}
