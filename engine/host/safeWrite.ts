import { constants, lstatSync, promises as fs, statSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { describeFileType } from './readText';

/**
 * The one writer for everything we write into a project (`.env.example`, env files, `.gitignore`): a cloned
 * repository decides what stands at those paths, so a write goes only to a regular file inside the project.
 *
 * - Every path component below the project root is lstat'ed: a link anywhere is refused, followed nowhere (the
 *   project root itself may be reached through links: the user chose it).
 * - What stands at the path must be a regular file, or nothing: a folder, a FIFO, a socket or a device is refused
 *   before any open, and every open is non-blocking and does not follow links, so nothing can make it wait.
 * - The new text goes to a temporary file in the same folder, is synced and renamed over the old one: a reader
 *   never sees half a file, and a hard link is replaced rather than written through. The old file's mode (and,
 *   run as root, its owner) is kept.
 *
 * Anything else is a RefusedWriteError naming the path and why. engine/host is the only place allowed to write
 * into a project (eslint.config.mjs), and the language server offers only edits this writer would accept
 * (SecretsServiceHost.writable).
 */

export class RefusedWriteError extends Error {
  constructor(
    /** The path that was to be written. */
    readonly filePath: string,
    /** Why not, in words; a folder it names is JSON-quoted (no control character reaches a terminal). */
    readonly reason: string,
  ) {
    super(`${filePath} was not written: ${reason}`);
    this.name = 'RefusedWriteError';
  }
}

/** What stands at the path now: nothing yet, or a regular file. */
type WriteTarget = { readonly kind: 'missing' } | { readonly kind: 'file'; readonly stat: Stats };

const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | NO_FOLLOW;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NONBLOCK | NO_FOLLOW;

/** Why the writer would refuse `filePath` in the project at `projectRoot` now; undefined when it would write it. */
export function writeRefusal(projectRoot: string, filePath: string): string | undefined {
  try {
    inspect(projectRoot, filePath);
    return undefined;
  } catch (error) {
    if (error instanceof RefusedWriteError) return error.reason;
    throw error;
  }
}

/**
 * The text of a file about to be updated, read under the writer's rules (no link, a regular file, non-blocking,
 * at most `maxBytes`, valid UTF-8 so that writing it back changes nothing else); undefined when there is none yet.
 */
export async function readForUpdate(
  projectRoot: string,
  filePath: string,
  maxBytes: number,
): Promise<string | undefined> {
  const target = inspect(projectRoot, filePath);
  if (target.kind === 'missing') return undefined;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(filePath, READ_FLAGS);
  } catch (error) {
    throw refusalOf(filePath, error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new RefusedWriteError(filePath, `is ${describeFileType(stat)}, not a regular file`);
    if (stat.size > maxBytes) throw new RefusedWriteError(filePath, `is over the size limit (${stat.size} bytes)`);
    const bytes = await handle.readFile();
    if (bytes.length > maxBytes)
      throw new RefusedWriteError(filePath, `is over the size limit (${bytes.length} bytes)`);
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw new RefusedWriteError(filePath, 'is not valid UTF-8 text');
    }
  } finally {
    await handle.close();
  }
}

