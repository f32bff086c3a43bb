import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CodeActionRequest,
  DocumentDiagnosticRequest,
  type CodeAction,
  type TextDocumentEdit,
  type TextEdit,
} from 'vscode-languageserver-protocol';
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

/** The "Ignore on this line" quick fix over real LSP: applied as the editor would, the finding goes. */
test('the ignore quick fix, applied through didChange, silences a leaked value in an open prompt', async () => {
  // A made-up credential of realistic shape: credential-like, so leaked-value looks for it.
  const token = 'Zq8Rt2Lm9Xv4Kp7Wn3Bd6Hs1Jf5Gc0Ty';
  const ws = tempWorkspace({ 'struere.json': '{}', '.env.development': `API_TOKEN=${token}\n`, 'agents/p.md': 'x' });
  const client = await LspTestClient.start({ folders: [ws.dir] });
  const uri = fileUri(ws.path('agents/p.md'));
  const codes = (diagnostics: { code?: number | string }[]) => diagnostics.map((d) => String(d.code));
  try {
    await client.open(uri, `Intro\n  Use ${token} here\n`, 'markdown');
    // Control: the finding is there before the fix.
    const [leaked] = await client.waitForDiagnostics(uri, (d) => codes(d).includes('leaked-value'));
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: leaked!.range,
      context: { diagnostics: [leaked!] },
    })) as CodeAction[];
    const ignore = actions.find((a) => a.title === 'Ignore leaked-value on this line (struere-secrets-ignore comment)');
    assert.ok(ignore, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(!JSON.stringify(actions).includes(token));
    const change = ignore.edit!.documentChanges![0] as TextDocumentEdit;
    const edits = change.edits as TextEdit[];
    assert.deepEqual(change.textDocument, { uri, version: 1 });
    assert.deepEqual(
      edits.map((edit) => edit.newText),
      ['  <!-- struere-secrets-ignore leaked-value -->\n'],
    );
    await client.change(
      uri,
      edits.map((edit) => ({ range: edit.range, text: edit.newText })),
    );
    // Gone, and the new comment is not itself reported as unused.
    await client.waitForDiagnostics(uri, (d) => d.length === 0, 'the leaked-value to be silenced');
  } finally {
    await client.stop();
    ws.dispose();
  }
});
