import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as dotenv from 'dotenv';
import { DEV_KEY, PROD_KEY, assertStoredValues, startServer } from '../support/apiHelpers';
import { ownGit } from '../support/ownGit';
import { CLI_JS, runCli, type CliResult } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// `struere-secrets set KEY [DIR]`: the built CLI, against the real local API, through a pipe and a real terminal.

const CANARY = 'canary-set-value-5d1c';
const LIMIT = { limitMs: 30_000, noTerminal: true };

function project(t: { after: (fn: () => void) => void }, files: Record<string, string> = {}) {
  const ws = tempWorkspace({ 'struere.json': '{}', ...files });
  t.after(() => ws.dispose());
  return ws;
}

function assertNoValue(result: CliResult, value = CANARY): void {
  assert.ok(!result.stdout.includes(value) && !result.stderr.includes(value), 'a value reached the output');
}

void test('set from a pipe: one upsert to development (mirrored to eval), the value nowhere in the output', async (t) => {
  const server = await startServer(t);
  const ws = project(t);
  const env = { STRUERE_API_URL: server.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY };
  const result = await runCli(['set', 'TOKEN', ws.dir], { ...LIMIT, env, input: `${CANARY}\n` });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^created TOKEN in development \(\+ eval\) \(the value is not shown\)$/m);
  assertNoValue(result);
  // One trailing newline is dropped: the stored value is exactly what was piped before it.
  assertStoredValues(server, 'development', new Map([['TOKEN', CANARY]]));
  assertStoredValues(server, 'eval', new Map([['TOKEN', CANARY]]));
});

void test('a value on the command line is refused and never repeated; an empty stdin sets nothing', async (t) => {
  const server = await startServer(t);
  const ws = project(t);
  const env = { STRUERE_API_URL: server.url, STRUERE_API_KEY_DEVELOPMENT: DEV_KEY };
  for (const args of [
    ['set', 'TOKEN', CANARY],
    ['set', `TOKEN=${CANARY}`],
    ['set', 'TOKEN', ws.dir, CANARY],
  ]) {
    const refused = await runCli(args, { ...LIMIT, env });
    assert.equal(refused.code, 2, args.join(' '));
    assert.match(refused.stderr, /never taken from the command line/);
    assertNoValue(refused);
  }
  // A pasted value where the key belongs is described, not quoted.
  const pasted = await runCli(['set', 'sk-live-' + CANARY, ws.dir], { ...LIMIT, env, input: 'x\n' });
  assert.equal(pasted.code, 2);
  assert.match(pasted.stderr, /a 29-character name with '-' in it cannot be a secret name/);
  assertNoValue(pasted);

  const empty = await runCli(['set', 'TOKEN', ws.dir], { ...LIMIT, env, input: '' });
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no value given/);
  assert.equal(server.log.entries().length, 0, 'nothing was sent');
});

void test('production asks at a terminal or needs --yes; without either nothing is sent', async (t) => {
  const server = await startServer(t);
  const ws = project(t);
  const env = { STRUERE_API_URL: server.url, STRUERE_API_KEY_PRODUCTION: PROD_KEY };
  const refused = await runCli(['set', 'TOKEN', ws.dir, '--env', 'production'], { ...LIMIT, env, input: CANARY });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /needs --yes or an answer at a terminal; nothing was sent/);
  assert.equal(server.log.entries().length, 0);
  // Control: --yes sends it.
  const sent = await runCli(['set', 'TOKEN', ws.dir, '--env', 'production', '--yes'], { ...LIMIT, env, input: CANARY });
  assert.equal(sent.code, 0, sent.stderr);
  assertStoredValues(server, 'production', new Map([['TOKEN', CANARY]]));
  // A development key for production is refused before any request.
  server.log.clear();
  const wrongKey = await runCli(['set', 'TOKEN', ws.dir, '--env', 'production', '--yes'], {
    ...LIMIT,
    env: { STRUERE_API_URL: server.url, STRUERE_API_KEY: DEV_KEY },
    input: CANARY,
  });
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.stderr, /needs a production API key/);
  assert.equal(server.log.entries().length, 0);
});

