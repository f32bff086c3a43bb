import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describeErrno, describeFileType, isMissing } from './readText';

/**
 * Which paths git tracks or has staged, read from the repository's index file directly. The git binary is never
 * run: in a repository we did not make, its configuration can run commands (`core.fsmonitor` runs on every
 * `git status` or `git ls-files`), so a cloned repository would run code on the machine of whoever checks it.
 *
 * Only the paths are parsed (format versions 2, 3 and 4, SHA-1 or SHA-256 object names), under bounds: a file of at
 * most {@link GIT_INDEX_MAX_BYTES} with at most {@link GIT_INDEX_MAX_ENTRIES} entries, opened non-blocking and read
 * only when it is a regular file. Anything else is a {@link GitIndexError}, and the caller falls back to the
 * .gitignore files.
 */
export const GIT_INDEX_MAX_BYTES = 64 * 1024 * 1024;
export const GIT_INDEX_MAX_ENTRIES = 1_000_000;
/** A `.git` file (worktrees, submodules) holds one `gitdir:` line; anything longer is not one. */
const GIT_FILE_MAX_BYTES = 4096;

export class GitIndexError extends Error {}

/** The paths of one index: files tracked or staged, and the folders a sparse index keeps as one entry. */
export class GitIndexPaths {
  constructor(
    private readonly files: ReadonlySet<string>,
    /** Sparse-directory entries, each ending in '/': every path below one is tracked. */
    private readonly folders: readonly string[],
  ) {}

  /** Whether git's index holds `relativePath` ('/'-separated, relative to the work tree). */
  has(relativePath: string): boolean {
    if (this.files.has(relativePath)) return true;
    return this.folders.some((folder) => relativePath.startsWith(folder));
  }

  get size(): number {
    return this.files.size + this.folders.length;
  }
}

const SIGNATURE = 0x44495243; // "DIRC"
const HEADER_BYTES = 12;
/** ctime, mtime, dev, ino, mode, uid, gid, size: ten 32-bit fields before the object name. */
const STAT_BYTES = 40;
const EXTENDED_FLAG = 0x4000;
const NAME_LENGTH_MASK = 0xfff;
const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Parses an index file's bytes. The object-name size is not written in the index (it is the repository's
 * `extensions.objectFormat`), so both are tried: only the right one reads every entry and lands, through the
 * extensions, exactly on a trailing checksum of that size.
 */
