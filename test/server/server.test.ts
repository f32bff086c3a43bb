import assert from 'node:assert/strict';
import { writeFileSync, unlinkSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  CancellationTokenSource,
  type CancellationToken,
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  CompletionResolveRequest,
  DocumentSymbolRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  type CodeAction,
  type TextDocumentEdit,
  type CompletionList,
  DefinitionRequest,
  DocumentDiagnosticRequest,
  FileChangeType,
  HoverRequest,
  WorkspaceDiagnosticRequest,
  type CompletionItem,
  type Diagnostic,
  type Location,
  type MarkupContent,
} from 'vscode-languageserver-protocol';
import {
  IndexStatsRequest,
  SecretStatusRequest,
  SetEnvironmentNotification,
  SetRemoteNamesNotification,
  VSCODE_CLIENT_FEATURES,
  VSCODE_SERVER_EXEC_ARGV,
  type IndexStatsResult,
} from '../../engine/protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

const keysOf = (diagnostics: Diagnostic[], code = 'missing-secret') =>
  diagnostics
    .filter((d) => d.code === code)
    .map((d) => (d.data as { key: string }).key)
    .sort();

function workspaceFiles() {
  return {
    '.gitignore': '.env.production\n',
    'app/struere.json': '{"name":"app"}',
    'app/.env.development': 'DEV_KEY=dev-secret-value\nSHARED=shared-dev-value\n',
    'app/.env.production': 'PROD_KEY=prod-secret-value\nSHARED=shared-prod-value\n1BAD=x\n',
    'app/agents/main.ts': 'export const prompt = `{{secrets.DEV_KEY}} {{ secrets.PROD_KEY }} <<secrets.SHARED>>`;\n',
    'app/tools/t.ts': 'export const run = (context) => context.secrets["PROD_KEY"];\n',
    'app/node_modules/dep/index.ts': '{{secrets.IGNORED_DEPENDENCY}}',
    'app/packages/inner/struere.json': '{"name":"inner"}',
    'app/packages/inner/.env.development': 'INNER_ONLY=1\n',
    'app/packages/inner/prompt.md': '{{secrets.INNER_ONLY}} {{secrets.DEV_KEY}}',
  };
}

