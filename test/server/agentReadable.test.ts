import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { CodeActionRequest, FileChangeType, type CodeAction } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

// agent-readable over real LSP: reported on the env file, a quick fix offered, and cleared once the agent's
// ignore file changes on disk (the server watches agent files). No value in any message.

const CANARY = 'sk_dev_serverCanary93value';

test('agent-readable: reported, fixable, and re-decided when .cursorignore changes on disk', async () => {
  const ws = tempWorkspace({
    '.gitignore': '.env*\n',
    'struere.json': '{}',
    '.cursorrules': '',
    '.env.development': `API_KEY=${CANARY}\n`,
  });
  const client = await LspTestClient.start({ folders: [ws.dir] });
  const envUri = fileUri(ws.path('.env.development'));
  try {
    const diagnostics = await client.waitForDiagnostics(envUri, (d) => d.some((x) => x.code === 'agent-readable'));
    const warning = diagnostics.find((d) => d.code === 'agent-readable')!;
    assert.match(String(warning.message), /Cursor/);
    assert.ok(!JSON.stringify(diagnostics).includes(CANARY));
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: envUri },
      range: warning.range,
      context: { diagnostics: [warning] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((action) => action.title),
      ['Keep AI agents out of env files: update .cursorignore'],
    );

    writeFileSync(ws.path('.cursorignore'), '.env\n.env.*\n!.env.example\n');
    await client.filesChanged([{ uri: fileUri(ws.path('.cursorignore')), type: FileChangeType.Created }]);
    await client.waitForDiagnostics(
      envUri,
      (d) => !d.some((x) => x.code === 'agent-readable'),
      'agent-readable to clear',
    );
  } finally {
    await client.stop();
    ws.dispose();
  }
});
