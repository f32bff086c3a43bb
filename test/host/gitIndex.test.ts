import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  GIT_INDEX_MAX_ENTRIES,
  GitIndexCache,
  gitDirectoryOf,
  parseGitIndex,
  readGitIndex,
  type GitIndexRead,
} from '../../engine/host/gitIndex';
import { gitListedPaths, ownGit } from '../support/ownGit';
import { tempWorkspace } from '../support/tempWorkspace';

/** A repository made by the real git with committed, staged and intent-to-add files, nested and non-ASCII names. */
function repository(initArgs: string[] = []) {
  const ws = tempWorkspace(
    {
      'struere.json': '{}',
      '.gitignore': '.env.*\n',
      'docs/app.yaml': 'a: 1\n',
      'prompts/deep/er/p.md': 'hi\n',
      'prompts/deep/era.md': 'x\n',
      'prompts/ü-name.md': 'x\n',
      [`long/${'n'.repeat(200)}/${'m'.repeat(200)}.md`]: 'x\n',
      '.env.development': 'TOKEN=x\n',
      'later.txt': 'x\n',
    },
    { git: false },
  );
  ownGit(ws.dir, ['init', '-q', ...initArgs]);
  ownGit(ws.dir, ['add', '.']);
  ownGit(ws.dir, ['commit', '-qm', 'one']);
  // A force-added ignored file (staged, not committed) and an intent-to-add one (extended flags: version 3).
  ownGit(ws.dir, ['add', '-f', '.env.development']);
  ws.write('intent.md', 'x\n');
  ownGit(ws.dir, ['add', '-N', 'intent.md']);
  return ws;
}

function pathsOf(read: GitIndexRead, candidates: readonly string[]): string[] {
  assert.equal(read.kind, 'paths', read.kind === 'unreadable' ? read.reason : read.kind);
  return candidates.filter((candidate) => read.kind === 'paths' && read.paths.has(candidate)).sort();
}

const CANDIDATES = [
  '.gitignore',
  '.env.development',
  '.env.production',
  'docs/app.yaml',
  'docs',
  'intent.md',
  'later.txt',
  'prompts/deep/er/p.md',
  'prompts/deep/era.md',
  'prompts/ü-name.md',
  'prompts/deep',
  `long/${'n'.repeat(200)}/${'m'.repeat(200)}.md`,
  'struere.json',
  'untracked.md',
];

for (const [label, init, version] of [
  ['version 3 (intent-to-add), SHA-1', [], undefined],
  ['version 2, SHA-1', [], '2'],
  ['version 4 (prefix-compressed paths), SHA-1', [], '4'],
  ['version 4, SHA-256 object names', ['--object-format=sha256'], '4'],
  ['version 3, SHA-256 object names', ['--object-format=sha256'], undefined],
] as const) {
  void test(`an index the real git wrote, ${label}: the same paths as git ls-files`, (t) => {
    const ws = repository([...init]);
    t.after(() => ws.dispose());
    // intent-to-add needs version 3 or 4; for version 2 drop it first.
    if (version === '2') ownGit(ws.dir, ['rm', '-q', '--cached', 'intent.md']);
    if (version !== undefined) ownGit(ws.dir, ['update-index', '--index-version', version]);
    ws.write('untracked.md', 'x\n');
    const bytes = readFileSync(ws.path('.git/index'));
    assert.equal(bytes.readUInt32BE(4), version === undefined ? 3 : Number(version));
    const listed = gitListedPaths(ws.dir);
    assert.deepEqual(pathsOf(readGitIndex(ws.dir), CANDIDATES), CANDIDATES.filter((c) => listed.includes(c)).sort());
    // Control: the staged env file is there, the untracked file and the folders are not.
    assert.ok(listed.includes('.env.development') && !listed.includes('untracked.md'));
    const read = readGitIndex(ws.dir);
    assert.ok(read.kind === 'paths' && read.paths.size === listed.length);
  });
}

