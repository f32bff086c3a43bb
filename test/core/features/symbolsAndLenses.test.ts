import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClientFeatures } from '../../../engine/core/service';
import { fixtureService, fresh } from '../../support/coreFixtures';

test('outline of an .env file and workspace symbols, names only', () => {
  const { service, fixture } = fixtureService({
    '.env.development': 'export KEY="v"\nOTHER=1\n',
    '.env.production': 'KEY=1\n',
    'a.md': '{{secrets.KEY}} {{secrets.KEY}}',
    't.ts': 'context.secrets.KEY',
  });
  const outline = service.documentSymbols(fixture.uri('.env.development'));
  assert.deepEqual(
    outline.map((s) => [s.name, s.detail]),
    [
      ['KEY', 'export'],
      ['OTHER', ''],
    ],
  );
  assert.ok(!JSON.stringify(outline).includes('"v"'));
  assert.deepEqual(
    service
      .workspaceSymbols('ky')
      .map((s) => `${s.name}@${s.containerName}`)
      .sort(),
    ['KEY@.env.development', 'KEY@.env.production'],
  );
});

const VSCODE: ClientFeatures = { completionItemDefaults: true, codicons: true, clientCommands: true };
const PLAIN: ClientFeatures = { completionItemDefaults: false, codicons: false, clientCommands: false };
const LENS_FILES = { '.env.development': 'A=1\nB=2\n', '.env.production': 'A=1\n', '.env.local': 'A=1\n' };

/** The code lenses of `name` as (title, command) pairs, from the service a client with `client`'s features has. */
function lensesFor(client: ClientFeatures) {
  const { service, fixture } = fixtureService(LENS_FILES, {
    client,
    remote: { development: fresh('A', 'REMOTE_ONLY') },
  });
  return (name: string) => service.codeLenses(fixture.uri(name)).map((l) => [l.command!.title, l.command!.command]);
}

test('code lenses for our client: sync or deploy, what the server lacks when known, and the cloak toggle', () => {
  const lenses = lensesFor(VSCODE);
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
  const lenses = lensesFor(PLAIN);
  assert.deepEqual(lenses('.env.development'), [
    ['Feeds development (+ eval)', ''],
    ['1 key not on the server yet · 1 remote-only kept (fresh)', ''],
  ]);
  assert.deepEqual(lenses('.env.production'), [['Feeds production', '']]);
  assert.deepEqual(lenses('.env.local'), []);
  // Codicons without our commands (a VS Code-based editor with another client): still nothing to run.
  assert.deepEqual(lensesFor({ ...PLAIN, codicons: true })('.env.production'), [['Feeds production', '']]);
});