for (const mode of ['push', 'pull'] as const) {
  describe(`server over stdio (${mode} diagnostics)`, () => {
    const ws = tempWorkspace(workspaceFiles());
    let client: LspTestClient;
    const uri = (name: string) => fileUri(ws.path(name));

    before(async () => {
      client = await LspTestClient.start({ folders: [ws.dir], pull: mode === 'pull' });
    });
    after(async () => {
      await client.stop();
      ws.dispose();
    });

    async function diagnosticsOf(
      name: string,
      predicate: (d: Diagnostic[]) => boolean = () => true,
    ): Promise<Diagnostic[]> {
      if (mode === 'push') return client.waitForDiagnostics(uri(name), predicate);
      // Pull clients ask; refresh requests tell them when to ask again.
      for (let attempt = 0; attempt < 50; attempt++) {
        const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
          textDocument: { uri: uri(name) },
        });
        const items = report.kind === 'full' ? report.items : [];
        if (predicate(items)) return items;
        const refreshes = client.refreshCount;
        await client.waitFor(() => client.refreshCount > refreshes, 'a diagnostic refresh');
      }
      throw new Error('diagnostics never matched');
    }

    test('indexes every project on start, not only open documents, and skips excluded folders', async () => {
      const { memory, ...stats } = (await client.connection.sendRequest(IndexStatsRequest.method)) as IndexStatsResult;
      assert.deepEqual(stats, { projects: 2, envFiles: 3, agentFiles: 3, references: 6 });
      assert.ok(memory.rss > memory.heapUsed && memory.heapUsed > 0);
      assert.deepEqual(keysOf(await diagnosticsOf('app/agents/main.ts', (d) => d.length > 0)), ['PROD_KEY']);
      assert.deepEqual(keysOf(await diagnosticsOf('app/tools/t.ts', (d) => d.length > 0)), ['PROD_KEY']);
      const env = await diagnosticsOf('app/.env.production', (d) => d.length > 0);
      // .env.production is ignored by the root .gitignore; PROD_KEY is not in .env.development. 1BAD is invalid-key's
      // alone, with no key in its data (an invalid name may be a pasted value).
      assert.deepEqual(env.map((d) => `${d.code}:${(d.data as { key?: string } | undefined)?.key ?? ''}`).sort(), [
        'env-parity:PROD_KEY',
        'invalid-key:',
      ]);
      const dev = await diagnosticsOf('app/.env.development', (d) => d.length > 0);
      assert.deepEqual(dev.map((d) => `${d.code}:${(d.data as { key?: string } | undefined)?.key ?? ''}`).sort(), [
        'env-parity:DEV_KEY',
        'not-gitignored:',
      ]);
      assert.equal(dev.find((d) => d.code === 'env-parity')!.severity, 3, 'parity is information');
    });

    test('a file belongs to the nearest project', async () => {
      assert.deepEqual(keysOf(await diagnosticsOf('app/packages/inner/prompt.md', (d) => d.length > 0)), ['DEV_KEY']);
    });

    if (mode === 'pull') {
      const pullWorkspace = (previousResultIds: { uri: string; value: string }[], token?: CancellationToken) =>
        client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds }, token);
      const heldIds = (items: { uri: string; resultId?: string }[]) =>
        items.map((item) => ({ uri: item.uri, value: item.resultId! }));
      /** Whether `pending` is still unanswered once a request sent after it is: answers come back in order. */
      const stillHeld = async (pending: Promise<unknown>) => {
        let answered = false;
        void pending.then(() => (answered = true)).catch(() => (answered = true));
        await client.connection.sendRequest(IndexStatsRequest.type);
        return !answered;
      };

      test('a workspace pull holding every current report is held until a change, then sends what changed', async () => {
        const first = await pullWorkspace([]);
        const main = first.items.find((item) => item.uri === uri('app/agents/main.ts'));
        assert.ok(main && main.kind === 'full' && keysOf(main.items).join() === 'PROD_KEY');
        const held = heldIds(first.items);
        // Control: a pull missing one file's report is answered at once, with that file alone.
        const missingOne = await pullWorkspace(held.filter((item) => item.uri !== uri('app/tools/t.ts')));
        assert.deepEqual(
          missingOne.items.map((item) => item.uri),
          [uri('app/tools/t.ts')],
        );
        const again = pullWorkspace(held);
        assert.ok(await stillHeld(again), 'nothing changed: the pull waits');
        // PROD_KEY set in development: the files referencing it change, the others are not sent.
        const envUri = uri('app/.env.development');
        const envText = 'DEV_KEY=dev-secret-value\nSHARED=shared-dev-value\n';
        await client.open(envUri, envText, 'dotenv');
        await client.change(envUri, [{ text: `${envText}PROD_KEY=now-in-dev\n` }]);
        const changed = await again;
        const sent = new Map(changed.items.map((item) => [item.uri, item]));
        const tool = sent.get(uri('app/tools/t.ts'));
        assert.ok(tool && tool.kind === 'full' && tool.items.length === 0, 't.ts: PROD_KEY is set now');
        assert.ok(!sent.has(uri('app/packages/inner/prompt.md')), 'prompt.md references no changed key');
        assert.ok(!sent.has(envUri), 'an open file is pulled on its own');
        await client.change(envUri, [{ text: envText }]);
        await client.close(envUri);
      });

      test('a held workspace pull ends when cancelled, and a deleted file is cleared', async () => {
        const gonePath = ws.write('app/agents/gone.md', '{{secrets.GONE_KEY}}\n');
        await client.filesChanged([{ uri: fileUri(gonePath), type: FileChangeType.Created }]);
        await diagnosticsOf('app/agents/gone.md', (d) => keysOf(d).join() === 'GONE_KEY');
        const current = await pullWorkspace([]);
        const held = heldIds(current.items);
        assert.ok(held.some((item) => item.uri === fileUri(gonePath)));
        const cancellation = new CancellationTokenSource();
        const cancelled = pullWorkspace(held, cancellation.token);
        assert.ok(await stillHeld(cancelled));
        cancellation.cancel();
        await assert.rejects(cancelled, /cancelled/i);
        const waiting = pullWorkspace(held);
        unlinkSync(gonePath);
        await client.filesChanged([{ uri: fileUri(gonePath), type: FileChangeType.Deleted }]);
        const cleared = (await waiting).items.find((item) => item.uri === fileUri(gonePath));
        assert.ok(cleared && cleared.kind === 'full' && cleared.items.length === 0, 'the deleted file is cleared');
        // Control: once the client holds the empty report, the file is not sent again.
        const stop = new CancellationTokenSource();
        const next = pullWorkspace(
          heldIds([...current.items.filter((item) => item.uri !== cleared.uri), cleared]),
          stop.token,
        );
        assert.ok(await stillHeld(next));
        stop.cancel();
        await assert.rejects(next, /cancelled/i);
      });

      test('two pulls held at once both send a change: one answer may be cancelled', async () => {
        const held = heldIds((await pullWorkspace([])).items);
        const first = pullWorkspace(held);
        const second = pullWorkspace(held);
        assert.ok((await stillHeld(first)) && (await stillHeld(second)));
        const envUri = uri('app/.env.development');
        const envText = 'DEV_KEY=dev-secret-value\nSHARED=shared-dev-value\n';
        await client.open(envUri, envText, 'dotenv');
        await client.change(envUri, [{ text: `${envText}PROD_KEY=now-in-dev\n` }]);
        // The first pull reports the tool's new id; the second's client holds the old one until it has an answer.
        const answered = await first;
        assert.ok(!(await stillHeld(second)), 'the same change answers the second pull');
        for (const answer of [answered, await second]) {
          const tool = answer.items.find((item) => item.uri === uri('app/tools/t.ts'));
          assert.ok(tool && tool.kind === 'full' && tool.items.length === 0, 'each answer names t.ts');
        }
        await client.change(envUri, [{ text: envText }]);
        await client.close(envUri);
      });
    }

    test('switching the environment re-diagnoses', async () => {
      await client.connection.sendNotification(SetEnvironmentNotification.method, { environment: 'production' });
      assert.deepEqual(keysOf(await diagnosticsOf('app/agents/main.ts', (d) => keysOf(d).join() === 'DEV_KEY')), [
        'DEV_KEY',
      ]);
      assert.deepEqual(await diagnosticsOf('app/tools/t.ts', (d) => d.length === 0), []);
      await client.connection.sendNotification(SetEnvironmentNotification.method, { environment: 'development' });
      await diagnosticsOf('app/agents/main.ts', (d) => keysOf(d).join() === 'PROD_KEY');
    });

    test('an .env edit in the editor re-diagnoses the files that reference the changed keys', async () => {
      const envUri = uri('app/.env.development');
      await client.open(envUri, 'DEV_KEY=dev-secret-value\nSHARED=shared-dev-value\n', 'dotenv');
      await client.change(envUri, [
        { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'PROD_KEY=now-in-dev\n' },
      ]);
      await diagnosticsOf('app/agents/main.ts', (d) => d.length === 0);
      await diagnosticsOf('app/tools/t.ts', (d) => d.length === 0);
      await client.change(envUri, [
        { range: { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } }, text: '' },
      ]);
      await diagnosticsOf('app/agents/main.ts', (d) => keysOf(d).join() === 'PROD_KEY');
      await client.close(envUri);
    });

    test('incremental edits of a prompt update its diagnostics', async () => {
      const promptUri = uri('app/agents/main.ts');
      const text = 'export const prompt = `{{secrets.DEV_KEY}} {{ secrets.PROD_KEY }} <<secrets.SHARED>>`;\n';
      await client.open(promptUri, text, 'typescript');
      const start = text.indexOf('PROD_KEY');
      await client.change(promptUri, [
        { range: { start: { line: 0, character: start }, end: { line: 0, character: start + 8 } }, text: 'NEW_KEY' },
      ]);
      await diagnosticsOf('app/agents/main.ts', (d) => keysOf(d).join() === 'NEW_KEY');
      await client.change(promptUri, [
        { range: { start: { line: 0, character: start }, end: { line: 0, character: start + 7 } }, text: '9bad' },
      ]);
      const diagnostics = await diagnosticsOf('app/agents/main.ts', (d) =>
        d.some((x) => x.code === 'invalid-reference'),
      );
      assert.deepEqual(diagnostics.find((d) => d.code === 'invalid-reference')!.range, {
        start: { line: 0, character: start },
        end: { line: 0, character: start + 4 },
      });
      await client.change(promptUri, [{ text }]);
      await diagnosticsOf('app/agents/main.ts', (d) => keysOf(d).join() === 'PROD_KEY');
    });

    test('completion, hover and definition over LSP', async () => {
      const promptUri = uri('app/agents/main.ts');
      const position = { line: 0, character: 'export const prompt = `{{secrets.'.length };
      const response = await client.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri: promptUri },
        position,
      });
      const replaced = { start: position, end: { line: 0, character: position.character + 'DEV_KEY'.length } };
      let completion: CompletionItem[];
      if (mode === 'pull') {
        // VS Code-like client: one shared edit range for the whole list.
        const list = response as CompletionList;
        assert.deepEqual(list.itemDefaults?.editRange, replaced);
        completion = list.items;
      } else {
        completion = response as CompletionItem[];
        assert.deepEqual(completion[0].textEdit, { range: replaced, newText: completion[0].label });
      }
      assert.deepEqual(
        completion.filter((item) => item.sortText === '0').map((item) => item.label),
        ['DEV_KEY', 'SHARED'],
      );
      const resolved = await client.connection.sendRequest(CompletionResolveRequest.type, {
        ...completion[0],
        data: completion[0].data ?? (response as CompletionList).itemDefaults?.data,
      });
      assert.match((resolved.documentation as MarkupContent).value, /\| development \| set \|/);
      assert.ok(!JSON.stringify([completion, resolved]).includes('secret-value'));

      const hover = await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: promptUri },
        position: { line: 0, character: 36 },
      });
      const markdown = (hover!.contents as MarkupContent).value;
      assert.match(markdown, /\*\*DEV_KEY\*\*/);
      assert.match(markdown, /production \| not set/);
      assert.ok(!markdown.includes('dev-secret-value'));

      const definition = (await client.connection.sendRequest(DefinitionRequest.type, {
        textDocument: { uri: promptUri },
        position: { line: 0, character: 36 },
      })) as Location[];
      assert.deepEqual(definition, [
        {
          uri: uri('app/.env.development'),
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 7 } },
        },
      ]);
      await client.close(promptUri);
    });

    test('a file changed on disk is re-read', async () => {
      const toolPath = ws.write('app/tools/t.ts', 'export const run = (context) => context.secrets.DISK_KEY;\n');
      await client.filesChanged([{ uri: fileUri(toolPath), type: FileChangeType.Changed }]);
      assert.deepEqual(keysOf(await diagnosticsOf('app/tools/t.ts', (d) => keysOf(d).join() === 'DISK_KEY')), [
        'DISK_KEY',
      ]);
      const envPath = ws.write('app/.env.development', 'DEV_KEY=1\nSHARED=2\nDISK_KEY=3\n');
      await client.filesChanged([{ uri: fileUri(envPath), type: FileChangeType.Changed }]);
      await diagnosticsOf('app/tools/t.ts', (d) => d.length === 0);
      unlinkSync(envPath);
      await client.filesChanged([{ uri: fileUri(envPath), type: FileChangeType.Deleted }]);
      const after = await diagnosticsOf('app/tools/t.ts', (d) => d.length === 1);
      assert.match(String(after[0].message), /there is no \.env\.development/);
    });

    test('a new project appearing on disk is indexed', async () => {
      ws.write('second/.env.development', 'ONLY_HERE=1\n');
      ws.write('second/prompt.md', '{{secrets.ONLY_HERE}} {{secrets.NOT_HERE}}');
      const manifest = ws.write('second/struere.json', '{}');
      await client.filesChanged([{ uri: fileUri(manifest), type: FileChangeType.Created }]);
      assert.deepEqual(keysOf(await diagnosticsOf('second/prompt.md', (d) => d.length > 0)), ['NOT_HERE']);
    });
  });
}

