import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { test } from 'node:test';
import { HoverRequest, RenameRequest } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { ownGit } from '../support/ownGit';
import { tempWorkspace } from '../support/tempWorkspace';

/** The server over real LSP in a hostile workspace: it indexes the rest, reports each unreadable path, and exits. */

const CANARY = 'canary-value-server-51d2';

test('FIFOs and an over-limit open .env buffer: one verdict each, the rest indexed, the server answers and exits', async (t) => {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.gitignore': '.env.*\n',
    '.env.development': `PRESENT=${CANARY}\n`,
    'agents/a.ts': '`{{secrets.PRESENT}} {{secrets.MISSING_ONE}}`',
  });
  t.after(() => ws.dispose());
  execFileSync('mkfifo', [ws.path('.env.production'), ws.path('agents/pipe.ts')]);
  const client = await LspTestClient.start({ folders: [ws.dir], watchFiles: false });
  let stopped = false;
  t.after(async () => {
    if (!stopped) await client.stop();
  });

  const production = await client.waitForDiagnostics(fileUri(ws.path('.env.production')), (d) => d.length > 0);
  assert.deepEqual(
    production.map((d) => d.code),
    ['unreadable-file'],
  );
  assert.match(production[0]!.message as string, /FIFO/);
  const pipe = await client.waitForDiagnostics(fileUri(ws.path('agents/pipe.ts')), (d) => d.length > 0);
  assert.deepEqual(
    pipe.map((d) => d.code),
    ['unreadable-file'],
  );
  const a = await client.waitForDiagnostics(fileUri(ws.path('agents/a.ts')), (d) => d.length > 0);
  assert.deepEqual(
    a.map((d) => d.code),
    ['missing-secret'],
  );

  // A FIFO that appears while the server runs: its own disk watcher (watchFiles: false) reports it, no hang.
  execFileSync('mkfifo', [ws.path('.env.local')]);
  const appeared = await client.waitForDiagnostics(fileUri(ws.path('.env.local')), (d) => d.length > 0);
  assert.deepEqual(
    appeared.map((d) => d.code),
    ['unreadable-file'],
  );

  // A large buffer (over the 5 MB limit) is file-too-large, like the same file on disk, and is not parsed.
  const uri = fileUri(ws.path('.env.development'));
  const lines = Array.from({ length: 400_000 }, (_, i) => `KEY_${i}=${CANARY}`).join('\n');
  await client.open(uri, lines, 'dotenv');
  const large = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'file-too-large'));
  assert.deepEqual(
    large.map((d) => d.code),
    ['file-too-large'],
  );
  // Its keys are unknown, not missing: MISSING_ONE may be in it.
  await client.waitForDiagnostics(fileUri(ws.path('agents/a.ts')), (d) => d.length === 0);
  const hover = await client.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: { line: 0, character: 2 },
  });
  assert.equal(hover, null);
  // Control: a small buffer is parsed again.
  await client.change(uri, [{ text: 'PRESENT=1\n' }]);
  await client.waitForDiagnostics(uri, (d) => d.length === 0);
  await client.waitForDiagnostics(fileUri(ws.path('agents/a.ts')), (d) => d.length === 1);

  await client.stop();
  stopped = true;
  assert.ok(!client.received.join('').includes(CANARY), 'a value crossed the connection');
});

test('rename onto a key another env file defines is refused over LSP, saying where', async (t) => {
  const ws = tempWorkspace({
    'struere.json': '{}',
    '.env.development': 'OLD=1\n',
    '.env.production': 'OLD=2\nTAKEN=3\n',
  });
  t.after(() => ws.dispose());
  const client = await LspTestClient.start({ folders: [ws.dir], watchFiles: false });
  t.after(() => client.stop());
  await assert.rejects(
    client.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri: fileUri(ws.path('.env.development')) },
      position: { line: 0, character: 1 },
      newName: 'TAKEN',
    }),
    /TAKEN already exists in \.env\.production \(line 2\)/,
  );
});

test('an unreadable folder (as nobody) is one warning; the server indexes the rest', async (t) => {
  const ws = tempWorkspace({
    'struere.json': '{}',
    'agents/a.ts': '{{secrets.MISSING_ONE}}',
    'locked/b.ts': '{{secrets.HIDDEN}}',
  });
  t.after(() => ws.dispose());
  for (const dir of [ws.dir, ws.path('agents'), ws.path('.git')]) chmodSync(dir, 0o755);
  chmodSync(ws.path('locked'), 0o000);
  const client = await LspTestClient.start({
    folders: [ws.dir],
    watchFiles: false,
    spawnAs: { uid: 65534, gid: 65534 },
  });
  t.after(() => client.stop());
  const locked = await client.waitForDiagnostics(fileUri(ws.path('locked')), (d) => d.length > 0);
  assert.deepEqual(
    locked.map((d) => [d.code, /permission denied/.test(d.message as string)]),
    [['unreadable-file', true]],
  );
  await client.waitForDiagnostics(fileUri(ws.path('agents/a.ts')), (d) => d.length === 1);
});

test('an env file force-added to git while the server runs gets not-gitignored, an error with a live value', async (t) => {
  const live = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
  const ws = tempWorkspace(
    // .env.production makes a parity note on .env.development, so its diagnostics are published from the start.
    {
      'struere.json': '{}',
      '.gitignore': '.env.*\n',
      '.env.development': `TOKEN=${live}\n`,
      '.env.production': 'B=1\n',
    },
    { git: false },
  );
  t.after(() => ws.dispose());
  ownGit(ws.dir, ['init', '-q']);
  // The server's own disk watcher (watchFiles: false) follows .git/index.
  const client = await LspTestClient.start({ folders: [ws.dir], watchFiles: false });
  t.after(() => client.stop());
  const uri = fileUri(ws.path('.env.development'));
  const notGitignored = <T extends { code?: unknown }>(d: T[]) => d.filter((x) => x.code === 'not-gitignored');
  // Control: ignored and untracked, nothing to say.
  await client.waitForDiagnostics(uri, (d) => notGitignored(d).length === 0);
  ownGit(ws.dir, ['add', '-f', '.env.development']);
  const staged = await client.waitForDiagnostics(uri, (d) => notGitignored(d).length === 1);
  assert.equal(notGitignored(staged)[0]!.severity, 1);
  ownGit(ws.dir, ['rm', '-q', '--cached', '.env.development']);
  await client.waitForDiagnostics(uri, (d) => notGitignored(d).length === 0);
  assert.ok(!client.received.join('').includes(live), 'a value crossed the connection');
});
