import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { readForUpdate, RefusedWriteError, writeProjectFile } from '../../engine/host/safeWrite';
import { describeFailure, FUZZ_RUNS, fuzzSeed } from './fuzzSettings';

/**
 * The safe writer over random project trees whose paths hold files, folders, FIFOs and links of every kind (to a
 * file or a folder inside the project or outside it, to nothing, to themselves). Invariants: every write ends
 * within WRITE_BOUND_MS, either accepted or refused with a RefusedWriteError; nothing outside the project changes;
 * a refused write changes nothing inside either; an accepted one leaves a regular file at the path itself, reached
 * through real folders only, holding the text; no temporary file is left behind.
 */

const WRITE_BOUND_MS = 5_000;

type Kind =
  | 'file'
  | 'dir'
  | 'fifo'
  | 'link-file-inside'
  | 'link-dir-inside'
  | 'link-file-outside'
  | 'link-dir-outside'
  | 'dangling'
  | 'loop';
const KINDS: Kind[] = [
  'file',
  'dir',
  'dir',
  'fifo',
  'link-file-inside',
  'link-dir-inside',
  'link-file-outside',
  'link-dir-outside',
  'dangling',
  'loop',
];
const segment = fc.constantFrom('.env.example', '.gitignore', '.env.development', 'sub', 'config', 'x');
const entry = fc.record({
  segments: fc.array(segment, { minLength: 1, maxLength: 3 }),
  kind: fc.constantFrom(...KINDS),
});

function build(root: string, outside: string, entries: readonly { segments: string[]; kind: Kind }[]): void {
  fs.writeFileSync(path.join(root, 'inside.txt'), 'inside\n');
  fs.mkdirSync(path.join(root, 'inside-dir'));
  for (const { segments, kind } of entries) {
    const target = path.join(root, ...segments);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (kind === 'file') fs.writeFileSync(target, 'old\n', { flag: 'wx' });
      else if (kind === 'dir') fs.mkdirSync(target);
      else if (kind === 'fifo') makeFifo(target);
      else if (kind === 'link-file-inside') fs.symlinkSync(path.join(root, 'inside.txt'), target);
      else if (kind === 'link-dir-inside') fs.symlinkSync(path.join(root, 'inside-dir'), target);
      else if (kind === 'link-file-outside') fs.symlinkSync(path.join(outside, 'victim.txt'), target);
      else if (kind === 'link-dir-outside') fs.symlinkSync(outside, target);
      else if (kind === 'dangling') fs.symlinkSync(path.join(root, 'nothing-here'), target);
      else fs.symlinkSync(target, target);
    } catch (error) {
      // A clash with an earlier entry (a file where a folder was asked for, …): that is the tree now.
      if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
    }
  }
}

/** mkfifo fails like the other kinds on a clash (EEXIST), with an errno code. */
function makeFifo(target: string): void {
  if (fs.existsSync(target) || isLink(target)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
  execFileSync('mkfifo', [target], { stdio: 'ignore' });
}

function isLink(target: string): boolean {
  try {
    return fs.lstatSync(target).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Every path under `dir` as lstat sees it (links not followed), with file contents: a tree's fingerprint. */
function snapshot(dir: string): Map<string, string> {
  const result = new Map<string, string>();
  const walk = (current: string) => {
    for (const name of fs.readdirSync(current)) {
      const full = path.join(current, name);
      const stat = fs.lstatSync(full);
      if (stat.isSymbolicLink()) result.set(full, `link → ${fs.readlinkSync(full)}`);
      else if (stat.isDirectory()) {
        result.set(full, 'dir');
        walk(full);
      } else if (stat.isFile()) result.set(full, `file ${stat.mode & 0o777} ${fs.readFileSync(full, 'utf8')}`);
      else result.set(full, 'special');
    }
  };
  walk(dir);
  return result;
}

/** Whether every component below `root` is a real folder and the path itself a regular file (lstat). */
function plainPath(root: string, file: string): boolean {
  const parts = path.relative(root, file).split(path.sep);
  let current = root;
  for (let i = 0; i < parts.length; i++) {
    current = path.join(current, parts[i]!);
    const stat = fs.lstatSync(current);
    if (i < parts.length - 1 ? !stat.isDirectory() : !stat.isFile()) return false;
  }
  return true;
}

async function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not end within ${WRITE_BOUND_MS} ms`)), WRITE_BOUND_MS);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

type Writer = (root: string, file: string, text: string) => Promise<void>;

/** Runs the property with `write` as the writer; returns the counts of accepted and refused writes. */
async function fuzzWriter(write: Writer, numRuns: number) {
  let accepted = 0;
  let refused = 0;
  const result = await fc.check(
    fc.asyncProperty(
      fc.array(entry, { maxLength: 10 }),
      fc.array(segment, { minLength: 1, maxLength: 3 }),
      async (entries, target) => {
        const base = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-write-fuzz-'));
        const root = path.join(base, 'project');
        const outside = path.join(base, 'outside');
        fs.mkdirSync(root);
        fs.mkdirSync(outside);
        fs.writeFileSync(path.join(outside, 'victim.txt'), 'victim\n');
        try {
          build(root, outside, entries);
          const file = path.join(root, ...target);
          const outsideBefore = snapshot(outside);
          const insideBefore = snapshot(root);
          let error: unknown;
          try {
            await bounded(write(root, file, 'NEW=\n'), 'the write');
          } catch (caught) {
            error = caught;
          }
          assert.deepEqual(snapshot(outside), outsideBefore, 'something outside the project changed');
          if (error !== undefined) {
            assert.ok(error instanceof RefusedWriteError, `not a refusal: ${String(error)}`);
            assert.ok(error.message.includes(file), 'the refusal names the path');
            assert.deepEqual(snapshot(root), insideBefore, 'a refused write changed the project');
            refused++;
          } else {
            assert.ok(plainPath(root, file), 'accepted a path that is not a regular file reached through folders');
            assert.equal(fs.readFileSync(file, 'utf8'), 'NEW=\n');
            const after = snapshot(root);
            after.delete(file);
            insideBefore.delete(file);
            assert.deepEqual(after, insideBefore, 'an accepted write changed another path');
            accepted++;
          }
        } finally {
          fs.rmSync(base, { recursive: true, force: true });
        }
      },
    ),
    { numRuns, seed: fuzzSeed(), endOnFailure: true },
  );
  return { result, accepted, refused };
}

test(
  'safe writer fuzz: links, FIFOs and folders on the way; nothing outside changes, no hang',
  { timeout: 600_000 },
  async () => {
    const { result, accepted, refused } = await fuzzWriter(async (root, file, text) => {
      await readForUpdate(root, file, 1 << 20);
      await writeProjectFile(root, file, text);
    }, FUZZ_RUNS.server * 5);
    assert.ok(!result.failed, describeFailure(result));
    // Both outcomes were exercised, so neither invariant held vacuously.
    assert.ok(accepted > 0 && refused > 0, `accepted ${accepted}, refused ${refused}`);
  },
);

test('control: the same fuzzing catches a writer that follows links (non-blocking, so it cannot hang)', async () => {
  const { result } = await fuzzWriter(async (_root, file, text) => {
    const { O_WRONLY, O_CREAT, O_TRUNC, O_NONBLOCK } = fs.constants;
    try {
      await fs.promises.writeFile(file, text, { flag: O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK });
    } catch (error) {
      throw new RefusedWriteError(file, String((error as NodeJS.ErrnoException).code));
    }
  }, 500);
  assert.ok(result.failed, 'a writer that follows links passed the fuzzer');
});
