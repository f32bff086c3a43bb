import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_LOCK_DIR, SyncLockFolderError, withSyncLock } from '../../engine/sync/syncLock';

/**
 * The cross-process lock lives in a per-user folder the sync trusts only when it is really the user's own:
 * owned by them, not a link, not writable by group or others. Otherwise another local user could plant a lock
 * and block every sync, or read the lock's project path.
 */

function tempLockParent(t: { after: (fn: () => void) => void }): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-lockparent-'));
  t.after(() => fs.rmSync(parent, { recursive: true, force: true }));
  return parent;
}

test('the default lock folder is per user, created 0700 and owned by the user', async () => {
  assert.ok(DEFAULT_LOCK_DIR.endsWith(`-${os.userInfo().uid}`), DEFAULT_LOCK_DIR);
  assert.equal(await withSyncLock('/projects/lock-default', async () => 'ran'), 'ran');
  const stat = fs.lstatSync(DEFAULT_LOCK_DIR);
  assert.equal(stat.uid, os.userInfo().uid);
  assert.equal(stat.mode & 0o777, 0o700);
});

test('a lock folder owned by someone else, writable by others, or a link is refused; nothing runs', async (t) => {
  const parent = tempLockParent(t);
  const foreign = path.join(parent, 'foreign');
  fs.mkdirSync(foreign, { mode: 0o700 });
  fs.chownSync(foreign, 65534, 65534);
  const open = path.join(parent, 'open');
  fs.mkdirSync(open);
  fs.chmodSync(open, 0o777);
  const link = path.join(parent, 'link');
  const target = path.join(parent, 'target');
  fs.mkdirSync(target, { mode: 0o700 });
  fs.symlinkSync(target, link);
  for (const [lockDir, why] of [
    [foreign, /owned by another user/],
    [open, /writable by group or others/],
    [link, /not a folder/],
  ] as const) {
    let ran = false;
    await assert.rejects(
      withSyncLock('/projects/lock-refused', async () => (ran = true), { lockDir }),
      (error: unknown) => {
        assert.ok(error instanceof SyncLockFolderError, String(error));
        assert.match(error.message, why);
        assert.ok(error.message.includes(lockDir));
        return true;
      },
    );
    assert.equal(ran, false, `${lockDir}: the sync ran in an untrusted lock folder`);
  }
  // Control: the user's own 0700 folder works.
  assert.equal(await withSyncLock('/projects/lock-refused', async () => 'ran', { lockDir: target }), 'ran');
});

test('a stale lock (its process is dead) in the user folder is taken over', async (t) => {
  const lockDir = path.join(tempLockParent(t), 'locks');
  fs.mkdirSync(lockDir, { mode: 0o700 });
  // A pid that is certainly dead: a child that has exited.
  const { pid } = await import('node:child_process').then(({ spawnSync }) => spawnSync(process.execPath, ['-e', '0']));
  assert.ok(pid);
  await withSyncLock(
    '/projects/lock-stale',
    async () => {
      // Rewrite our own lock as a dead process's one, as a crash would leave it.
      const [file] = fs.readdirSync(lockDir);
      const content = JSON.parse(fs.readFileSync(path.join(lockDir, file!), 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(path.join(lockDir, `${file!}.stale`), JSON.stringify({ ...content, pid, token: 'dead' }));
    },
    { lockDir },
  );
  const [stale] = fs.readdirSync(lockDir).filter((name) => name.endsWith('.stale'));
  fs.renameSync(path.join(lockDir, stale!), path.join(lockDir, stale!.replace(/\.stale$/, '')));
  assert.equal(await withSyncLock('/projects/lock-stale', async () => 'ran', { lockDir }), 'ran');
});
