import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocumentDiagnosticRequest, type Diagnostic } from 'vscode-languageserver-protocol';
import { LineIndex } from '../../engine/core/base/text';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

/**
 * An edit of an open prompt rescans only the lines it touched (engine/core/lineEdits.ts, the LineEdit the server
 * builds from the editor's change). Oracle: the same text sent whole to a second open prompt, scanned in full.
 * Every reference names an unset key, so every reference's range is in the diagnostics compared.
 */
test('incremental edits of a big prompt leave the diagnostics a full scan of the same text gives', async () => {
  const lines = Array.from({ length: 2000 }, (_, i) => `Line ${i}: {{secrets.MISSING_${i % 7}}} and <<secrets.X>>.`);
  let text = lines.join('\n') + '\n';
  const ws = tempWorkspace({ 'struere.json': '{}', '.env.development': 'SET=1\n', 'agents/keep.md': 'x' });
  const client = await LspTestClient.start({ folders: [ws.dir], pull: true });
  const edited = fileUri(ws.path('agents/edited.md'));
  const oracle = fileUri(ws.path('agents/oracle.md'));
  const diagnosticsOf = async (uri: string): Promise<Diagnostic[]> => {
    const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    return report.kind === 'full' ? report.items : [];
  };
  try {
    await client.open(edited, text, 'markdown');
    await client.open(oracle, text, 'markdown');
    const at = (line: number, character: number) => new LineIndex(text).offsetAt({ line, character });
    const edits: [string, number, number, string][] = [
      ['start: a new reference', 0, 0, '{{secrets.NEW}} '],
      ['again at the start: the model is now of the edited text', 0, 0, 'x'],
      ['middle: split a reference', at(1000, 20), at(1000, 20), '}} y {{secrets.'],
      ['middle: join two lines into one reference', at(1200, 30), at(1201, 10), ''],
      [
        'multi-line: 100 lines replaced by 3, with \\r\\n and a lone \\r',
        at(300, 0),
        at(400, 0),
        'a\n{{secrets.B}}\r\nb\r',
      ],
      ['a line break inserted inside a key', at(50, 22), at(50, 22), '\n'],
      ['end: the last line removed', at(1898, 0), text.length, ''],
      ['end: a line appended', text.length, text.length, 'last {{secrets.END}}\n'],
    ];
    let before: Diagnostic[] = await diagnosticsOf(edited);
    for (const [name, start, end, inserted] of edits) {
      const lineIndex = new LineIndex(text);
      await client.change(edited, [{ range: lineIndex.rangeOf(start, end), text: inserted }]);
      text = text.slice(0, start) + inserted + text.slice(end);
      await client.change(oracle, [{ text }]);
      const [incremental, full] = [await diagnosticsOf(edited), await diagnosticsOf(oracle)];
      assert.deepEqual(incremental, full, name);
      // Control: each edit changes the diagnostics, so a model left as it was would not pass the comparison.
      assert.notDeepEqual(before, full, `${name} (control)`);
      before = incremental;
    }
  } finally {
    await client.stop();
    ws.dispose();
  }
});
