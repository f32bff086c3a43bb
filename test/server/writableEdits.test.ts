import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CodeActionRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

// Over real LSP: the quick fixes that create or append files (.env.development, .env.example, .gitignore) are
// offered only where the host's safe writer would write: never through a link a cloned repository committed.

interface Workspace {
  dir: string;
  path(name: string): string;
  dispose(): void;
}

/** The titles of the quick fixes the server offers for every diagnostic of each file. */
async function fixTitles(ws: Workspace, files: readonly string[]): Promise<string[]> {
  const client = await LspTestClient.start({ folders: [ws.dir] });
  try {
    const titles: string[] = [];
    for (const file of files) {
      const uri = fileUri(ws.path(file));
      const diagnostics: Diagnostic[] = await client.waitForDiagnostics(uri, (d) => d.length > 0);
      const actions = (await client.connection.sendRequest(CodeActionRequest.method, {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } },
        context: { diagnostics },
      })) as CodeAction[];
      titles.push(...actions.map((action) => action.title));
    }
    return titles.sort();
  } finally {
    await client.stop();
  }
}

/**
 * missing-secret on p.md (fixes: add to .env.development / .env.production), not-gitignored and env-example on
 * .env.development (fixes: extend .gitignore, add to .env.example). `linked` turns .env.development, .env.example
 * and .gitignore into links: to a file inside the project, inside, and outside it.
 */
function workspace(t: { after: (fn: () => void) => void }, linked: boolean): Workspace {
  const ws = tempWorkspace({ 'struere.json': '{}', 'p.md': '{{secrets.NEW_KEY}}\n' });
  const outside = mkdtempSync(path.join(tmpdir(), 'struere-outside-'));
  t.after(() => {
    ws.dispose();
    rmSync(outside, { recursive: true, force: true });
  });
  const files = { '.env.development': 'A=1\n', '.env.example': 'OTHER=\n', '.gitignore': 'node_modules/\n' };
  if (!linked) for (const [name, text] of Object.entries(files)) writeFileSync(ws.path(name), text);
  else {
    mkdirSync(ws.path('config'));
    writeFileSync(ws.path('config/dev.env'), files['.env.development']);
    symlinkSync('config/dev.env', ws.path('.env.development'));
    writeFileSync(ws.path('config/template.env'), files['.env.example']);
    symlinkSync('config/template.env', ws.path('.env.example'));
    writeFileSync(path.join(outside, 'gitignore'), files['.gitignore']);
    symlinkSync(path.join(outside, 'gitignore'), ws.path('.gitignore'));
  }
  return ws;
}

test('no quick fix edits through a link: .env.development, .env.example and .gitignore behind links', async (t) => {
  const titles = await fixTitles(workspace(t, true), ['p.md', '.env.development']);
  // Only .env.production (a regular file, missing: created) remains.
  assert.deepEqual(titles, ['Add NEW_KEY to .env.production']);
});

test('control: the same workspace with regular files gets every fix, so the check above can fail', async (t) => {
  const titles = await fixTitles(workspace(t, false), ['p.md', '.env.development']);
  assert.deepEqual(titles, [
    'Add .env.development and .env.production to .gitignore',
    'Add A to .env.example',
    'Add NEW_KEY to .env.development',
    'Add NEW_KEY to .env.production',
  ]);
});
