import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { IndexStatsRequest, SetRemoteNamesNotification } from '../../engine/protocol';
import { fileUri, LspTestClient } from '../support/lspClient';
import { tempWorkspace } from '../support/tempWorkspace';

/**
 * What a push client is sent, and what it is not: an edit re-diagnoses only the files it can affect, and a file
 * whose diagnostics came out the same is not sent them again. "Nothing sent" is checked after a round trip
 * (`settled`): the server handles messages in order, and the re-diagnosis an edit schedules pushes its first slice
 * (64 files, more than these workspaces hold) before the answer to a later request is written, so anything it sent
 * has arrived by then. A control that is sent follows each.
 */

const missingKeys = (diagnostics: Diagnostic[]) =>
  diagnostics
    .filter((d) => d.code === 'missing-secret')
    .map((d) => (d.data as { key: string }).key)
    .sort();

describe('diagnostics scheduler (push client)', () => {
  const ws = tempWorkspace({
    'struere.json': '{"name":"app"}',
    '.gitignore': '.env*\n',
    '.env.development': 'A=1\n',
    'prompts/uses-a.md': '{{secrets.A}} and {{secrets.X}}',
    'prompts/uses-b.md': '{{secrets.B}}',
    'prompts/uses-x.md': '{{secrets.X}}',
  });
  const uri = (name: string) => fileUri(ws.path(name));
  let client: LspTestClient;
  const count = (name: string) => client.publishCount.get(uri(name)) ?? 0;
  const settled = () => client.connection.sendRequest(IndexStatsRequest.type);

  before(async () => {
    client = await LspTestClient.start({ folders: [ws.dir] });
    for (const name of ['prompts/uses-a.md', 'prompts/uses-b.md', 'prompts/uses-x.md'])
      await client.waitForDiagnostics(uri(name), (d) => d.length > 0);
  });
  after(async () => {
    await client.stop();
    ws.dispose();
  });

  test('each file gets its diagnostics once after indexing', () => {
    for (const name of ['prompts/uses-a.md', 'prompts/uses-b.md', 'prompts/uses-x.md']) assert.equal(count(name), 1);
  });

  test('an .env edit sends nothing to files that do not reference the changed key (control: one that does)', async () => {
    const envUri = uri('.env.development');
    const envText = readFileSync(ws.path('.env.development'), 'utf8');
    await client.open(envUri, envText, 'dotenv');
    const before = { a: count('prompts/uses-a.md'), b: count('prompts/uses-b.md'), x: count('prompts/uses-x.md') };
    // Unrelated: a key nobody references.
    await client.change(envUri, [{ text: `${envText}UNRELATED=1\n` }]);
    await settled();
    assert.equal(count('prompts/uses-b.md'), before.b, 'uses-b.md does not reference UNRELATED');
    assert.equal(count('prompts/uses-a.md'), before.a, 'uses-a.md does not reference UNRELATED');
    // Control, after it in message order: B is referenced by uses-b.md, which must be told.
    await client.change(envUri, [{ text: `${envText}UNRELATED=1\nB=2\n` }]);
    await client.waitForDiagnostics(uri('prompts/uses-b.md'), (d) => missingKeys(d).length === 0, 'B to be set');
    assert.equal(count('prompts/uses-b.md'), before.b + 1);
    assert.equal(count('prompts/uses-a.md'), before.a, 'uses-a.md references neither UNRELATED nor B');
    assert.equal(count('prompts/uses-x.md'), before.x, 'uses-x.md references neither UNRELATED nor B');
  });

  test('a re-diagnosis that changes nothing sends nothing again (control: one that changes a file)', async () => {
    const send = (development: string[]) =>
      client.connection.sendNotification(SetRemoteNamesNotification.method, {
        projectUri: fileUri(ws.dir),
        lists: {
          development: { state: 'fresh', names: development, fetchedAt: Date.now() },
          eval: { state: 'fresh', names: [], fetchedAt: Date.now() },
          production: { state: 'unknown', names: [], reason: 'no API key' },
        },
      });
    // The first list changes every missing-secret message (the remote list is no longer unknown): all are sent.
    await send([]);
    await client.waitForDiagnostics(uri('prompts/uses-x.md'), (d) => /\(fresh\)/.test(String(d[0]?.message)));
    await client.waitForDiagnostics(uri('prompts/uses-a.md'), (d) => /\(fresh\)/.test(String(d[0]?.message)));
    const first = { a: count('prompts/uses-a.md'), x: count('prompts/uses-x.md') };
    // The same list again: every agent file is re-diagnosed, none differs.
    await send([]);
    await settled();
    assert.deepEqual({ a: count('prompts/uses-a.md'), x: count('prompts/uses-x.md') }, first);
    // Control: X set remotely changes uses-x.md and uses-a.md.
    await send(['X']);
    await client.waitForDiagnostics(uri('prompts/uses-x.md'), (d) => d.length === 0, 'X to count as set');
    await client.waitForDiagnostics(uri('prompts/uses-a.md'), (d) => missingKeys(d).length === 0);
    assert.equal(count('prompts/uses-x.md'), first.x + 1, 'sent once, for the change, not for the repeat');
    assert.equal(count('prompts/uses-a.md'), first.a + 1, 'sent once, for the change, not for the repeat');
  });
});

describe('diagnostics scheduler: a burst pushed in slices', () => {
  // Many slices of pushes (one per turn of the event loop; see DiagnosticsScheduler.publishFrom).
  const FILES = 2_000;
  const files: Record<string, string> = {
    'struere.json': '{"name":"app"}',
    '.gitignore': '.env*\n',
    '.env.development': 'A=1\n',
  };
  for (let i = 0; i < FILES; i++) files[`prompts/p${i}.md`] = `Prompt ${i} uses {{secrets.K}}.\n`;
  const ws = tempWorkspace(files);
  const uris = Array.from({ length: FILES }, (_, i) => fileUri(ws.path(`prompts/p${i}.md`)));
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({ folders: [ws.dir], recordReceived: false });
    await client.waitFor(
      () => uris.every((uri) => missingKeys(client.diagnostics.get(uri) ?? []).length === 1),
      'every file told that K is missing',
    );
  });
  after(async () => {
    await client.stop();
    ws.dispose();
  });

  test('an .env edit reaches each of 2,000 files exactly once (control: each had one push before)', async () => {
    const counts = () => uris.map((uri) => client.publishCount.get(uri) ?? 0);
    assert.deepEqual(counts(), Array<number>(FILES).fill(1), 'one push each after indexing');
    const envUri = fileUri(ws.path('.env.development'));
    await client.open(envUri, 'A=1\n', 'dotenv');
    await client.change(envUri, [{ text: 'A=1\nK=1\n' }]);
    const told = () => uris.every((uri) => missingKeys(client.diagnostics.get(uri)!).length === 0);
    await client.waitFor(told, 'every file told that K is set');
    await client.connection.sendRequest(IndexStatsRequest.type);
    assert.deepEqual(counts(), Array<number>(FILES).fill(2), 'no file lost or pushed twice across the slices');
  });
});