describe('workspace pulls of a workspace larger than one slice', () => {
  const prompts = 700; // three slices of a pass
  const files: Record<string, string> = { 'struere.json': '{}', '.env.development': 'A=1\n' };
  for (let i = 0; i < prompts; i++) files[`agents/p${i}.md`] = `{{secrets.A}} {{secrets.MISSING_${i}}}`;
  const ws = tempWorkspace(files);
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start({ folders: [ws.dir], pull: true });
  });
  after(async () => {
    await client.stop();
    ws.dispose();
  });
  const pullWorkspace = (partialResultToken?: string) =>
    client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [], partialResultToken });

  test('with a partial result token, the reports come as partial results and the answer is empty', async () => {
    // Control: without a token, the whole report is the answer.
    const whole = await pullWorkspace();
    const promptUris = Array.from({ length: prompts }, (_, i) => fileUri(ws.path(`agents/p${i}.md`)));
    for (const uri of promptUris) assert.ok(whole.items.some((item) => item.uri === uri));
    const partials: string[][] = [];
    const progress = client.connection.onProgress(WorkspaceDiagnosticRequest.partialResult, 'stream-1', (partial) => {
      partials.push(partial.items.map((item) => item.uri));
    });
    const answer = await pullWorkspace('stream-1');
    progress.dispose();
    assert.deepEqual(answer.items, [], 'the final answer is empty once partial results went out');
    assert.ok(partials.length >= 2, `reports came in ${partials.length} partial results`);
    const sent = partials.flat();
    assert.equal(new Set(sent).size, sent.length, 'each file is reported once');
    assert.deepEqual([...sent].sort(), whole.items.map((item) => item.uri).sort(), 'the same reports as the whole');
  });

  test('a request that arrives with a pull is answered before the pull, which yields between slices', async () => {
    // Both in one write, so the server reads them together; ids of our own, seen in the bytes received.
    const frame = (message: object) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
    };
    const from = client.received.length;
    client.process.stdin.write(
      frame({ id: 'raw-pull', method: WorkspaceDiagnosticRequest.method, params: { previousResultIds: [] } }) +
        frame({ id: 'raw-stats', method: IndexStatsRequest.method }),
    );
    const received = () => client.received.slice(from).join('');
    for (let round = 0; round < 200 && !received().includes('"id":"raw-pull"'); round++)
      await client.connection.sendRequest(IndexStatsRequest.type);
    const text = received();
    const stats = text.indexOf('"id":"raw-stats"');
    const pull = text.indexOf('"id":"raw-pull"');
    assert.ok(stats >= 0 && pull >= 0, 'both answered');
    assert.ok(stats < pull, 'the request sent after the pull was answered first');
  });

  test('an edit that lands while a pull passes the workspace reaches every file it marked, passed or not', async () => {
    const envUri = fileUri(ws.path('.env.development'));
    await client.open(envUri, 'A=1\n', 'dotenv');
    await client.connection.sendRequest(IndexStatsRequest.type);
    const reports = new Map<string, Diagnostic[]>();
    let sent = 0;
    const progress = client.connection.onProgress(WorkspaceDiagnosticRequest.partialResult, 'race', (partial) => {
      for (const item of partial.items) if (item.kind === 'full') reports.set(item.uri, item.items);
      sent += partial.items.length;
    });
    // One write: the pull (holding no report, so every file is due) diagnoses its first slice, then the edit (A
    // removed: every prompt now misses A) lands between slices, after the first slice's files were reported. The
    // last report of each file counts, as a client keeps it.
    const frame = (message: object) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
    };
    const from = client.received.length;
    client.process.stdin.write(
      frame({
        id: 'raw-race',
        method: WorkspaceDiagnosticRequest.method,
        params: { previousResultIds: [], partialResultToken: 'race' },
      }) +
        frame({
          method: 'textDocument/didChange',
          params: { textDocument: { uri: envUri, version: 2 }, contentChanges: [{ text: 'B=1\n' }] },
        }),
    );
    for (let round = 0; round < 200 && !client.received.slice(from).join('').includes('"id":"raw-race"'); round++)
      await client.connection.sendRequest(IndexStatsRequest.type);
    // The bytes are in; one more round trip lets the connection handle the partial results before them.
    await client.connection.sendRequest(IndexStatsRequest.type);
    progress.dispose();
    const missed = Array.from({ length: prompts }, (_, i) => `agents/p${i}.md`).filter(
      (name) => !keysOf(reports.get(fileUri(ws.path(name))) ?? []).includes('A'),
    );
    assert.deepEqual(missed, [], 'every prompt is reported missing A');
    // Reported again only if the edit found it already reported: at most the first slice's files twice.
    assert.ok(sent <= reports.size + 256, `${sent} reports for ${reports.size} files`);
    await client.close(envUri);
  });
});