export function parseGitIndex(bytes: Uint8Array): GitIndexPaths {
  if (bytes.length < HEADER_BYTES) throw new GitIndexError('shorter than an index header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== SIGNATURE) throw new GitIndexError('not an index file (no DIRC signature)');
  const version = view.getUint32(4);
  if (version < 2 || version > 4) throw new GitIndexError(`index format version ${version} is not 2, 3 or 4`);
  const count = view.getUint32(8);
  if (count > GIT_INDEX_MAX_ENTRIES) throw new GitIndexError(`over ${GIT_INDEX_MAX_ENTRIES} entries`);
  let firstError: unknown;
  for (const hashBytes of [20, 32]) {
    try {
      return parseEntries(bytes, view, version, count, hashBytes);
    } catch (error) {
      if (!(error instanceof GitIndexError)) throw error;
      firstError ??= error;
    }
  }
  throw firstError;
}

function parseEntries(
  bytes: Uint8Array,
  view: DataView,
  version: number,
  count: number,
  hashBytes: number,
): GitIndexPaths {
  const files = new Set<string>();
  const folders: string[] = [];
  let offset = HEADER_BYTES;
  let previous: Uint8Array = new Uint8Array(0);
  const fixed = STAT_BYTES + hashBytes + 2;
  for (let entry = 0; entry < count; entry++) {
    const start = offset;
    if (start + fixed > bytes.length) throw new GitIndexError('an entry runs past the end');
    const flags = view.getUint16(start + STAT_BYTES + hashBytes);
    offset = start + fixed;
    if (flags & EXTENDED_FLAG) {
      if (version < 3) throw new GitIndexError('extended flags in a version 2 index');
      offset += 2;
    }
    let name: Uint8Array;
    if (version === 4) {
      const { value: strip, next } = readVarint(bytes, offset);
      if (strip > previous.length) throw new GitIndexError('a path strips more than the previous one holds');
      const end = bytes.indexOf(0, next);
      if (end < 0) throw new GitIndexError('a path has no terminating NUL');
      name = concat(previous.subarray(0, previous.length - strip), bytes.subarray(next, end));
      offset = end + 1;
    } else {
      const declared = flags & NAME_LENGTH_MASK;
      const end = declared < NAME_LENGTH_MASK ? offset + declared : bytes.indexOf(0, offset);
      if (end < 0 || end >= bytes.length || bytes[end] !== 0)
        throw new GitIndexError('a path does not end where its length says');
      name = bytes.subarray(offset, end);
      // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
      offset = start + ((end - start + 8) & ~7);
      if (offset > bytes.length) throw new GitIndexError('an entry runs past the end');
      for (let pad = end; pad < offset; pad++) if (bytes[pad] !== 0) throw new GitIndexError('padding is not NUL');
    }
    if (name.length === 0) throw new GitIndexError('an empty path');
    const text = decoder.decode(name);
    if (text.endsWith('/')) folders.push(text);
    else files.add(text);
    previous = name;
  }
  // Extensions (a 4-byte signature, a 32-bit size, the data) up to the checksum, which must end the file exactly.
  while (bytes.length - offset > hashBytes) {
    if (offset + 8 > bytes.length) throw new GitIndexError('an extension header runs past the end');
    const signature = bytes[offset]!;
    const size = view.getUint32(offset + 4);
    // "link": a split index keeps most entries in a shared file; those paths are not all here.
    if (decoder.decode(bytes.subarray(offset, offset + 4)) === 'link')
      throw new GitIndexError('a split index (core.splitIndex) is not read');
    if (signature < 0x41 || signature > 0x5a) {
      if (decoder.decode(bytes.subarray(offset, offset + 4)) !== 'sdir')
        throw new GitIndexError('a required extension this reader does not know');
    }
    offset += 8 + size;
  }
  if (bytes.length - offset !== hashBytes)
    throw new GitIndexError('the entries and extensions do not end at a checksum');
  return new GitIndexPaths(files, folders);
}

/** git's varint (varint.c): 7 bits a byte, high bit set on all but the last, each continuation adding one. */
function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } {
  let offset = at;
  let byte = bytes[offset++];
  if (byte === undefined) throw new GitIndexError('a varint runs past the end');
  let value = byte & 0x7f;
  while (byte & 0x80) {
    byte = bytes[offset++];
    if (byte === undefined) throw new GitIndexError('a varint runs past the end');
    value = (value + 1) * 128 + (byte & 0x7f);
    if (value > 0xffff) throw new GitIndexError('a varint larger than any path');
  }
  return { value, next: offset };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * The git directory of a work tree whose root holds `.git`: that folder, or for a `.git` file (worktrees,
 * submodules) the folder its `gitdir:` line names, relative to the work tree. undefined when neither.
 */
export function gitDirectoryOf(workTree: string): string | undefined {
  const dotGit = path.join(workTree, '.git');
  let stat;
  try {
    stat = statSync(dotGit);
  } catch {
    return undefined;
  }
  if (stat.isDirectory()) return dotGit;
  if (!stat.isFile()) return undefined;
  let text: string;
  try {
    text = decoder.decode(readRegularFile(dotGit, GIT_FILE_MAX_BYTES));
  } catch {
    return undefined;
  }
  const line = /^gitdir:[ \t]*(.+?)[ \t]*$/m.exec(text)?.[1];
  return line === undefined ? undefined : path.resolve(workTree, line);
}

/** The outcome of reading a work tree's index: its paths, none (no index: a fresh repository), or why not. */
export type GitIndexRead =
  | { readonly kind: 'paths'; readonly paths: GitIndexPaths }
  | { readonly kind: 'none' }
  | { readonly kind: 'unreadable'; readonly reason: string };

/** Reads and parses the index of the work tree at `workTree`. Never throws for a file-system or format reason. */
export function readGitIndex(workTree: string): GitIndexRead {
  const gitDirectory = gitDirectoryOf(workTree);
  if (gitDirectory === undefined) return { kind: 'unreadable', reason: 'no git directory found' };
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(path.join(gitDirectory, 'index'), GIT_INDEX_MAX_BYTES);
  } catch (error) {
    if (isMissing(error)) return { kind: 'none' };
    return { kind: 'unreadable', reason: error instanceof GitIndexError ? error.message : describeErrno(error) };
  }
  try {
    return { kind: 'paths', paths: parseGitIndex(bytes) };
  } catch (error) {
    if (error instanceof GitIndexError) return { kind: 'unreadable', reason: error.message };
    throw error;
  }
}

/**
 * The whole of a regular file of at most `maxBytes`, opened non-blocking (a FIFO planted as .git/index must not
 * hang the reader). Throws a GitIndexError for anything that is not such a file, an errno error when it is missing.
 */
function readRegularFile(file: string, maxBytes: number): Uint8Array {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new GitIndexError(`not a regular file (${describeFileType(stat)})`);
    if (stat.size > maxBytes) throw new GitIndexError(`over ${maxBytes / (1024 * 1024)} MB`);
    const buffer = new Uint8Array(stat.size);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, length);
      if (read === 0) break;
      length += read;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * The index of each work tree, parsed once and kept while the file is unchanged (same size, modification time and
 * inode): the language server asks again after every change, and a large index costs tens of milliseconds to parse.
 */
export class GitIndexCache {
  private readonly entries = new Map<string, { key: string; read: GitIndexRead }>();

  read(workTree: string): GitIndexRead {
    const key = this.stamp(workTree);
    const cached = this.entries.get(workTree);
    if (cached && key !== undefined && cached.key === key) return cached.read;
    const read = readGitIndex(workTree);
    if (key !== undefined) this.entries.set(workTree, { key, read });
    return read;
  }

  private stamp(workTree: string): string | undefined {
    const gitDirectory = gitDirectoryOf(workTree);
    if (gitDirectory === undefined) return undefined;
    try {
      const stat = statSync(path.join(gitDirectory, 'index'), { bigint: true });
      return `${gitDirectory}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
    } catch {
      return undefined;
    }
  }
}
