import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCli } from '../support/runCli';
import { tempWorkspace } from '../support/tempWorkspace';

// `struere-secrets example` as a user runs it: the built CLI in a child process.

const CANARIES = ['canary-dev-91ab', 'canary-prod-27cd', 'canary-multi-55ef'];

function project(t: { after: (fn: () => void) => void }, files: Record<string, string>) {
  const ws = tempWorkspace({ 'struere.json': '{}', ...files });
  t.after(() => ws.dispose());
  return ws;
}

void test('example creates .env.example from the env files: names in order, comments kept, no value anywhere', async (t) => {
  const ws = project(t, {
    '.env.development': [
      '# Support agent',
      `TOKEN=${CANARIES[0]}`,
      `MULTI="first line`,
      `${CANARIES[2]}"`,
      `# rotated from ${CANARIES[0]} last week`, // quotes a value: left out
      '',
    ].join('\n'),
    '.env.production': `TOKEN=${CANARIES[1]}\n# production only\nPAGER=${CANARIES[1]}\n`,
  });
  const result = await runCli(['example', ws.dir]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /created \.env\.example: added TOKEN, MULTI, PAGER/);
  const written = readFileSync(ws.path('.env.example'), 'utf8');
  assert.equal(written, '# Support agent\nTOKEN=\nMULTI=\n# production only\nPAGER=\n');
  for (const canary of CANARIES) {
    assert.ok(!written.includes(canary), 'a value reached .env.example');
    assert.ok(!result.stdout.includes(canary) && !result.stderr.includes(canary), 'a value reached the output');
  }

  // Run again: nothing to add; the file is untouched.
  const again = await runCli(['example', ws.dir]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /\.env\.example is up to date \(3 keys\)/);
  assert.equal(readFileSync(ws.path('.env.example'), 'utf8'), written);
});

void test('example updates an existing template in place and the env-example diagnostics go away', async (t) => {
  const ws = project(t, {
    '.gitignore': '.env.development\n.env.production\n',
    '.env.development': `A=${CANARIES[0]}\nB=${CANARIES[0]}\n`,
    '.env.example': '# keep me\nA=placeholder\nOLD=\n',
  });
  const before = await runCli(['check', ws.dir, '--format', 'json']);
  const codes = (out: string) =>
    (JSON.parse(out) as { diagnostics: { file: string; code: string; message: string }[] }).diagnostics
      .filter((d) => d.code === 'env-example')
      .map((d) => `${d.file} ${d.message.split(' ')[0]}`);
  assert.deepEqual(codes(before.stdout), ['.env.development B', '.env.example OLD']);

  const result = await runCli(['example', ws.dir]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /updated \.env\.example: added B/);
  assert.equal(readFileSync(ws.path('.env.example'), 'utf8'), '# keep me\nA=placeholder\nOLD=\nB=\n');
  const after = await runCli(['check', ws.dir, '--format', 'json']);
  assert.deepEqual(codes(after.stdout), ['.env.example OLD']); // a name the template keeps is the user's call
});

void test('example: a folder without a project is an error; a project without env files is told so', async (t) => {
  const empty = tempWorkspace({});
  t.after(() => empty.dispose());
  const none = await runCli(['example', empty.dir]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no Struere project/);
  const ws = project(t, {});
  const result = await runCli(['example', ws.dir]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /nothing to describe/);
  const usage = await runCli(['example', ws.dir, '--env', 'production']);
  assert.equal(usage.code, 2);
});

void test('example with env files that define no key creates no template and does not call it up to date', async (t) => {
  const ws = project(t, { '.env.development': '# filled in later\n' });
  const result = await runCli(['example', ws.dir]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^\.env\.example: not created, the env files define no keys yet$/m);
  assert.doesNotMatch(result.stdout, /up to date/);
  assert.ok(!existsSync(ws.path('.env.example')), 'an empty template was written');

  // Control: one key, and the template is created; run again and it counts one key, not "1 keys".
  writeFileSync(ws.path('.env.development'), `# filled in later\nTOKEN=${CANARIES[0]}\n`);
  const created = await runCli(['example', ws.dir]);
  assert.match(created.stdout, /created \.env\.example: added TOKEN/);
  const again = await runCli(['example', ws.dir]);
  assert.match(again.stdout, /\.env\.example is up to date \(1 key\)$/m);
});