test('launched with the flags our VS Code client gives it, the server answers a workspace pull', async () => {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.env.development': 'A=1\n',
    'p.md': '{{secrets.A}} {{secrets.B}}',
  });
  try {
    // Control: a flag this Node does not take fails the launch, so the launch below proves the flags are taken.
    await assert.rejects(LspTestClient.start({ folders: [ws.dir], nodeArgs: ['--no-such-flag-for-struere'] }));
    const client = await LspTestClient.start({ folders: [ws.dir], pull: true, nodeArgs: [...VSCODE_SERVER_EXEC_ARGV] });
    try {
      const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
      const prompt = report.items.find((item) => item.uri === fileUri(ws.path('p.md')));
      assert.ok(prompt && prompt.kind === 'full' && keysOf(prompt.items).join() === 'B');
    } finally {
      await client.stop();
    }
  } finally {
    ws.dispose();
  }
});

test('without client file watching, the server follows the disk itself', async () => {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.env.development': 'A=1\n',
    'p.md': '{{secrets.A}} {{secrets.B}}',
  });
  const client = await LspTestClient.start({ folders: [ws.dir], watchFiles: false });
  try {
    await client.waitForDiagnostics(fileUri(ws.path('p.md')), (d) => keysOf(d).join() === 'B');
    writeFileSync(ws.path('.env.development'), 'A=1\nB=2\n');
    await client.waitForDiagnostics(
      fileUri(ws.path('p.md')),
      (d) => d.length === 0,
      'the disk watcher to pick up the edit',
    );
  } finally {
    await client.stop();
    ws.dispose();
  }
});

