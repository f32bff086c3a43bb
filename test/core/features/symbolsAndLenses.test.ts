import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envCodeLenses } from '../../../engine/core/features/codeLenses';
import { documentSymbols, workspaceSymbols } from '../../../engine/core/features/symbols';
import { fixtureProject, fresh } from '../../support/coreFixtures';

test('outline of an .env file and workspace symbols, names only', () => {
  const fixture = fixtureProject({
    '.env.development': 'export KEY="v"\nOTHER=1\n',
    '.env.production': 'KEY=1\n',
    'a.md': '{{secrets.KEY}} {{secrets.KEY}}',
    't.ts': 'context.secrets.KEY',
  });
  const outline = documentSymbols(fixture.project.envFiles.get(fixture.uri('.env.development'))!);
  assert.deepEqual(
    outline.map((s) => [s.name, s.detail]),
    [
      ['KEY', 'export'],
      ['OTHER', ''],
    ],
  );
  assert.ok(!JSON.stringify(outline).includes('"v"'));
  assert.deepEqual(
    workspaceSymbols(fixture.index, 'ky')
      .map((s) => `${s.name}@${s.containerName}`)
      .sort(),
    ['KEY@.env.development', 'KEY@.env.production'],
  );
});

const VSCODE = { codicons: true, clientCommands: true };
const PLAIN = { codicons: false, clientCommands: false };

test('code lenses for our client: sync or deploy, what the server lacks when known, and the cloak toggle', () => {
  const fixture = fixtureProject(
    { '.env.development': 'A=1\nB=2\n', '.env.production': 'A=1\n', '.env.local': 'A=1\n' },
    { development: fresh('A', 'REMOTE_ONLY') },
  );
  const lenses = (name: string) =>
    envCodeLenses(fixture.project.envFiles.get(fixture.uri(name))!, fixture.project, VSCODE).map((l) => [
      l.command!.title,
      l.command!.command,
    ]);
  assert.deepEqual(lenses('.env.development'), [
    ['$(cloud-upload) Sync to development (+ eval)', 'struere.sync'],
    ['1 key not on the server yet · 1 remote-only kept (fresh)', 'struere.showStatus'],
    ['$(eye-closed) Show / hide values', 'struere.toggleCloak'],
  ]);
  assert.deepEqual(lenses('.env.production'), [
    ['$(rocket) Deploy to production', 'struere.deploy'],
    ['$(eye-closed) Show / hide values', 'struere.toggleCloak'],
  ]);
  assert.deepEqual(lenses('.env.local'), [['$(eye-closed) Show / hide values', 'struere.toggleCloak']]);
});

test('code lenses for any other editor: plain titles, no command to run, nothing about our client', () => {
  const fixture = fixtureProject(
    { '.env.development': 'A=1\nB=2\n', '.env.production': 'A=1\n', '.env.local': 'A=1\n' },
    { development: fresh('A', 'REMOTE_ONLY') },
  );
  const lenses = (name: string, client = PLAIN) =>
    envCodeLenses(fixture.project.envFiles.get(fixture.uri(name))!, fixture.project, client).map((l) => [
      l.command!.title,
      l.command!.command,
    ]);
  assert.deepEqual(lenses('.env.development'), [
    ['Feeds development (+ eval)', ''],
    ['1 key not on the server yet · 1 remote-only kept (fresh)', ''],
  ]);
  assert.deepEqual(lenses('.env.production'), [['Feeds production', '']]);
  assert.deepEqual(lenses('.env.local'), []);
  // Codicons without our commands (a VS Code-based editor with another client): still nothing to run.
  assert.deepEqual(lenses('.env.production', { codicons: true, clientCommands: false }), [['Feeds production', '']]);
});
