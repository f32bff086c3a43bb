import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import { Commands } from '../../../engine/core/features/commands';
import { createSecretsService, NO_OPEN_DOCUMENTS, ServiceRefusal } from '../../../engine/core/service';
import { envFileState } from '../../../engine/core/model/workspaceIndex';
import { actionTargets, editTargets } from '../../../engine/core/features/writableEdits';
import { fixtureProject } from '../../support/coreFixtures';

// The core offers only edits whose every target the host's safe writer would accept (SecretsServiceHost.writable).

function serviceWith(writable: (uri: string) => boolean) {
  const fixture = fixtureProject({
    '.env.development': 'A=1\n',
    '.env.production': 'A=2\n',
    'a.md': '{{secrets.A}} {{secrets.MISSING}}',
  });
  const service = createSecretsService(fixture.index, {
    documents: NO_OPEN_DOCUMENTS,
    gitStatus: () => ({ ignored: true, tracked: false }),
    projectGitignore: () => undefined,
    isAgentFile: () => true,
    isCommitted: () => true,
    putEnvText: (uri, text) => fixture.index.setEnvFile(uri, text),
    putAgentText: (uri, text) => void fixture.index.setAgentFile(uri, text),
    envFileOutsideProjects: (uri, text) => envFileState(uri, text, undefined),
    writable,
  });
  return { service, fixture };
}

function missingFixes(writable: (uri: string) => boolean): string[] {
  const { service, fixture } = serviceWith(writable);
  const diagnostics: Diagnostic[] = service.diagnose(fixture.uri('a.md'));
  return service.codeActions(fixture.uri('a.md'), diagnostics).map((action) => action.title);
}

test('a quick fix whose edit targets a file the writer refuses is not offered; rename is refused', () => {
  assert.deepEqual(
    missingFixes((uri) => !uri.endsWith('/.env.development')),
    ['Add MISSING to .env.production'],
  );
  const { service, fixture } = serviceWith((uri) => !uri.endsWith('/.env.production'));
  assert.throws(
    () => service.rename(fixture.uri('a.md'), { line: 0, character: 11 }, 'RENAMED'),
    (error: unknown) => error instanceof ServiceRefusal && /\.env\.production/.test(error.message),
  );
});

test('control: with every file writable the same fixes and the rename are there', () => {
  assert.deepEqual(
    missingFixes(() => true),
    ['Add MISSING to .env.development', 'Add MISSING to .env.production'],
  );
  const { service, fixture } = serviceWith(() => true);
  assert.ok(service.rename(fixture.uri('a.md'), { line: 0, character: 11 }, 'RENAMED'));
});

test('targets: text edits, changes, created, renamed and deleted files, and the move-secret command', () => {
  assert.deepEqual(
    editTargets({
      changes: { 'file:///p/a': [] },
      documentChanges: [
        { textDocument: { uri: 'file:///p/b', version: null }, edits: [] },
        { kind: 'create', uri: 'file:///p/c' },
        { kind: 'rename', oldUri: 'file:///p/d', newUri: 'file:///p/e' },
        { kind: 'delete', uri: 'file:///p/f' },
      ],
    }),
    ['file:///p/a', 'file:///p/b', 'file:///p/c', 'file:///p/d', 'file:///p/e', 'file:///p/f'],
  );
  const move: CodeAction = {
    title: 'Move',
    command: {
      title: 'Move',
      command: Commands.moveSecretToEnv,
      arguments: [{ envUri: 'file:///p/.env.development', gitignoreUri: 'file:///p/.gitignore' }],
    },
  };
  assert.deepEqual(actionTargets(move), ['file:///p/.env.development', 'file:///p/.gitignore']);
});
