import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dotenv from 'dotenv';
import type { Diagnostic } from 'vscode-languageserver-types';
import { codeActions, type CodeActionHost } from '../../engine/core/features/codeActions';
import { setKeysFrom } from '../../engine/core/prompt/compiler';
import { DROPPED_KEYS } from '../../engine/core/model/envParser';
import { presenceIn } from '../../engine/core/model/presence';
import { planRename } from '../../engine/core/features/rename';
import { unknownRemote } from '../../engine/core/model/remoteNames';
import { secretStatus } from '../../engine/core/features/status';
import { validateEnvFile, validateAgentFile } from '../../engine/core/rules/validation';
import { fixtureProject, GIT_IGNORED } from '../support/coreFixtures';

/** Keys dotenv drops are never "set"; edits that would merge two secrets (and lose a value) are refused. */

const settings = { environment: 'development' as const, severity: {}, maxFileBytes: 1 << 20 };
const host: CodeActionHost = { versionOf: () => null, gitignoreText: '' };

test('DROPPED_KEYS is exactly what dotenv.parse drops, over every name of Object.prototype and a control set', () => {
  const candidates = [
    ...Object.getOwnPropertyNames(Object.prototype),
    'prototype',
    'constructor',
    'PLAIN_KEY',
    '__PROTO__',
  ];
  for (const key of candidates) {
    const kept = Object.prototype.hasOwnProperty.call(dotenv.parse(`${key}=x\n`), key);
    assert.equal(DROPPED_KEYS.has(key), !kept, key);
  }
});

test('dropped-key: an error on the key, never set in presence, status, compile or missing-secret', () => {
  const fixture = fixtureProject({
    '.env.development': 'GOOD=1\n__proto__=2\n',
    'p.md': '{{secrets.__proto__}} {{secrets.GOOD}}',
  });
  const file = fixture.project.envFiles.get(fixture.uri('.env.development'))!;
  const diagnostics = validateEnvFile(file, GIT_IGNORED, settings);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.range.start.line]),
    [['dropped-key', 1]],
  );
  assert.equal(presenceIn(fixture.project, '__proto__', 'development').isSet, false);
  assert.equal(presenceIn(fixture.project, 'GOOD', 'development').isSet, true); // control
  const row = secretStatus(fixture.project).find((r) => r.key === '__proto__');
  assert.equal(row?.environments.development.local ?? false, false);
  assert.deepEqual([...setKeysFrom('GOOD=1\n__proto__=2\n', unknownRemote('no API key'))], ['GOOD']);
  const source = fixture.project.agentFiles.get(fixture.uri('p.md'))!;
  assert.deepEqual(
    validateAgentFile(source, fixture.project, settings).map((d) => [d.code, (d.data as { key: string }).key]),
    [['missing-secret', '__proto__']],
  );
});

test('rename refuses a name that already exists in any env file of the project, saying where', () => {
  const fixture = fixtureProject({
    '.env.development': 'OLD=1\n',
    '.env.local': 'A=1\nTAKEN=2\n',
    'p.md': '{{secrets.OLD}}',
  });
  const refused = planRename(fixture.project, fixture.uri('.env.development'), { line: 0, character: 1 }, 'TAKEN');
  assert.ok(refused && 'error' in refused, 'rename onto an existing key must be refused');
  assert.match(refused.error, /TAKEN already exists in \.env\.local \(line 2\)/);
  // Control: a fresh name is renamed everywhere.
  const plan = planRename(fixture.project, fixture.uri('.env.development'), { line: 0, character: 1 }, 'FRESH');
  assert.ok(plan && !('error' in plan));
  assert.deepEqual([...plan.edits.keys()].sort(), [fixture.uri('.env.development'), fixture.uri('p.md')]);
});

test('quick fixes never add or rename onto an existing key', () => {
  const invalid = (fixture: ReturnType<typeof fixtureProject>): Diagnostic =>
    validateEnvFile(fixture.project.envFiles.get(fixture.uri('.env.development'))!, GIT_IGNORED, settings).find(
      (d) => d.code === 'invalid-key',
    )!;
  const clash = fixtureProject({ '.env.development': 'my-key=1\n', '.env.production': 'MY_KEY=2\n' });
  const clashActions = codeActions(clash.project, clash.uri('.env.development'), [invalid(clash)], 'development', host);
  assert.deepEqual(
    clashActions.map((a) => a.title),
    [],
  );
  const free = fixtureProject({ '.env.development': 'my-key=1\n' });
  const freeActions = codeActions(free.project, free.uri('.env.development'), [invalid(free)], 'development', host);
  assert.deepEqual(
    freeActions.map((a) => a.title),
    ['Rename to a valid name (letters, digits and _)'],
  );

  // Adding a missing key to a file whose keys are unknown (too large or unreadable) could define it twice.
  const unknown = fixtureProject({ 'p.md': '{{secrets.NEW_KEY}}' });
  unknown.index.setUnreadableEnvFile(unknown.uri('.env.production'), 'permission denied');
  unknown.index.setSkippedEnvFile(unknown.uri('.env.development'), 1 << 30);
  const source = unknown.project.agentFiles.get(unknown.uri('p.md'))!;
  const missing: Diagnostic = {
    range: source.references[0]!.range,
    code: 'missing-secret',
    source: 'struere',
    message: '',
    data: { key: 'NEW_KEY', environment: 'development' },
  };
  assert.deepEqual(
    codeActions(unknown.project, unknown.uri('p.md'), [missing], 'development', host).map((a) => a.title),
    [],
  );
  const known = fixtureProject({ '.env.development': 'A=1\n', 'p.md': '{{secrets.NEW_KEY}}' });
  assert.deepEqual(
    codeActions(known.project, known.uri('p.md'), [missing], 'development', host).map((a) => a.title),
    ['Add NEW_KEY to .env.development', 'Add NEW_KEY to .env.production'],
  );
});
