import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
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
