import assert from 'node:assert/strict';
import { readFileSync, realpathSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'dotenv';
import { allUnknown, DEFAULT_SETTINGS } from '../../engine/core';
import { pathToUri } from '../../engine/host';
import {
  AgentToolRefusal,
  checkAnswer,
  checkSecretRequest,
  statusAnswer,
  writeLocalSecret,
  type FillRemoteNames,
} from '../../engine/tools';
import { tempWorkspace } from '../support/tempWorkspace';

// engine/tools through its door: the answers both front ends give (the MCP server's are tested over stdio in
// test/cli/mcp.test.ts; the editor's in the real-editor scenario 19). Here: what a hostile agent can pass, and
// that no answer carries a value — with a control that the same check finds a planted one.

const CANARY = 'CANARY-VALUE-7d1e0c';
const noKeys: FillRemoteNames = () => Promise.resolve(() => allUnknown('no API key'));

function project() {
  return tempWorkspace({
    'app/struere.json': '{"name":"app"}',
    'app/.env.development': `API_TOKEN=${CANARY}\nMODEL=small\n`,
    'app/prompts/main.md': 'Use {{secrets.API_TOKEN}} and {{secrets.MISSING_ONE}}.\n',
    'outside.md': 'not in a project\n',
  });
}

test('a secret request: only a valid name, a known environment and a bounded reason pass; a bad key is not repeated', () => {
  assert.deepEqual(checkSecretRequest({ key: 'API_TOKEN', environment: 'eval', reason: 'tests' }), {
    key: 'API_TOKEN',
    environment: 'eval',
    reason: 'tests',
  });
  const refused = (input: unknown) => {
    try {
      checkSecretRequest(input);
    } catch (error) {
      assert.ok(error instanceof AgentToolRefusal, String(error));
      return error.message;
    }
    return assert.fail(`accepted ${JSON.stringify(input).slice(0, 60)}`);
  };
  assert.ok(!refused({ key: `sk_dev_${CANARY}`, environment: 'development', reason: '' }).includes(CANARY));
  assert.match(refused({ key: 'A'.repeat(10_000), environment: 'development', reason: '' }), /not a valid secret name/);
  assert.match(refused({ key: 'A', environment: 'staging', reason: '' }), /environment/);
  assert.match(refused({ key: 'A', environment: 'development', reason: 'r'.repeat(2001) }), /reason/);
  for (const input of [undefined, null, 42, 'API_TOKEN', [], { key: 42 }, { key: 'A', environment: ['x'] }])
    refused(input);
});

test('status and check answer with names, codes and paths, never a value (control: a planted value is found)', async () => {
  const ws = project();
  try {
    const root = realpathSync(ws.dir);
    const status = await statusAnswer(root, noKeys);
    const check = await checkAnswer(root, {}, noKeys);
    const everything = JSON.stringify([status, check]);
    assert.match(status.text, /API_TOKEN/);
    assert.match(JSON.stringify(status.structured), /"referencedIn":\["app\/prompts\/main\.md"\]/);
    assert.match(check.text, /MISSING_ONE.*missing-secret/);
    assert.ok(!everything.includes(CANARY), 'no answer holds the value');
    assert.ok(JSON.stringify([status, { planted: CANARY }]).includes(CANARY), 'control: the same check finds it');
  } finally {
    ws.dispose();
  }
});

test("status and check read the files and apply the severities they are given (the editor's settings)", async () => {
  const ws = project();
  try {
    const root = realpathSync(ws.dir);
    const scan = { ...DEFAULT_SETTINGS, exclude: [...DEFAULT_SETTINGS.exclude, '**/prompts/**'] };
    const status = JSON.stringify((await statusAnswer(root, noKeys, scan)).structured);
    const check = await checkAnswer(root, {}, noKeys, { ...DEFAULT_SETTINGS, severity: { 'missing-secret': 'off' } });
    assert.doesNotMatch(status, /prompts\/main\.md/, 'an excluded folder is not read');
    assert.doesNotMatch(check.text, /missing-secret/, 'a code switched off is not reported');
    // Control: with the defaults the same workspace shows both.
    assert.match(JSON.stringify((await statusAnswer(root, noKeys)).structured), /prompts\/main\.md/);
    assert.match((await checkAnswer(root, {}, noKeys)).text, /MISSING_ONE.*missing-secret/);
  } finally {
    ws.dispose();
  }
});

test("status and check answer from the editor's unsaved buffers over the disk, never with a value of them", async () => {
  const ws = project();
  try {
    const root = realpathSync(ws.dir);
    const uri = (relative: string) => pathToUri(path.join(root, relative));
    // The human set MISSING_ONE in the env file and referenced a new key in the prompt, and saved neither.
    const unsaved = new Map([
      [uri('app/.env.development'), `API_TOKEN=${CANARY}\nMODEL=small\nMISSING_ONE=${CANARY}-unsaved\n`],
      [uri('app/prompts/main.md'), 'Use {{secrets.MISSING_ONE}} and {{secrets.TYPED_ONLY}}.\n'],
    ]);
    const check = await checkAnswer(root, {}, noKeys, DEFAULT_SETTINGS, unsaved);
    const status = await statusAnswer(root, noKeys, DEFAULT_SETTINGS, unsaved);
    assert.doesNotMatch(check.text, /MISSING_ONE/, 'the unsaved env file sets MISSING_ONE');
    assert.match(check.text, /TYPED_ONLY.*missing-secret/, 'the unsaved prompt references TYPED_ONLY');
    const rows = (status.structured as { projects: { keys: { key: string; referencedIn: string[] }[] }[] }).projects[0]!
      .keys;
    assert.deepEqual(rows.find((row) => row.key === 'TYPED_ONLY')?.referencedIn, ['app/prompts/main.md']);
    assert.deepEqual(rows.find((row) => row.key === 'API_TOKEN')?.referencedIn, [], 'the buffer dropped API_TOKEN');
    assert.ok(!JSON.stringify([check, status]).includes(CANARY), 'no answer holds a value of the buffers');
    // Control: without the buffers the same workspace answers from the disk.
    const onDisk = await checkAnswer(root, {}, noKeys);
    assert.match(onDisk.text, /MISSING_ONE.*missing-secret/);
    assert.doesNotMatch(onDisk.text, /TYPED_ONLY/);
  } finally {
    ws.dispose();
  }
});

test('check refuses paths outside the workspace, links out of it, paths in no project and bad arguments', async () => {
  const ws = project();
  const elsewhere = tempWorkspace({ 'secret.md': 'x' });
  try {
    const root = realpathSync(ws.dir);
    symlinkSync(elsewhere.path('secret.md'), ws.path('app/link.md'));
    const cases: [unknown, RegExp][] = [
      [{ paths: ['../../etc/passwd'] }, /outside the workspace|does not exist/],
      [{ paths: ['/etc'] }, /outside the workspace/],
      [{ paths: ['app/link.md'] }, /outside the workspace/],
      [{ paths: ['outside.md'] }, /not in a Struere project/],
      [{ paths: ['x'.repeat(5000)] }, /paths must be/],
      [{ paths: 'app' }, /paths must be/],
      [{ environment: 'staging' }, /environment/],
    ];
    for (const [input, message] of cases)
      await assert.rejects(checkAnswer(root, input, noKeys), (error: unknown) => {
        assert.ok(error instanceof AgentToolRefusal, String(error));
        assert.match(error.message, message);
        return true;
      });
    // Control: a path inside a project is answered, and only its own diagnostics are reported.
    const one = await checkAnswer(root, { paths: ['app/prompts/main.md'] }, noKeys);
    const files = new Set((one.structured.diagnostics as { file: string }[]).map((d) => d.file));
    assert.deepEqual([...files], ['app/prompts/main.md']);
  } finally {
    ws.dispose();
    elsewhere.dispose();
  }
});

test('writeLocalSecret adds, replaces only when told, and leaves a defined key alone otherwise', async () => {
  const ws = project();
  try {
    const projectRoot = ws.path('app');
    const file = ws.path('app/.env.development');
    assert.equal(await writeLocalSecret(projectRoot, 'development', 'NEW_KEY', 'a b#c', false), 'added');
    assert.equal(parse(readFileSync(file, 'utf8')).NEW_KEY, 'a b#c', 'dotenv reads back what was written');
    assert.equal(await writeLocalSecret(projectRoot, 'development', 'MODEL', 'large', false), 'already-defined');
    assert.equal(parse(readFileSync(file, 'utf8')).MODEL, 'small');
    assert.equal(await writeLocalSecret(projectRoot, 'development', 'MODEL', 'large', true), 'replaced');
    assert.equal(parse(readFileSync(file, 'utf8')).MODEL, 'large');
    assert.equal(parse(readFileSync(file, 'utf8')).API_TOKEN, CANARY, 'the other keys are kept');
    assert.equal(await writeLocalSecret(projectRoot, 'production', 'P', 'v', false), 'added');
    assert.equal(parse(readFileSync(ws.path('app/.env.production'), 'utf8')).P, 'v');
  } finally {
    ws.dispose();
  }
});
