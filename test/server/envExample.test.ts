import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodeActionRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

// env-example over real LSP: published on the env files and on the template, re-published on both sides when
// the template changes, with the "Add KEY to .env.example" quick fix.

const keys = (diagnostics: Diagnostic[]) =>
  diagnostics
    .filter((d) => d.code === 'env-example')
    .map((d) => (d.data as { key: string }).key)
    .sort();

void test('env-example diagnostics follow edits of .env.example, and the quick fix adds the name only', async (t) => {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env.development\n',
    '.env.development': 'A=canary-a-value\nB=canary-b-value\n',
    '.env.example': 'A=\nOLD=\n',
  });
  const client = await LspTestClient.start({ folders: [ws.dir] });
  t.after(async () => {
    await client.stop();
    ws.dispose();
  });
  const development = fileUri(ws.path('.env.development'));
  const example = fileUri(ws.path('.env.example'));
  const onDevelopment = await client.waitForDiagnostics(development, (d) => keys(d).join() === 'B');
  await client.waitForDiagnostics(example, (d) => keys(d).join() === 'OLD');

  const diagnostic = onDevelopment.find((d) => d.code === 'env-example')!;
  const actions = (await client.connection.sendRequest(CodeActionRequest.method, {
    textDocument: { uri: development },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  })) as CodeAction[];
  const fix = actions.find((action) => action.title === 'Add B to .env.example');
  assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
  assert.ok(!JSON.stringify(fix).includes('canary'));
  assert.match(JSON.stringify(fix.edit), /"newText":"\\nB=\\n"|"newText":"B=\\n"/);

  // The template gains B and loses OLD (edited in the editor): both files are diagnosed again.
  await client.open(example, 'A=\nOLD=\n', 'dotenv');
  await client.change(example, [{ text: 'A=\nB=\n' }]);
  await client.waitForDiagnostics(development, (d) => keys(d).length === 0, 'B to leave .env.development');
  await client.waitForDiagnostics(example, (d) => keys(d).length === 0, 'OLD to leave .env.example');
});