test('settings from the client: severity overrides and a custom include', async () => {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.env.development': 'A=1\n',
    'p.md': '{{secrets.B}}',
    'notes.prompt2': '{{secrets.C}}',
  });
  const client = await LspTestClient.start({
    folders: [ws.dir],
    settings: {
      severity: { 'missing-secret': 'error', 'not-gitignored': 'off' },
      files: { include: ['**/*.prompt2'] },
    },
  });
  try {
    const diagnostics = await client.waitForDiagnostics(fileUri(ws.path('notes.prompt2')), (d) => d.length > 0);
    assert.equal(diagnostics[0].severity, 1);
    const stats = await client.connection.sendRequest(IndexStatsRequest.method);
    assert.equal((stats as { agentFiles: number }).agentFiles, 1, 'p.md is not included any more');
  } finally {
    await client.stop();
    ws.dispose();
  }
});

test('remote names from the client count as set; the status table lists keys × environments without values', async () => {
  const ws = tempWorkspace({
    '.gitignore': '.env*\n',
    'struere.json': '{}',
    '.env.development': 'LOCAL=local-secret-value\n',
    'p.md': '{{secrets.LOCAL}} {{secrets.REMOTE}}',
  });
  const client = await LspTestClient.start({ folders: [ws.dir] });
  const promptUri = fileUri(ws.path('p.md'));
  try {
    const before = await client.waitForDiagnostics(promptUri, (d) => d.length === 1);
    assert.match(String(before[0].message), /development remote list is unknown: not fetched yet/);
    const list = (names: string[]) => ({ state: 'fresh' as const, names, fetchedAt: Date.now() });
    await client.connection.sendNotification(SetRemoteNamesNotification.method, {
      projectUri: fileUri(ws.dir),
      lists: {
        development: list(['REMOTE']),
        eval: list([]),
        production: { state: 'unknown', names: [], reason: 'no API key' },
      },
    });
    await client.waitForDiagnostics(promptUri, (d) => d.length === 0, 'REMOTE to count as set');
    const status = (await client.connection.sendRequest(SecretStatusRequest.method, {
      projectUri: fileUri(ws.dir),
    })) as { markdown: string };
    assert.match(status.markdown, /LOCAL/);
    assert.match(status.markdown, /REMOTE/);
    assert.match(status.markdown, /no API key/);
    assert.ok(!status.markdown.includes('local-secret-value'));
  } finally {
    await client.stop();
    ws.dispose();
  }
});

