import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../engine/core/model/settings';
import { GlobFilter } from '../../engine/host/discover';
import { WorkspaceHost } from '../../engine/host/workspaceHost';

/**
 * Nested projects: indexing a chain of `depth` projects, each with an env file and a prompt, costs file-system
 * calls linear in the depth (a count, not a timing). Walking up to the repository root and down through every
 * .gitignore once per env file made it quadratic.
 */

const COUNTED = ['stat', 'lstat', 'open', 'readFile', 'readdir', 'realpath'] as const;

function nestedChain(depth: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-deep-'));
  fs.mkdirSync(path.join(root, '.git'));
  fs.writeFileSync(path.join(root, '.gitignore'), '.env.*\n');
  let dir = root;
  for (let level = 0; level < depth; level++) {
    dir = path.join(dir, 'p');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'struere.json'), '{}');
    fs.writeFileSync(path.join(dir, '.env.development'), 'A=1\n');
    fs.writeFileSync(path.join(dir, 'prompt.md'), '{{secrets.A}}');
  }
  return root;
}

/** Counts calls to the fs functions (promise, callback and sync forms) while `fn` runs. */
async function countFsCalls(fn: () => Promise<void>): Promise<number> {
  let calls = 0;
  const restore: (() => void)[] = [];
  const wrap = (target: Record<string, unknown>, name: string) => {
    const original = target[name];
    if (typeof original !== 'function') return;
    target[name] = function (this: unknown, ...args: unknown[]) {
      calls++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    restore.push(() => (target[name] = original));
  };
  // The CommonJS module object: the one the engine's compiled imports read their functions from, at each call.
  const fsModule = createRequire(__filename)('node:fs') as typeof fs;
  for (const name of COUNTED) {
    wrap(fsModule.promises as unknown as Record<string, unknown>, name);
    wrap(fsModule as unknown as Record<string, unknown>, `${name}Sync`);
  }
  wrap(fsModule.realpathSync as unknown as Record<string, unknown>, 'native');
  try {
    await fn();
  } finally {
    for (const undo of restore) undo();
  }
  return calls;
}

test('indexing nested projects costs file-system calls linear in depth', async (t) => {
  const counts: number[] = [];
  for (const depth of [40, 80]) {
    const root = nestedChain(depth);
    t.after(() => fs.rmSync(root, { recursive: true, force: true }));
    const host = new WorkspaceHost(DEFAULT_SETTINGS);
    counts.push(await countFsCalls(() => host.loadFolder(root)));
    assert.equal(host.index.allProjects().length, depth);
    // Every env file got its git verdict (the root .gitignore ignores it), so the cache loses nothing.
    assert.ok([...host.gitStatus.values()].every((status) => status?.ignored === true));
  }
  const [shallow, deep] = counts as [number, number];
  // Twice the depth: about twice the calls (linear), not four times (quadratic).
  assert.ok(deep < shallow * 2.3, `depth 40: ${shallow} calls, depth 80: ${deep} calls`);
  assert.ok(deep > shallow * 1.5, `control: the count grows with the tree (${shallow} → ${deep})`);
});

test('a file of a folder the walk kept: the same verdict as isAgentFile, with folder-contents patterns not retested', () => {
  const filters = [
    DEFAULT_SETTINGS,
    { include: ['**/*'], exclude: [...DEFAULT_SETTINGS.exclude, '**/*.test.md', 'docs/**', '**/tmp*/**', '**/../**'] },
    { include: ['prompts/**/*.md', '**/*.{ts,txt}'], exclude: ['**/dist/**', '**/.git/**'] },
    { include: ['**/*'], exclude: [] },
  ];
  const folders = ['', 'a', 'a/b', 'src/deep/er', '.hidden', 'docs', 'tmpx', 'a/build2', 'distant'];
  const names = [
    'p.md',
    'x.test.md',
    'dist',
    'node_modules',
    'build',
    '.git',
    'tool.ts',
    'notes.txt',
    'tmp',
    '.env.md',
  ];
  let compared = 0;
  for (const filter of filters) {
    const globs = new GlobFilter(filter);
    for (const folder of folders) {
      // Only folders the walk descends into: none of the folders on the path is pruned.
      const parts = folder === '' ? [] : folder.split('/');
      if (parts.some((_, i) => globs.isExcludedDir(parts.slice(0, i + 1).join('/')))) continue;
      for (const name of names) {
        const relative = folder === '' ? name : `${folder}/${name}`;
        assert.equal(globs.isAgentFileInKeptFolder(relative, name), globs.isAgentFile(relative), relative);
        compared++;
      }
    }
  }
  assert.ok(compared > 200, `${compared} paths compared`);
  // A file named like an excluded folder is excluded wherever it is (picomatch lets the trailing /** match nothing).
  const everything = new GlobFilter({ include: ['**/*'], exclude: ['**/dist/**'] });
  assert.equal(everything.isAgentFileInKeptFolder('a/dist', 'dist'), false);
  // Control: the shortcut holds only below kept folders. A file under an excluded folder is not retested for it.
  assert.equal(everything.isAgentFile('dist/p.md'), false);
  assert.equal(everything.isAgentFileInKeptFolder('dist/p.md', 'p.md'), true);
});
