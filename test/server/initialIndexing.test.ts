import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { ConfigurationRequest } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient, type LspClientOptions } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

/**
 * Indexing starts at `initialized` while the client's settings are still being asked for (workspace/configuration),
 * and nothing is published until they apply: a file is never shown with another environment or severity than the
 * client's, and each file is sent once. The client here answers the settings request only once the server has
 * read half of the prompts' bytes (its /proc io counter), so diagnostics published too early would be seen.
 */

const PROMPTS = 600;
const FILLER = 'Answer briefly and cite the policy. '.repeat(100);

/** Bytes the process has read so far (Linux): files, and the few protocol messages on stdin. */
function bytesRead(pid: number): number {
  return Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);
}

/** Starts a push client whose settings answer waits until the server has read `bytes` more (or 5 s passed). */
async function startWithLateSettings(
  options: LspClientOptions,
  settings: Record<string, unknown>,
  bytes: number,
): Promise<LspTestClient> {
  const client = new LspTestClient(options);
  client.connection.onRequest(ConfigurationRequest.type, async (params) => {
    // Counted from the request: the server sends it at `initialized`, after reading its own code.
    const start = bytesRead(client.process.pid!);
    const deadline = Date.now() + 5_000;
    // A server that waits for the settings before reading anything (as it once did) is answered at the deadline.
    while (bytesRead(client.process.pid!) - start < bytes && Date.now() < deadline)
      await new Promise((resolve) => setImmediate(resolve));
    return params.items.map(() => settings);
  });
  await (client as unknown as { initialize(): Promise<void> }).initialize();
  return client;
}

describe('initial indexing and the client settings', () => {
  const files: Record<string, string> = {
    'struere.json': '{}',
    '.env.development': 'A=1\n',
    '.env.production': 'A=1\n',
    'notes.prompt2': '{{secrets.C}}',
  };
  for (let i = 0; i < PROMPTS; i++) files[`prompts/p${i}.md`] = `${FILLER}\n{{secrets.MISSING_${i}}}\n`;
  const ws = tempWorkspace(files);
  const prompts = Array.from({ length: PROMPTS }, (_, i) => fileUri(ws.path(`prompts/p${i}.md`)));
  const halfOfThePrompts = (PROMPTS * FILLER.length) / 2;
  after(() => ws.dispose());

  async function firstDiagnostics(settings: Record<string, unknown>) {
    const client = await startWithLateSettings({ folders: [ws.dir], waitLimitMs: 60_000 }, settings, halfOfThePrompts);
    try {
      await client.waitFor(() => prompts.every((uri) => client.diagnostics.has(uri)), 'every prompt diagnosed');
      return {
        severities: new Set(prompts.map((uri) => client.diagnostics.get(uri)![0]!.severity)),
        mentionProduction: prompts.filter((uri) =>
          /in production/.test(String(client.diagnostics.get(uri)![0]!.message)),
        ),
        sentTwice: prompts.filter((uri) => client.publishCount.get(uri) !== 1),
      };
    } finally {
      await client.stop();
    }
  }

  test('settings answered while files are read: every file is first sent with them, once', async () => {
    const result = await firstDiagnostics({ environment: 'production', severity: { 'missing-secret': 'error' } });
    assert.deepEqual([...result.severities], [1]);
    assert.equal(result.mentionProduction.length, PROMPTS);
    assert.deepEqual(result.sentTwice, []);
  });

  test('control: with the default settings answered late, the same files come out as warnings for development', async () => {
    const result = await firstDiagnostics({});
    assert.deepEqual([...result.severities], [2]);
    assert.equal(result.mentionProduction.length, 0);
  });

  test('settings that select other files: the files are read again and only the selected ones are sent', async () => {
    const client = await startWithLateSettings(
      { folders: [ws.dir], waitLimitMs: 60_000 },
      { files: { include: ['**/*.prompt2'] } },
      halfOfThePrompts,
    );
    try {
      const notes = await client.waitForDiagnostics(fileUri(ws.path('notes.prompt2')), (d) => d.length > 0);
      assert.equal((notes[0]!.data as { key: string }).key, 'C');
      assert.deepEqual(
        prompts.filter((uri) => client.publishCount.has(uri)),
        [],
        'no prompt is sent: they were read before the settings came, and are not included',
      );
    } finally {
      await client.stop();
    }
  });

  test('control: with the default include the prompts are sent and notes.prompt2 is not', async () => {
    const client = await LspTestClient.start({ folders: [ws.dir], waitLimitMs: 60_000 });
    try {
      await client.waitFor(() => prompts.every((uri) => client.diagnostics.has(uri)), 'every prompt diagnosed');
      assert.equal(client.publishCount.has(fileUri(ws.path('notes.prompt2'))), false);
    } finally {
      await client.stop();
    }
  });
});
