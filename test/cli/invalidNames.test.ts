import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// A value pasted where a key name belongs — in a reference or as an env key — is never printed by the built CLI:
// `check` in every format and `preview` describe the name (its length, what is wrong) instead of quoting it.

const PASTED = 'sk-proj-Q7vR2mXk9LpT4wZs8NcY3bHd6FgJ1aUe5iOq0rVt2yWx';
const FORMATS = ['text', 'json', 'github', 'sarif'];

function project(name: string) {
  return tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env.*\n',
    '.env.development': `${name}=1\nPRESENT=present-value-1\n`,
    'prompts/system.md': `Use {{secrets.${name}}} and {{secrets.PRESENT}}.\n`,
  });
}

async function outputs(dir: string): Promise<{ what: string; text: string }[]> {
  const all: { what: string; text: string }[] = [];
  for (const format of FORMATS) {
    const run = await runCli(['check', dir, '--format', format], { limitMs: 30_000 });
    assert.equal(run.code, 1, `check --format ${format}: ${run.stderr}`);
    all.push({ what: `check --format ${format}`, text: run.stdout + run.stderr });
  }
  const preview = await runCli(['preview', path.join(dir, 'prompts/system.md')], { limitMs: 30_000 });
  assert.equal(preview.code, 0, preview.stderr);
  all.push({ what: 'preview', text: preview.stdout + preview.stderr });
  return all;
}

test('check (text, json, github, sarif) and preview never print a name that fails the key pattern', async (t) => {
  const ws = project(PASTED);
  t.after(() => ws.dispose());
  for (const { what, text } of await outputs(ws.dir)) {
    assert.ok(!text.includes(PASTED), `${what} printed the pasted value`);
    assert.ok(!text.includes(PASTED.slice(8, 30)), `${what} printed part of the pasted value`);
    if (what !== 'preview')
      assert.ok(text.includes(`${PASTED.length}-character name with '-' in it`), `${what} describes the name`);
  }
  // A name starting with a digit: described as well.
  const digit = project('9NOT_A_KEY');
  t.after(() => digit.dispose());
  for (const { what, text } of await outputs(digit.dir)) assert.ok(!text.includes('9NOT_A_KEY'), what);
});

test('control: a name that passes the pattern is printed in the same outputs, so the check above can fail', async (t) => {
  const valid = tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env.*\n',
    '.env.development': 'PRESENT=present-value-1\n',
    'prompts/system.md': 'Use {{secrets.UNSET_BUT_VALID}}.\n',
  });
  t.after(() => valid.dispose());
  for (const format of FORMATS) {
    const run = await runCli(['check', valid.dir, '--format', format], { limitMs: 30_000 });
    assert.ok(run.stdout.includes('UNSET_BUT_VALID'), `check --format ${format} quotes a valid name`);
  }
});
