import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// `struere-secrets example` (built CLI) copies no value into the committed template: not through a comment that
// names another env file's value, nor a commented-out assignment, nor a value pasted as a key.

const LOCAL = 'local-override-value';
const GHP = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';

test('example: comments holding a value of any env file, or an assignment, are not copied', async (t) => {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.env.development': [
      '# Support agent',
      `# same as ${LOCAL} in .env.local`,
      `# OLD_TOKEN: ${GHP}`,
      `# OLD=${GHP}`,
      'A=1',
      `sk-proj-${GHP}=`,
      '',
    ].join('\n'),
    '.env.local': `OVERRIDE=${LOCAL}\n`,
  });
  t.after(() => ws.dispose());
  const result = await runCli(['example', ws.dir]);
  assert.equal(result.code, 0, result.stderr);
  const written = readFileSync(ws.path('.env.example'), 'utf8');
  assert.equal(written, '# Support agent\n# OLD=\nA=\n');
  for (const output of [written, result.stdout, result.stderr]) {
    assert.ok(!output.includes(LOCAL), 'the value of .env.local was copied');
    assert.ok(!output.includes(GHP), 'a commented-out value was copied');
  }
});

test('control: a comment without a value is copied, so the check above can fail', async (t) => {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.env.development': '# same as the override in .env.local\nA=1\n',
    '.env.local': `OVERRIDE=${LOCAL}\n`,
  });
  t.after(() => ws.dispose());
  assert.equal((await runCli(['example', ws.dir])).code, 0);
  assert.equal(readFileSync(ws.path('.env.example'), 'utf8'), '# same as the override in .env.local\nA=\n');
});