test('editor intelligence over LSP: quick fix, rename, references, symbols, code lens', async () => {
  const ws = tempWorkspace({
    '.gitignore': '.env*\n',
    'struere.json': '{}',
    '.env.development': 'KEY=dev-value\n',
    '.env.production': 'KEY=prod-value\n',
    'p.md': '{{secrets.KEY}} {{secrets.NEW}}',
  });
  // Announced like our VS Code client: it runs struere.sync from a lens (test/server/editorNeutral.test.ts: others).
  const client = await LspTestClient.start({
    folders: [ws.dir],
    initializationOptions: { clientFeatures: VSCODE_CLIENT_FEATURES },
  });
  const promptUri = fileUri(ws.path('p.md'));
  const envUri = fileUri(ws.path('.env.development'));
  try {
    const [missing] = await client.waitForDiagnostics(promptUri, (d) => d.length === 1);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: promptUri },
      range: missing.range,
      context: { diagnostics: [missing] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Add NEW to .env.development', 'Add NEW to .env.production'],
    );

    await client.open(envUri, 'KEY=dev-value\n', 'dotenv');
    const prepared = await client.connection.sendRequest(PrepareRenameRequest.type, {
      textDocument: { uri: promptUri },
      position: { line: 0, character: 11 },
    });
    assert.deepEqual(prepared, {
      range: { start: { line: 0, character: 10 }, end: { line: 0, character: 13 } },
      placeholder: 'KEY',
    });
    const rename = await client.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri: promptUri },
      position: { line: 0, character: 11 },
      newName: 'RENAMED',
    });
    const changes = (rename!.documentChanges as TextDocumentEdit[]).map((c) => [
      c.textDocument.uri,
      c.textDocument.version,
      c.edits.length,
    ]);
    assert.deepEqual(
      changes.sort(),
      [
        [envUri, 1, 1],
        [fileUri(ws.path('.env.production')), null, 1],
        [promptUri, null, 1],
      ].sort(),
    );
    await assert.rejects(
      client.connection.sendRequest(RenameRequest.type, {
        textDocument: { uri: promptUri },
        position: { line: 0, character: 11 },
        newName: 'not valid',
      }),
      /with a space in it cannot be a secret name/,
    );

    const references = await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: envUri },
      position: { line: 0, character: 1 },
      context: { includeDeclaration: true },
    });
    assert.equal(references!.length, 3);
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri: envUri },
    })) as { name: string }[];
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['KEY'],
    );
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: envUri } });
    assert.ok(lenses!.some((lens) => lens.command?.command === 'struere.sync'));
    const everything = JSON.stringify([actions, rename, references, symbols, lenses, client.received]);
    assert.ok(!everything.includes('prod-value'), 'no value from a closed .env file crossed the connection');
  } finally {
    await client.stop();
    ws.dispose();
  }
});
