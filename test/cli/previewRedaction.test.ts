import assert from 'node:assert/strict';
import { linkSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// `preview` prints no env value: not one pasted into the prompt (redacted as `redact` does), and not the env file
// itself reached through a link or a hard link under a prompt's name (refused).

const VALUES = { ORDERS_TOKEN: 'ord3rs-T0ken-9f2c71', GREETING: 'hello from support' };
const ENV = Object.entries(VALUES)
  .map(([key, value]) => `${key}="${value}"`)
  .join('\n');

function project() {
  return tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env.*\n',
    '.env.development': `${ENV}\n`,
    'prompts/plain.md': 'Answer with {{secrets.GREETING}}.\n',
  });
}

function assertNoValue(output: string): void {
  for (const [key, value] of Object.entries(VALUES))
    assert.ok(!output.includes(value), `the value of ${key} was printed`);
}

test('a value pasted into a prompt is printed as [SECRET:KEY]', async (t) => {
  const ws = project();
  t.after(() => ws.dispose());
  ws.write('prompts/pasted.md', `Call the API with ${VALUES.ORDERS_TOKEN}, say "${VALUES.GREETING}".\n`);
  const result = await runCli(['preview', ws.path('prompts/pasted.md')]);
  assert.equal(result.code, 0, result.stderr);
  assertNoValue(result.stdout + result.stderr);
  assert.match(result.stdout, /Call the API with \[SECRET:ORDERS_TOKEN\], say "\[SECRET:GREETING\]"\./);
});

test('control: text that is no env value is printed as written, so the check above can fail', async (t) => {
  const ws = project();
  t.after(() => ws.dispose());
  ws.write('prompts/other.md', 'Call the API with ord3rs-T0ken-0000aa.\n');
  const result = await runCli(['preview', ws.path('prompts/other.md')]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Call the API with ord3rs-T0ken-0000aa\./);
});

test('a link or a hard link to an env file, or a link out of the project, is refused without printing it', async (t) => {
  const ws = project();
  const outside = mkdtempSync(path.join(tmpdir(), 'struere-outside-'));
  t.after(() => {
    ws.dispose();
    rmSync(outside, { recursive: true, force: true });
  });
  writeFileSync(path.join(outside, 'notes.md'), `${ENV}\n`);
  symlinkSync('../.env.development', ws.path('prompts/link.md'));
  linkSync(ws.path('.env.development'), ws.path('prompts/hard.md'));
  symlinkSync(path.join(outside, 'notes.md'), ws.path('prompts/out.md'));
  for (const [name, reason] of [
    ['link.md', /is a link to an \.env file/],
    ['hard.md', /is the same file as \.env\.development \(a hard link\)/],
    ['out.md', /is a link to a file outside the project/],
  ] as const) {
    const result = await runCli(['preview', ws.path(`prompts/${name}`)]);
    assert.equal(result.code, 2, `${name}: ${result.stderr}`);
    assert.match(result.stderr, reason, name);
    assertNoValue(result.stdout + result.stderr);
  }
});

test('control: a link to another prompt inside the project is previewed', async (t) => {
  const ws = project();
  t.after(() => ws.dispose());
  symlinkSync('plain.md', ws.path('prompts/alias.md'));
  const result = await runCli(['preview', ws.path('prompts/alias.md')]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Answer with ••••\./);
});
