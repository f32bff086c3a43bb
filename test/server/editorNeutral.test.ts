import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodeActionRequest, CodeLensRequest, type CodeAction, type CodeLens } from 'vscode-languageserver-protocol';
import { Commands } from '../../engine/core/features/commands';
import { SetRemoteNamesNotification, VSCODE_CLIENT_FEATURES } from '../../engine/protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

const CLIENT_COMMANDS = new Set<string>(Object.values(Commands));

/** Code lenses of .env.development and the quick fixes of a missing secret, as one client sees them. */
async function answersFor(initializationOptions: unknown): Promise<{ lenses: CodeLens[]; actions: CodeAction[] }> {
  const ws = tempWorkspace({
    '.gitignore': '.env*\n',
    'struere.json': '{}',
    '.env.development': 'KEY=dev-value\n',
    '.env.production': 'KEY=prod-value\nPROD_ONLY=1\n',
    'p.md': '{{secrets.PROD_ONLY}}',
  });
  const client = await LspTestClient.start({ folders: [ws.dir], initializationOptions });
  try {
    const list = { state: 'fresh' as const, names: ['KEY', 'REMOTE'], fetchedAt: Date.now() };
    await client.connection.sendNotification(SetRemoteNamesNotification.type, {
      projectUri: fileUri(ws.dir),
      lists: { development: list, eval: list, production: { state: 'unknown', names: [], reason: 'no API key' } },
    });
    const [missing] = await client.waitForDiagnostics(fileUri(ws.path('p.md')), (d) => d.length === 1);
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: fileUri(ws.path('.env.development')) },
    });
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: fileUri(ws.path('p.md')) },
      range: missing.range,
      context: { diagnostics: [missing] },
    })) as CodeAction[];
    return { lenses: lenses ?? [], actions };
  } finally {
    await client.stop();
    ws.dispose();
  }
}

test('a client that announces our features gets codicons and our commands in lenses and quick fixes', async () => {
  const { lenses, actions } = await answersFor({ clientFeatures: VSCODE_CLIENT_FEATURES });
  assert.deepEqual(
    lenses.map((lens) => [lens.command?.title, lens.command?.command]),
    [
      ['$(cloud-upload) Sync to development (+ eval)', Commands.sync],
      ['0 keys not on the server yet · 1 remote-only kept (fresh)', Commands.showStatus],
      ['$(eye-closed) Show / hide values', Commands.toggleCloak],
    ],
  );
  assert.deepEqual(
    actions.map((action) => [action.title, action.command?.command]),
    [
      ['Add PROD_ONLY to .env.development', Commands.revealPosition],
      ['Switch to production (PROD_ONLY is set there)', Commands.selectEnvironment],
    ],
  );
});

test('any other editor gets plain titles and nothing it cannot run', async () => {
  for (const initializationOptions of [undefined, { clientFeatures: 'yes' }, { clientFeatures: { codicons: 1 } }]) {
    const { lenses, actions } = await answersFor(initializationOptions);
    assert.deepEqual(
      lenses.map((lens) => [lens.command?.title, lens.command?.command]),
      [
        ['Feeds development (+ eval)', ''],
        ['0 keys not on the server yet · 1 remote-only kept (fresh)', ''],
      ],
      JSON.stringify(initializationOptions),
    );
    assert.ok(!JSON.stringify(lenses).includes('$('), 'no codicon');
    // The edit stays; the follow-up command that only our client runs goes, and so does a command-only fix.
    assert.deepEqual(
      actions.map((action) => [action.title, action.command, action.edit !== undefined]),
      [['Add PROD_ONLY to .env.development', undefined, true]],
    );
    const commands = [...lenses.map((lens) => lens.command?.command), ...actions.map((a) => a.command?.command)];
    assert.ok(commands.every((command) => command === undefined || !CLIENT_COMMANDS.has(command)));
  }
});