test('a worktree: .git is a file naming the git directory, whose index is read', (t) => {
  const ws = repository();
  t.after(() => ws.dispose());
  const worktree = path.join(ws.dir, 'wt');
  ownGit(ws.dir, ['worktree', 'add', '-q', worktree]);
  assert.ok(readFileSync(path.join(worktree, '.git'), 'utf8').startsWith('gitdir:'));
  assert.equal(gitDirectoryOf(worktree), path.join(ws.dir, '.git', 'worktrees', 'wt'));
  // The worktree's own index: the committed files only (the staged env file is the main work tree's).
  assert.deepEqual(
    pathsOf(readGitIndex(worktree), CANDIDATES),
    gitListedPaths(worktree).filter((p) => CANDIDATES.includes(p)),
  );
  assert.ok(!pathsOf(readGitIndex(worktree), CANDIDATES).includes('.env.development'));
});

test('a repository whose config runs a command on git status: reading its index never runs it', (t) => {
  const ws = repository();
  t.after(() => ws.dispose());
  const marker = ws.path('fsmonitor-ran');
  const hook = ws.write('monitor.sh', `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
  execFileSync('chmod', ['+x', hook]);
  ownGit(ws.dir, ['config', 'core.fsmonitor', hook]);
  const read = readGitIndex(ws.dir);
  new GitIndexCache().read(ws.dir);
  assert.equal(read.kind, 'paths');
  assert.equal(existsSync(marker), false, 'reading the index ran the repository-configured command');
  // Control: git itself runs it (so the canary would have caught a git call).
  ownGit(ws.dir, ['status', '--porcelain']);
  assert.equal(existsSync(marker), true, 'the canary does not work: git status did not run core.fsmonitor');
});

test('what is not a well-formed index is unreadable, with a reason, never a hang; no index is none', (t) => {
  const ws = repository();
  t.after(() => ws.dispose());
  const good = readFileSync(ws.path('.git/index'));
  const reasonFor = (bytes: Uint8Array): string => {
    writeFileSync(ws.path('.git/index'), bytes);
    const read = readGitIndex(ws.dir);
    assert.equal(read.kind, 'unreadable');
    return read.kind === 'unreadable' ? read.reason : '';
  };
  assert.match(reasonFor(good.subarray(0, good.length - 7)), /end|checksum/);
  assert.match(reasonFor(Buffer.from('DIRX' + 'x'.repeat(40))), /signature/);
  const many = Buffer.from(good);
  many.writeUInt32BE(GIT_INDEX_MAX_ENTRIES + 1, 8);
  assert.match(reasonFor(many), /entries/);
  const future = Buffer.from(good);
  future.writeUInt32BE(5, 4);
  assert.match(reasonFor(future), /version 5/);
  // A split index keeps most paths in another file: not read, so .gitignore decides.
  writeFileSync(ws.path('.git/index'), good);
  ownGit(ws.dir, ['update-index', '--split-index']);
  assert.equal(readGitIndex(ws.dir).kind, 'unreadable');
  // A FIFO planted as the index: refused at once (opened non-blocking, checked before any read).
  execFileSync('rm', ['-f', ws.path('.git/index')]);
  execFileSync('mkfifo', [ws.path('.git/index')]);
  const fifo = readGitIndex(ws.dir);
  assert.ok(fifo.kind === 'unreadable' && /FIFO/.test(fifo.reason));
  execFileSync('rm', ['-f', ws.path('.git/index')]);
  assert.equal(readGitIndex(ws.dir).kind, 'none');
  // Control: the bytes git wrote parse.
  assert.equal(parseGitIndex(good).has('docs/app.yaml'), true);
});

test('the cache parses an index again only when the file changed', (t) => {
  const ws = repository();
  t.after(() => ws.dispose());
  const cache = new GitIndexCache();
  const first = cache.read(ws.dir);
  assert.equal(cache.read(ws.dir), first);
  ownGit(ws.dir, ['add', 'later.txt', '-f']);
  ws.write('new.md', 'x\n');
  ownGit(ws.dir, ['add', 'new.md']);
  const second = cache.read(ws.dir);
  assert.notEqual(second, first);
  assert.ok(second.kind === 'paths' && second.paths.has('new.md'));
});
