import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type * as fs from 'node:fs';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { readTextFile, readTextFileSync, type ReadResult } from '../../engine/host/readText';
import { tempWorkspace } from '../support/tempWorkspace';

/** The bounded reader both front ends use: regular files only, never more than the limit, never a hang. */

const summary = (result: ReadResult) =>
  result.kind === 'text'
    ? `text ${result.bytes}`
    : result.kind === 'unreadable'
      ? `unreadable: ${result.reason}`
      : result.kind === 'missing'
        ? 'missing'
        : `${result.kind} ${result.bytes}`;

test('regular files within, at and over the limit; a file that reports no size; other file types', async (t) => {
  const ws = tempWorkspace({ 'exact.txt': 'x'.repeat(10_000), 'empty.txt': '' }, { git: false });
  t.after(() => ws.dispose());
  execFileSync('mkfifo', [ws.path('pipe')]);
  mkdirSync(ws.path('folder'));
  symlinkSync(ws.path('nothing'), ws.path('dangling'));
  symlinkSync(ws.path('loop'), ws.path('loop'));
  writeFileSync(ws.path('binary.bin'), Buffer.from([1, 0, 2]));
  const cases: [string, number, boolean, string][] = [
    [ws.path('exact.txt'), 10_000, false, 'text 10000'],
    [ws.path('exact.txt'), 9_999, false, 'too-large 10000'],
    [ws.path('empty.txt'), 10, false, 'text 0'],
    [ws.path('binary.bin'), 10, true, 'binary 3'],
    [ws.path('binary.bin'), 10, false, 'text 3'],
    // procfs reports size 0: the reader grows its buffer instead of trusting fstat.
    ['/proc/self/cmdline', 1 << 20, false, 'text'],
    [ws.path('pipe'), 10, false, 'unreadable: a FIFO (named pipe), not a regular file'],
    [ws.path('folder'), 10, false, 'unreadable: a folder, not a regular file'],
    ['/dev/zero', 10, false, 'unreadable: a device, not a regular file'],
    [ws.path('dangling'), 10, false, 'unreadable: a link to nothing'],
    [ws.path('loop'), 10, false, 'unreadable: a link loop'],
    [ws.path('absent'), 10, false, 'missing'],
  ];
  for (const [file, limit, rejectBinary, expected] of cases) {
    for (const result of [await readTextFile(file, limit, rejectBinary), readTextFileSync(file, limit, rejectBinary)])
      assert.ok(summary(result).startsWith(expected), `${file} (${limit}): ${summary(result)}, expected ${expected}`);
  }
});

test('a regular file is read with one read call once fstat’s size is in; a file of unknown size is read to its end', async (t) => {
  const ws = tempWorkspace({ 'prompt.md': 'y'.repeat(5_000) }, { git: false });
  t.after(() => ws.dispose());
  const calls = { readSync: 0, read: 0 };
  // The CommonJS module object: the one the engine's compiled imports read their functions from, at each call.
  const fsModule = createRequire(__filename)('node:fs') as typeof fs;
  const original = fsModule.readSync;
  const countingSync = (...args: Parameters<typeof fs.readSync>) => (calls.readSync++, original(...args));
  fsModule.readSync = countingSync as typeof fs.readSync;
  const handle = await fsModule.promises.open(ws.path('prompt.md'));
  await handle.close();
  const handleRead = Object.getPrototypeOf(handle) as fs.promises.FileHandle;
  const originalRead = handleRead.read;
  handleRead.read = function (this: fs.promises.FileHandle, ...args: unknown[]) {
    calls.read++;
    return (originalRead as (...a: unknown[]) => ReturnType<fs.promises.FileHandle['read']>).apply(this, args);
  } as fs.promises.FileHandle['read'];
  try {
    assert.equal(summary(readTextFileSync(ws.path('prompt.md'), 1 << 20, true)), 'text 5000');
    assert.equal(summary(await readTextFile(ws.path('prompt.md'), 1 << 20, true)), 'text 5000');
    assert.deepEqual(calls, { readSync: 1, read: 1 });
    // Control: procfs reports size 0, so the reader goes on until a read returns nothing.
    assert.equal(readTextFileSync('/proc/self/cmdline', 1 << 20, false).kind, 'text');
    await readTextFile('/proc/self/cmdline', 1 << 20, false);
    assert.ok(calls.readSync >= 3 && calls.read >= 3, JSON.stringify(calls));
  } finally {
    fsModule.readSync = original;
    handleRead.read = originalRead;
  }
});
