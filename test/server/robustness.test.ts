import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  DidOpenTextDocumentNotification,
  ErrorCodes,
  HoverRequest,
  ReferencesRequest,
  RenameRequest,
  type Diagnostic,
} from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import {
  IndexStatsRequest,
  SetEnvironmentNotification,
  SetRemoteNamesNotification,
  type IndexStatsResult,
} from '../../engine/protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

const keysOf = (diagnostics: Diagnostic[]) => diagnostics.map((d) => (d.data as { key?: string })?.key).sort();

/** The server still answers: a request sent now gets a response (a dead server never answers, the wait fails). */
async function assertAlive(client: LspTestClient): Promise<void> {
  const exited = new Promise<string>((resolve) => client.process.once('exit', (code) => resolve(`exited (${code})`)));
  const stats = client.connection.sendRequest(IndexStatsRequest.type).then((s) => s as IndexStatsResult);
  const outcome = await Promise.race([stats, exited]);
  assert.notEqual(typeof outcome, 'string', `the server ${String(outcome)}; stderr:\n${client.stderr.join('')}`);
}

test('a document the server cannot diagnose, in deferred work, is logged; the server lives on', async () => {
  const ws = tempWorkspace({ 'struere.json': '{}', '.env.development': 'A=1\n', 'p.md': '{{secrets.B}}' });
  const client = await LspTestClient.start({ folders: [ws.dir] });
  try {
    const prompt = fileUri(ws.path('p.md'));
    await client.waitForDiagnostics(prompt, (d) => d.length === 1);
    // A URI whose file name is not valid percent-encoding: decoding it throws, in the diagnostics flush that a
    // later re-diagnosis of every open document runs outside any request.
    const broken = `${fileUri(ws.dir)}/%E0%A4%A.env`;
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: broken, languageId: 'dotenv', version: 1, text: 'X=1\n' },
    });
    await client.connection.sendNotification(SetEnvironmentNotification.type, { environment: 'production' });
    // The same flush still publishes the files it can diagnose.
    await client.waitForDiagnostics(prompt, (d) => d.length === 1 && /production/.test(String(d[0].message)));
    await assertAlive(client);
    await client.waitFor(() => client.stderr.join('').includes('URI malformed'), 'the failure to be logged');
  } finally {
    await client.stop();
    ws.dispose();
  }
});

test('notifications with wrongly typed params are ignored with a log line; the server lives on', async () => {
  const ws = tempWorkspace({ 'struere.json': '{}', '.env.development': 'A=1\n', 'p.md': '{{secrets.B}}' });
  const client = await LspTestClient.start({ folders: [ws.dir] });
  try {
    const prompt = fileUri(ws.path('p.md'));
    await client.waitForDiagnostics(prompt, (d) => d.length === 1);
    const project = fileUri(ws.dir);
    const bad: [string, unknown][] = [
      // B listed remotely, but in a list of no known state: it must not count as set.
      [
        SetRemoteNamesNotification.method,
        { projectUri: project, lists: { production: { state: 'bogus', names: ['B'] } } },
      ],
      [SetRemoteNamesNotification.method, { projectUri: project, lists: { production: { state: 'fresh', names: 7 } } }],
      [SetRemoteNamesNotification.method, { projectUri: 5, lists: 'x' }],
      [SetEnvironmentNotification.method, { environment: 42 }],
      [DidChangeWatchedFilesNotification.method, { changes: null }],
      [DidChangeWatchedFilesNotification.method, { changes: [{ uri: 3, type: 'x' }] }],
      [DidChangeWorkspaceFoldersNotification.method, { event: { added: 'x' } }],
      [
        DidOpenTextDocumentNotification.method,
        { textDocument: { uri: 42, languageId: 'dotenv', version: 1, text: 7 } },
      ],
    ];
    for (const [method, params] of bad) await client.connection.sendNotification(method, params);
    await client.connection.sendNotification(SetEnvironmentNotification.type, { environment: 'production' });
    await client.waitForDiagnostics(prompt, (d) => /production/.test(String(d[0]?.message)), 'the good notification');
    assert.deepEqual(keysOf(client.diagnostics.get(prompt)!), ['B'], 'the malformed lists did not make B set');
    await assertAlive(client);
    // Control: the same notification, well-formed, is applied.
    await client.connection.sendNotification(SetRemoteNamesNotification.type, {
      projectUri: project,
      lists: {
        development: { state: 'unknown', names: [], reason: 'no API key' },
        eval: { state: 'unknown', names: [], reason: 'no API key' },
        production: { state: 'fresh', names: ['B'], fetchedAt: Date.now() },
      },
    });
    await client.waitForDiagnostics(prompt, (d) => d.length === 0, 'B to count as set in production');
    assert.match(client.stderr.join(''), /set remote names: ignored \(malformed parameters\)/);
  } finally {
    await client.stop();
    ws.dispose();
  }
});