/** Creates or replaces `filePath` in the project at `projectRoot` with `text`, atomically (see the module comment). */
export async function writeProjectFile(projectRoot: string, filePath: string, text: string): Promise<void> {
  const target = inspect(projectRoot, filePath);
  const resolved = path.resolve(filePath);
  const folder = path.dirname(resolved);
  const temporary = path.join(folder, `.${path.basename(resolved)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle;
  try {
    // A new file gets the usual mode (0o666 less the umask); an existing one's mode is set once the text is in.
    handle = await fs.open(temporary, CREATE_FLAGS, target.kind === 'file' ? 0o600 : 0o666);
  } catch (error) {
    throw refusalOf(filePath, error);
  }
  let renamed = false;
  try {
    try {
      await handle.writeFile(text, 'utf8');
      if (target.kind === 'file') await keepModeAndOwner(handle, target.stat);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // What stands there may have changed since: checked again right before the rename, which replaces a link
    // or a file at the path itself and never writes through it.
    inspect(projectRoot, filePath);
    await fs.rename(temporary, resolved);
    renamed = true;
  } catch (error) {
    throw error instanceof RefusedWriteError ? error : refusalOf(filePath, error);
  } finally {
    if (!renamed) await fs.rm(temporary, { force: true });
  }
  await syncFolder(folder);
}

/**
 * `target` relative to `folder` when it is `folder` ('') or below it, else undefined; paths as given (resolve links
 * first where they matter). A child named `..cache` is inside: only `..` as a whole segment leaves the folder.
 */
export function relativeWithin(folder: string, target: string): string | undefined {
  const relative = path.relative(path.resolve(folder), path.resolve(target));
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  return outside ? undefined : relative;
}

/** Lstat's every component below the root; throws RefusedWriteError on anything but a regular file or nothing. */
function inspect(projectRoot: string, filePath: string): WriteTarget {
  const root = path.resolve(projectRoot);
  const target = path.resolve(filePath);
  const relative = relativeWithin(root, target);
  if (!relative) throw new RefusedWriteError(filePath, 'it is not inside the project');
  try {
    if (!statSync(root).isDirectory()) throw new RefusedWriteError(filePath, 'the project folder is not a folder');
  } catch (error) {
    throw refusalOf(filePath, error, 'the project folder');
  }
  const parts = relative.split(path.sep);
  let current = root;
  for (let i = 0; i < parts.length; i++) {
    current = path.join(current, parts[i]!);
    const last = i === parts.length - 1;
    const shown = JSON.stringify(parts.slice(0, i + 1).join('/'));
    let stat: Stats;
    try {
      stat = lstatSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        if (last) return { kind: 'missing' };
        throw new RefusedWriteError(filePath, `its folder ${shown} does not exist`);
      }
      throw refusalOf(filePath, error, last ? undefined : shown);
    }
    if (stat.isSymbolicLink())
      throw new RefusedWriteError(
        filePath,
        last ? 'it is a link, which is never written through' : `${shown} is a link`,
      );
    if (!last) {
      if (!stat.isDirectory()) throw new RefusedWriteError(filePath, `${shown} is not a folder`);
      continue;
    }
    if (!stat.isFile()) throw new RefusedWriteError(filePath, `it is ${describeFileType(stat)}, not a regular file`);
    return { kind: 'file', stat };
  }
  throw new RefusedWriteError(filePath, 'it is not inside the project');
}

async function keepModeAndOwner(handle: fs.FileHandle, stat: Stats): Promise<void> {
  await handle.chmod(stat.mode & 0o7777);
  // Only root may give a file away; anyone else writes a file they own, as an editor's save does.
  if (process.getuid?.() === 0 && (stat.uid !== 0 || stat.gid !== 0)) await handle.chown(stat.uid, stat.gid);
}

/** The rename itself made durable where the platform can (a folder cannot be opened for syncing on Windows). */
async function syncFolder(folder: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(folder, constants.O_RDONLY);
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}

function refusalOf(filePath: string, error: unknown, what?: string): RefusedWriteError {
  if (error instanceof RefusedWriteError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') throw error;
  const subject = what === undefined ? 'it' : what;
  switch (code) {
    case 'ELOOP':
      return new RefusedWriteError(filePath, `${subject} is a link, which is never written through`);
    case 'EACCES':
    case 'EPERM':
      return new RefusedWriteError(filePath, `permission denied (${subject})`);
    case 'ENXIO':
      return new RefusedWriteError(filePath, `${subject} is a FIFO or a socket, not a regular file`);
    case 'EISDIR':
      return new RefusedWriteError(filePath, `${subject} is a folder, not a regular file`);
    case 'ENOTDIR':
      return new RefusedWriteError(filePath, `a folder on its path is not a folder`);
    case 'ENOENT':
      return new RefusedWriteError(filePath, `${subject} does not exist`);
    default:
      return new RefusedWriteError(filePath, `${subject} cannot be written (${code})`);
  }
}

/**
 * Per-user state (the sync journal and its key) lives outside every project, in a folder of the user's own, so
 * writeProjectFile's rule (a path inside a project the repository lays out) does not fit; the folder's ownership
 * does: it is created 0700 and trusted only when it is a real folder (no link), owned by the user, and not writable
 * by group or others. Another local user could otherwise plant a journal that makes a stale value look current.
 */
export class PrivateStateError extends Error {
  constructor(
    readonly folder: string,
    why: string,
  ) {
    super(`the state folder ${folder} ${why}; remove it or fix it (a folder of your own, mode 0700)`);
    this.name = 'PrivateStateError';
  }
}

const stateUid = typeof process.getuid === 'function' ? process.getuid() : undefined;

/** Creates `folder` (0700) when missing and checks it is the user's own; throws PrivateStateError otherwise. */
export async function ensurePrivateFolder(folder: string): Promise<void> {
  try {
    await fs.mkdir(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new PrivateStateError(folder, `cannot be created (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const stat = await fs.lstat(folder);
  if (!stat.isDirectory()) throw new PrivateStateError(folder, 'is not a folder (a link or a file)');
  // No owners or modes to check where the platform has no uids (Windows): the user profile is private.
  if (stateUid === undefined) return;
  if (stat.uid !== stateUid) throw new PrivateStateError(folder, `is owned by another user (uid ${stat.uid})`);
  if ((stat.mode & 0o022) !== 0) throw new PrivateStateError(folder, 'is writable by group or others');
}

/**
 * Writes `name` in the private `folder` (checked by ensurePrivateFolder) as a 0600 file, atomically: the text goes
 * to a temporary file that is synced, then renamed over the old file ('replace') or linked to a name that must not
 * exist yet ('create', false when another process created it first). A reader never sees half a file.
 */
export async function writePrivateStateFile(
  folder: string,
  name: string,
  text: string,
  how: 'replace' | 'create',
): Promise<boolean> {
  await ensurePrivateFolder(folder);
  const target = path.join(folder, name);
  const temporary = path.join(folder, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temporary, CREATE_FLAGS, 0o600);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (how === 'replace') await fs.rename(temporary, target);
    else if (!(await linkUnlessExists(temporary, target))) return false;
  } finally {
    await fs.rm(temporary, { force: true });
  }
  await syncFolder(folder);
  return true;
}

async function linkUnlessExists(from: string, to: string): Promise<boolean> {
  try {
    await fs.link(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Creates the folder `folder` (inside the project at `projectRoot`) where it is missing, one component at a
 * time, so a writer can then put a file there (`.claude/settings.json` where only CLAUDE.md shows Claude Code).
 * A component that is a link or not a folder is refused, never followed or replaced.
 */
export async function ensureProjectFolder(projectRoot: string, folder: string): Promise<void> {
  const root = path.resolve(projectRoot);
  const relative = path.relative(root, path.resolve(folder));
  if (relative.startsWith('..') || path.isAbsolute(relative))
    throw new RefusedWriteError(folder, 'it is outside the project');
  let current = root;
  for (const part of relative.split(path.sep).filter((piece) => piece !== '')) {
    current = path.join(current, part);
    let stat: Stats | undefined;
    try {
      stat = lstatSync(current);
    } catch {
      stat = undefined;
    }
    if (stat === undefined)
      await fs.mkdir(current).catch((error: unknown) => {
        throw refusalOf(folder, error);
      });
    else if (!stat.isDirectory())
      throw new RefusedWriteError(folder, `${JSON.stringify(path.relative(root, current))} is not a folder`);
  }
}
