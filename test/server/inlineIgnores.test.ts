import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocumentDiagnosticRequest } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

/** The language server honours struere-secrets-ignore as the CLI does: typed into an open prompt and taken out. */
test('inline ignore typed into an open prompt silences its finding; deleting it brings the finding back', async () => {
  const ws = tempWorkspace({ 'struere.json': '{}', '.env.development': 'SET=1\n', 'agents/p.md': 'x' });
  const client = await LspTestClient.start({ folders: [ws.dir], pull: true });
  const uri = fileUri(ws.path('agents/p.md'));
  const codes = async (): Promise<string[]> => {
    const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    return report.kind === 'full' ? report.items.map((d) => String(d.code)) : [];
  };
  try {
    await client.open(uri, 'Intro\n{{secrets.NOT_SET}}\n', 'markdown');
    // Control: the finding is there before the ignore.
    assert.deepEqual(await codes(), ['missing-secret']);
    const marker = '<!-- struere-secrets-ignore missing-secret -->';
    const intro = { start: { line: 0, character: 5 }, end: { line: 0, character: 5 } };
    await client.change(uri, [{ range: intro, text: ` ${marker}` }]);
    assert.deepEqual(await codes(), []);
    const typed = { start: { line: 0, character: 5 }, end: { line: 0, character: 6 + marker.length } };
    await client.change(uri, [{ range: typed, text: '' }]);
    assert.deepEqual(await codes(), ['missing-secret']);
  } finally {
    await client.stop();
    ws.dispose();
  }
});
