import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readForUpdate, RefusedWriteError, writeProjectFile, writeRefusal } from '../../engine/host/safeWrite';

// The one writer into a project: regular files inside it only, no link followed, nothing that can block, an
// atomic replace that keeps the mode. Every refusal names the path and why, and leaves everything as it was.

function sandbox(t: { after: (fn: () => void) => void }) {
  const base = mkdtempSync(path.join(tmpdir(), 'struere-write-'));
  const project = path.join(base, 'project');
  const outside = path.join(base, 'outside.txt');
  mkdirSync(project);
  writeFileSync(outside, 'outside: untouched\n');
  t.after(() => rmSync(base, { recursive: true, force: true }));
  return { base, project, outside, at: (name: string) => path.join(project, name) };
}

/** A write that must be refused: a RefusedWriteError naming the path, the reason matching, and no temp file left. */
async function assertRefused(project: string, file: string, reason: RegExp): Promise<void> {
  assert.match(writeRefusal(project, file) ?? '(accepted)', reason);
  await assert.rejects(writeProjectFile(project, file, 'NEW=\n'), (error: unknown) => {
    assert.ok(error instanceof RefusedWriteError, String(error));
    assert.equal(error.filePath, file);
    assert.match(error.reason, reason);
    assert.ok(error.message.includes(file));
    return true;
  });
  const folder = path.dirname(file);
  assert.deepEqual(
    (existsSync(folder) && statSync(folder).isDirectory() ? readdirSync(folder) : []).filter((name) =>
      name.endsWith('.tmp'),
    ),
    [],
    'no temporary file left behind',
  );
}

void test('a new file is created and an existing one replaced atomically, keeping its mode', async (t) => {
  const s = sandbox(t);
  await writeProjectFile(s.project, s.at('.env.example'), 'A=\n');
  assert.equal(readFileSync(s.at('.env.example'), 'utf8'), 'A=\n');
  chmodSync(s.at('.env.example'), 0o640);
  const before = statSync(s.at('.env.example'));
  assert.equal(await readForUpdate(s.project, s.at('.env.example'), 1 << 20), 'A=\n');
  await writeProjectFile(s.project, s.at('.env.example'), 'A=\nB=\n');
  const after = statSync(s.at('.env.example'));
  assert.equal(readFileSync(s.at('.env.example'), 'utf8'), 'A=\nB=\n');
  assert.equal(after.mode & 0o7777, 0o640);
  assert.notEqual(after.ino, before.ino, 'replaced by a rename, not rewritten in place');
  assert.equal(await readForUpdate(s.project, s.at('.missing'), 1 << 20), undefined);
});

void test('a link at the path, to a file outside or inside the project, is refused and its target untouched', async (t) => {
  const s = sandbox(t);
  symlinkSync(s.outside, s.at('.env.example'));
  await assertRefused(s.project, s.at('.env.example'), /link/);
  await assert.rejects(readForUpdate(s.project, s.at('.env.example'), 1 << 20), RefusedWriteError);
  writeFileSync(s.at('.env.development'), 'A=1\n');
  symlinkSync('.env.development', s.at('.env.production'));
  await assertRefused(s.project, s.at('.env.production'), /link/);
  assert.equal(readFileSync(s.outside, 'utf8'), 'outside: untouched\n');
  assert.equal(readFileSync(s.at('.env.development'), 'utf8'), 'A=1\n');
});

void test('control: writing through the same link with fs.writeFile changes the file outside', (t) => {
  // What the test above guards against; it shows the setup would see a write through the link.
  const s = sandbox(t);
  symlinkSync(s.outside, s.at('.env.example'));
  writeFileSync(s.at('.env.example'), 'NEW=\n');
  assert.equal(readFileSync(s.outside, 'utf8'), 'NEW=\n');
});

void test('a link anywhere on the path below the project root is refused', async (t) => {
  const s = sandbox(t);
  const elsewhere = path.join(s.base, 'elsewhere');
  mkdirSync(elsewhere);
  symlinkSync(elsewhere, s.at('config'));
  await assertRefused(s.project, path.join(s.at('config'), '.env.example'), /"config" is a link/);
  assert.deepEqual(readdirSync(elsewhere), []);
  // The project root itself may be reached through a link: the user chose it.
  const alias = path.join(s.base, 'alias');
  symlinkSync(s.project, alias);
  await writeProjectFile(alias, path.join(alias, '.env.example'), 'A=\n');
  assert.equal(readFileSync(s.at('.env.example'), 'utf8'), 'A=\n');
});

void test('a FIFO, a folder, a path outside the project or in a missing folder: refused, without blocking', async (t) => {
  const s = sandbox(t);
  execFileSync('mkfifo', [s.at('.env.example')]);
  const started = Date.now();
  await assertRefused(s.project, s.at('.env.example'), /FIFO/);
  await assert.rejects(readForUpdate(s.project, s.at('.env.example'), 1 << 20), /FIFO/);
  assert.ok(Date.now() - started < 5_000, 'a FIFO made it wait');
  mkdirSync(s.at('.gitignore'));
  await assertRefused(s.project, s.at('.gitignore'), /a folder, not a regular file/);
  await assertRefused(s.project, path.join(s.project, '..', 'outside.txt'), /not inside the project/);
  await assertRefused(s.project, s.project, /not inside the project/);
  await assertRefused(s.project, path.join(s.at('nowhere'), '.env'), /"nowhere" does not exist/);
  writeFileSync(s.at('plain'), '');
  await assertRefused(s.project, path.join(s.at('plain'), '.env'), /"plain" is not a folder/);
  assert.equal(readFileSync(s.outside, 'utf8'), 'outside: untouched\n');
});

void test('a hard link is replaced, not written through; text that is not UTF-8 is not read for an update', async (t) => {
  const s = sandbox(t);
  linkSync(s.outside, s.at('.env.example'));
  await writeProjectFile(s.project, s.at('.env.example'), 'A=\n');
  assert.equal(readFileSync(s.outside, 'utf8'), 'outside: untouched\n');
  assert.equal(readFileSync(s.at('.env.example'), 'utf8'), 'A=\n');
  writeFileSync(s.at('.gitignore'), Buffer.from([0x61, 0xff, 0x0a]));
  await assert.rejects(readForUpdate(s.project, s.at('.gitignore'), 1 << 20), /not valid UTF-8/);
  await assert.rejects(readForUpdate(s.project, s.at('.env.example'), 2), /over the size limit/);
});
