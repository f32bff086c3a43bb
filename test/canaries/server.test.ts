import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  CompletionResolveRequest,
  DefinitionRequest,
  DocumentSymbolRequest,
  HoverRequest,
  ReferencesRequest,
  WorkspaceSymbolRequest,
  type CompletionItem,
  type CompletionList,
} from 'vscode-languageserver-protocol';
import { SecretStatusRequest } from '../../engine/protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

const CANARY = 'CANARY_7c1e_value';

test('no value from an .env file crosses the LSP connection, whatever feature runs', async () => {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.env.development': `PLAIN=${CANARY}_plain\nQUOTED="${CANARY}_quoted"\nMULTI="${CANARY}_a\n${CANARY}_b"\nDUP=${CANARY}_dup1\nDUP=${CANARY}_dup2\n1BAD=${CANARY}_bad\nBROKEN="${CANARY}_open\nexport EXP='${CANARY}_exp'\n`,
    '.env.production': `PLAIN=${CANARY}_prod\n`,
    'agents/a.ts':
      'export const p = `{{secrets.PLAIN}} {{secrets.QUOTED}} <<secrets.MULTI>> {{secrets.MISSING}}`;\nconst t = (context) => context.secrets.DUP;\n',
  });
  const client = await LspTestClient.start({ folders: [ws.dir], pull: false, itemDefaults: true });
  const agent = fileUri(ws.path('agents/a.ts'));
  const env = fileUri(ws.path('.env.development'));
  try {
    await client.waitForDiagnostics(env, (d) => d.length > 0);
    const diagnostics = await client.waitForDiagnostics(agent, (d) => d.length > 0);
    for (let character = 17; character < 90; character += 3) {
      await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: agent },
        position: { line: 0, character },
      });
      await client.connection.sendRequest(DefinitionRequest.type, {
        textDocument: { uri: agent },
        position: { line: 0, character },
      });
      await client.connection.sendRequest(ReferencesRequest.type, {
        textDocument: { uri: agent },
        position: { line: 0, character },
        context: { includeDeclaration: true },
      });
    }
    const text =
      'export const p = `{{secrets.PLAIN}} {{secrets.QUOTED}} <<secrets.MULTI>> {{secrets.MISSING}}`;\nconst t = (context) => context.secrets.DUP;\n';
    await client.open(agent, text, 'typescript');
    const list = (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: agent },
      position: { line: 0, character: 28 },
    })) as CompletionList;
    for (const item of list.items as CompletionItem[])
      await client.connection.sendRequest(CompletionResolveRequest.type, { ...item, data: list.itemDefaults?.data });
    await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: agent },
      range: diagnostics[0].range,
      context: { diagnostics },
    });
    for (let line = 0; line < 9; line++)
      await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: env },
        position: { line, character: 1 },
      });
    await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: env } });
    await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: env } });
    await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: '' });
    await client.connection.sendRequest(SecretStatusRequest.method, { projectUri: fileUri(ws.dir) });
    const everything = client.received.join('') + client.stderr.join('');
    assert.ok(everything.length > 10_000, 'the features answered');
    assert.ok(!everything.includes(CANARY), 'a value reached an LSP message');
  } finally {
    await client.stop();
    ws.dispose();
  }
});
