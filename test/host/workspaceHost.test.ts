import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../engine/core/model/settings';
import { discoverTree } from '../../engine/host/discover';
import { FileUris, pathToUri, WorkspaceHost } from '../../engine/host/workspaceHost';

test('FileUris builds exactly the URI pathToUri builds, for plain names and names that need encoding', () => {
  const uris = new FileUris();
  const names = ['a.md', 'A-b_c.d~e.ts', '.hidden.txt', 'x y.md', 'ä.md', '100%.md', 'a#b.md', 'q?.md', 'c:d.md'];
  for (const folder of ['/ws/agents', '/ws/with space', '/ws/ünï', '/']) {
    for (const name of names) {
      const filePath = path.posix.join(folder, name);
      assert.equal(uris.of(filePath), pathToUri(filePath), filePath);
    }
  }
  // Control: the oracle tells names apart, so a fast path that skipped encoding would fail above.
  assert.notEqual(pathToUri('/ws/x y.md'), 'file:///ws/x y.md');
});

test('a file name holding U+FFFD itself is valid UTF-8: indexed (control: undecodable bytes are reported)', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-names-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.writeFileSync(path.join(root, 'struere.json'), '{}');
  fs.writeFileSync(path.join(root, 'real-\uFFFD.md'), '{{secrets.A}}');
  fs.writeFileSync(
    Buffer.concat([Buffer.from(path.join(root, 'bad-')), Buffer.from([0xff, 0xfe, 0x2e, 0x6d, 0x64])]),
    '',
  );
  const tree = await discoverTree(root, DEFAULT_SETTINGS);
  assert.deepEqual(tree.agentFiles, [path.join(root, 'real-\uFFFD.md')]);
  assert.deepEqual(
    tree.unreadable.map((entry) => entry.reason),
    ['its name is not valid UTF-8'],
  );
  const host = new WorkspaceHost(DEFAULT_SETTINGS, { scanAgentFilesOnRead: false });
  await host.loadFolder(root);
  assert.deepEqual(
    host.index.getAgentFile(pathToUri(path.join(root, 'real-\uFFFD.md')))?.references.map((r) => r.key),
    ['A'],
  );
});

test('loadFolder reports every indexed file to onIndexed once: env files first, then agent files', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-onindexed-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.writeFileSync(path.join(root, 'struere.json'), '{}');
  fs.writeFileSync(path.join(root, '.env.development'), 'A=1\n');
  fs.mkdirSync(path.join(root, 'prompts'));
  for (let i = 0; i < 450; i++) fs.writeFileSync(path.join(root, 'prompts', `p${i}.md`), '{{secrets.A}}');
  const host = new WorkspaceHost(DEFAULT_SETTINGS, { scanAgentFilesOnRead: false });
  const batches: (readonly string[])[] = [];
  await host.loadFolder(root, (uris) => batches.push(uris));
  assert.deepEqual(batches[0], [pathToUri(path.join(root, '.env.development'))]);
  const reported = batches.flat();
  assert.equal(new Set(reported).size, reported.length, 'no file twice');
  const indexed = host.index.allProjects().flatMap((p) => [...p.envFiles.keys(), ...p.agentFiles.keys()]);
  assert.deepEqual([...reported].sort(), [...indexed].sort());
  assert.ok(batches.length > 2, `agent files come in several batches (${batches.length})`);
});