test('requests with malformed params get InvalidParams, not a crash and not a silent empty answer', async () => {
  const ws = tempWorkspace({ 'struere.json': '{}', '.env.development': 'A=1\n', 'p.md': '{{secrets.A}}' });
  const client = await LspTestClient.start({ folders: [ws.dir] });
  try {
    const prompt = fileUri(ws.path('p.md'));
    const malformed: [string, unknown][] = [
      [HoverRequest.method, { textDocument: {}, position: 'x' }],
      [HoverRequest.method, { textDocument: { uri: prompt }, position: { line: -1, character: 0 } }],
      [ReferencesRequest.method, { textDocument: { uri: prompt }, position: { line: 0, character: 11 } }],
      [RenameRequest.method, { textDocument: { uri: prompt }, position: { line: 0, character: 11 }, newName: 5 }],
    ];
    for (const [method, params] of malformed) {
      await assert.rejects(client.connection.sendRequest(method, params), (error: { code?: number }) => {
        assert.equal(error.code, ErrorCodes.InvalidParams, `${method} ${JSON.stringify(params)}`);
        return true;
      });
    }
    // Control: the same request, well-formed, is answered.
    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: prompt },
      position: { line: 0, character: 11 },
    });
    assert.ok(hover);
    await assertAlive(client);
  } finally {
    await client.stop();
    ws.dispose();
  }
});

test('workspace folders added at run time are indexed; removed ones are dropped', async () => {
  const first = tempWorkspace({ 'struere.json': '{}', '.env.development': 'A=1\n', 'p.md': '{{secrets.FIRST}}' });
  const second = tempWorkspace({ 'struere.json': '{}', '.env.development': 'A=1\n', 'q.md': '{{secrets.SECOND}}' });
  const client = await LspTestClient.start({ folders: [first.dir] });
  const folder = (dir: string) => ({ uri: URI.file(dir).toString(), name: 'folder' });
  try {
    const firstPrompt = fileUri(first.path('p.md'));
    const secondPrompt = fileUri(second.path('q.md'));
    await client.waitForDiagnostics(firstPrompt, (d) => keysOf(d).join() === 'FIRST');
    assert.deepEqual(client.state?.projects, [fileUri(first.dir)]);

    await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [folder(second.dir)], removed: [] },
    });
    await client.waitForDiagnostics(secondPrompt, (d) => keysOf(d).join() === 'SECOND', 'the added folder');
    assert.deepEqual(client.state?.projects.sort(), [fileUri(first.dir), fileUri(second.dir)].sort());

    await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [], removed: [folder(first.dir)] },
    });
    // The removed folder's diagnostics are cleared; the other folder's stay.
    await client.waitForDiagnostics(firstPrompt, (d) => d.length === 0, 'the removed folder to be cleared');
    await client.waitFor(() => client.state?.projects.join() === fileUri(second.dir), 'the project list');
    const stats = (await client.connection.sendRequest(IndexStatsRequest.type)) as IndexStatsResult;
    assert.equal(stats.projects, 1);
    assert.deepEqual(keysOf(client.diagnostics.get(secondPrompt)!), ['SECOND']);
  } finally {
    await client.stop();
    first.dispose();
    second.dispose();
  }
});
