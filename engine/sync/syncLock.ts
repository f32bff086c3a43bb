import { createHash, randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * One sync per project at a time.
 *
 * - Within a process (the language server, a test run) a second `withSyncLock` for the same project WAITS:
 *   callers run one after the other in call order (FIFO). `signal` gives up waiting (AbortSignal's reason
 *   is thrown), never interrupts a sync that holds the lock.
 * - Across processes (the editor and a terminal running the CLI) waiting would need polling, so a second
 *   process is REFUSED at once with SyncLockedError naming the holder's pid. The lock is a file in
 *   `lockDir` (default: <tmpdir>/struere-secrets-locks-<uid>, nothing is written into the project), keyed by
 *   the project's real path, created atomically (link of a complete temp file). A lock whose holder is no
 *   longer alive is taken over.
 * - The lock folder is trusted only when it is the user's own: a real folder (not a link), owned by the user,
 *   not writable by group or others (created 0700). In a shared temp folder another local user could otherwise
 *   plant a live-looking lock and block every sync: SyncLockFolderError, nothing runs.
 */

export interface SyncLockOptions {
  readonly lockDir?: string;
  /** Stops waiting for another in-process sync of the same project. */
  readonly signal?: AbortSignal;
}

export class SyncLockedError extends Error {
  override readonly name = 'SyncLockedError';
  readonly code = 'sync_locked' as const;

  constructor(
    readonly projectRoot: string,
    readonly holderPid: number,
  ) {
    super(`another sync of ${projectRoot} is running (process ${holderPid}); try again when it has finished`);
  }
}

/** The folder the sync trusts no longer: why, and which folder, so the user can remove or fix it. */
export class SyncLockFolderError extends Error {
  override readonly name = 'SyncLockFolderError';

  constructor(
    readonly lockDir: string,
    why: string,
  ) {
    super(`the sync lock folder ${lockDir} ${why}; remove it or fix its permissions (mode 0700, your own)`);
  }
}

const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;

/** Per user: the editor and a terminal of the same user share it; other users never see or touch it. */
export const DEFAULT_LOCK_DIR = path.join(os.tmpdir(), `struere-secrets-locks-${uid ?? os.userInfo().username}`);

/** Per project: the promise that settles when the last queued holder releases. */
const tails = new Map<string, Promise<void>>();

export async function withSyncLock<T>(
  projectRoot: string,
  fn: () => Promise<T>,
  options: SyncLockOptions = {},
): Promise<T> {
  // Synchronous up to the queueing, so callers queue in call order.
  const project = canonicalProjectPath(projectRoot);
  const previous = tails.get(project) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  tails.set(project, tail);
  try {
    await waitUnlessAborted(previous, options.signal);
    const lockFile = await acquireLockFile(project, options.lockDir ?? DEFAULT_LOCK_DIR);
    try {
      return await fn();
    } finally {
      await releaseLockFile(lockFile);
    }
  } finally {
    release();
    if (tails.get(project) === tail) tails.delete(project);
  }
}

function canonicalProjectPath(projectRoot: string): string {
  const resolved = path.resolve(projectRoot);
  try {
    return realpathSync(resolved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return resolved;
    throw error;
  }
}

function waitUnlessAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

interface LockFile {
  readonly file: string;
  readonly token: string;
}

interface LockContent {
  readonly pid: number;
  readonly token: string;
  readonly projectRoot: string;
  readonly since: string;
}

async function ensureOwnLockFolder(lockDir: string): Promise<void> {
  await fs.mkdir(lockDir, { recursive: true, mode: 0o700 });
  const stat = await fs.lstat(lockDir);
  if (!stat.isDirectory()) throw new SyncLockFolderError(lockDir, 'is not a folder (a link or a file)');
  // No owners or modes to check where the platform has no uids (Windows): the user profile's temp folder is private.
  if (uid === undefined) return;
  if (stat.uid !== uid) throw new SyncLockFolderError(lockDir, `is owned by another user (uid ${stat.uid})`);
  if ((stat.mode & 0o022) !== 0) throw new SyncLockFolderError(lockDir, 'is writable by group or others');
}

async function acquireLockFile(project: string, lockDir: string): Promise<LockFile> {
  await ensureOwnLockFolder(lockDir);
  const file = path.join(lockDir, `${createHash('sha256').update(project).digest('hex').slice(0, 32)}.lock`);
  const token = randomBytes(8).toString('hex');
  const content: LockContent = { pid: process.pid, token, projectRoot: project, since: new Date().toISOString() };
  const temp = `${file}.${process.pid}.${token}.tmp`;
  await fs.writeFile(temp, JSON.stringify(content), { mode: 0o600 });
  try {
    // Two rounds at most: the second follows the removal of a stale lock.
    for (let round = 0; round < 2; round++) {
      try {
        await fs.link(temp, file);
        return { file, token };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readLock(file);
      if (holder !== undefined && holder.pid !== process.pid && isAlive(holder.pid))
        throw new SyncLockedError(project, holder.pid);
      await removeStaleLock(file, holder);
    }
    const holder = await readLock(file);
    throw new SyncLockedError(project, holder?.pid ?? 0);
  } finally {
    await fs.rm(temp, { force: true });
  }
}

async function readLock(file: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' && typeof parsed.token === 'string' ? (parsed as LockContent) : undefined;
  } catch (error) {
    // Gone meanwhile, or unreadable: both mean "no live holder we can name".
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** Removes the lock only if it still is the stale one we read (another process may have replaced it meanwhile). */
async function removeStaleLock(file: string, stale: LockContent | undefined): Promise<void> {
  const current = await readLock(file);
  if (current !== undefined && stale !== undefined && current.token !== stale.token) return;
  await fs.rm(file, { force: true });
}

async function releaseLockFile(lock: LockFile): Promise<void> {
  const current = await readLock(lock.file);
  if (current?.token === lock.token) await fs.rm(lock.file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