void test('--local writes the env file as dotenv reads it back, refuses a defined key unless --replace', async (t) => {
  const ws = project(t, { '.gitignore': '.env.*\n', '.env.development': '# mine\nA=1\n' });
  ownGit(ws.dir, ['init', '-q']);
  const tricky = `${CANARY} # with "quotes" and 'more'`;
  const added = await runCli(['set', 'TOKEN', ws.dir, '--local'], { ...LIMIT, input: `${tricky}\n` });
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /^added TOKEN in \.env\.development \(the value is not shown\)$/m);
  assert.doesNotMatch(added.stderr, /git would commit/, 'the file is ignored');
  assertNoValue(added);
  const text = () => readFileSync(ws.path('.env.development'), 'utf8');
  assert.ok(text().startsWith('# mine\nA=1\nTOKEN='));
  const parsed = () => dotenv.parse(text());
  assert.ok(parsed().TOKEN === tricky && parsed().A === '1', 'dotenv reads back exactly what was typed');

  const again = await runCli(['set', 'TOKEN', ws.dir, '--local'], { ...LIMIT, input: 'other-value-9' });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already defines TOKEN; --replace to change its value/);
  assert.ok(parsed().TOKEN === tricky, 'refused: the file kept its value');
  const replaced = await runCli(['set', 'TOKEN', ws.dir, '--local', '--replace'], { ...LIMIT, input: 'other-value-9' });
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.ok(parsed().TOKEN === 'other-value-9' && parsed().A === '1');

  // Control: a file git would commit gets the warning.
  const committed = await runCli(['set', 'TOKEN', ws.dir, '--local', '--env', 'production'], {
    ...LIMIT,
    input: CANARY,
  });
  assert.equal(committed.code, 0, committed.stderr);
  assert.doesNotMatch(committed.stderr, /git would commit/, '.env.* ignores .env.production too');
  ownGit(ws.dir, ['add', '-f', '.env.production']);
  const tracked = await runCli(['set', 'OTHER', ws.dir, '--local', '--env', 'production'], { ...LIMIT, input: CANARY });
  assert.match(tracked.stderr, /warning: git would commit \.env\.production/);
  assertNoValue(tracked);
});

/** Runs `command` in a real pseudo-terminal (util-linux `script`), typing `typed` once `prompt` shows. */
function inTerminal(command: string, prompt: string, typed: string): Promise<{ screen: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const bound = setTimeout(() => child.kill('SIGKILL'), LIMIT.limitMs);
    let screen = '';
    let typedYet = false;
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      if (!typedYet && screen.includes(prompt)) {
        typedYet = true;
        child.stdin.write(typed);
      }
    });
    child.once('close', (code) => {
      clearTimeout(bound);
      child.stdin.end();
      resolve({ screen, code });
    });
  });
}

void test('at a terminal the value is typed with echo off; backspace edits it (control: a plain read echoes)', async (t) => {
  const ws = project(t);
  const cli = `${process.execPath} ${CLI_JS} set TOKEN ${ws.dir} --local`;
  // "X" then backspace: the value set is the canary alone.
  const typed = await inTerminal(cli, 'typing is not shown', `${CANARY}X\u007f\r`);
  assert.equal(typed.code, 0, typed.screen);
  assert.ok(!typed.screen.includes(CANARY), 'the terminal showed the value');
  assert.ok(!typed.screen.includes('*'), 'no stars: the length does not show either');
  assert.ok(dotenv.parse(readFileSync(ws.path('.env.development'), 'utf8')).TOKEN === CANARY);

  // Control: the same terminal echoes what a plain read is typed, so the check above can fail.
  const echoed = await inTerminal(`sh -c 'echo ready; head -n 1 >/dev/null'`, 'ready', `${CANARY}\r`);
  assert.ok(echoed.screen.includes(CANARY));
});
