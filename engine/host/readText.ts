import { closeSync, constants, fstatSync, lstatSync, openSync, promises as fs, readSync, type Stats } from 'node:fs';

export type ReadResult =
  | { readonly kind: 'text'; readonly text: string; readonly bytes: number }
  | { readonly kind: 'too-large'; readonly bytes: number }
  | { readonly kind: 'binary'; readonly bytes: number }
  /** Not a regular file we may read (FIFO, device, folder, permissions, a link to nothing or out of the project). */
  | { readonly kind: 'unreadable'; readonly reason: string }
  | { readonly kind: 'missing' };

// A lenient decoder: invalid UTF-8 becomes U+FFFD instead of an exception, and the BOM is dropped as
// editors drop it, so offsets match what the user sees.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

// O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever (and a thread-pool thread with it).
// The descriptor is checked with fstat before any read, so only regular files are ever read from.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * Reads a regular file as text for scanning, bounded: at most `maxBytes` are read (a file over it, or one of
 * unknown size that grows past it while read, is 'too-large'); anything that is not a regular file is 'unreadable' with a reason
 * for the one diagnostic the caller reports. With `rejectBinary`, a NUL byte in the first 8 KB marks the file
 * binary, as git and editors decide. Never throws for a file-system reason.
 */
export async function readTextFile(path: string, maxBytes: number, rejectBinary: boolean): Promise<ReadResult> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, OPEN_FLAGS);
  } catch (error) {
    return openFailure(path, error);
  }
  try {
    const stat = await handle.stat();
    const verdict = statVerdict(stat, maxBytes);
    if (verdict) return verdict;
    const bounded = new BoundedBuffer(stat.size, maxBytes);
    for (;;) {
      const bytesRead = (await handle.read(bounded.buffer, bounded.length, bounded.room(), bounded.length)).bytesRead;
      if (bytesRead === 0) return classify(bounded.content(), rejectBinary);
      if (bounded.add(bytesRead)) return { kind: 'too-large', bytes: bounded.length };
      if (bounded.hasStatSize()) return classify(bounded.content(), rejectBinary);
    }
  } catch (error) {
    return { kind: 'unreadable', reason: describeErrno(error) };
  } finally {
    await handle.close();
  }
}

/**
 * The read buffer of every synchronous read that fits: the text is decoded into a string before the next read, so
 * one buffer serves them all instead of an allocation per file (garbage that holds the resident memory up).
 */
const syncScratch = Buffer.allocUnsafe(64 * 1024);

/**
 * The same as readTextFile, synchronously: indexing thousands of small files is several times faster without a
 * thread-pool round trip per call; the caller yields between chunks so the server stays responsive.
 */
export function readTextFileSync(path: string, maxBytes: number, rejectBinary: boolean): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return openFailure(path, error);
  }
  try {
    const stat = fstatSync(fd);
    const verdict = statVerdict(stat, maxBytes);
    if (verdict) return verdict;
    const bounded = new BoundedBuffer(stat.size, maxBytes, syncScratch);
    for (;;) {
      const bytesRead = readSync(fd, bounded.buffer, bounded.length, bounded.room(), bounded.length);
      if (bytesRead === 0) return classify(bounded.content(), rejectBinary);
      if (bounded.add(bytesRead)) return { kind: 'too-large', bytes: bounded.length };
      if (bounded.hasStatSize()) return classify(bounded.content(), rejectBinary);
    }
  } catch (error) {
    return { kind: 'unreadable', reason: describeErrno(error) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The read buffer: sized from fstat (one read for an ordinary file), grown when the file turns out longer (it
 * grew meanwhile, or reports no size), never beyond maxBytes + 1 — the one byte that proves "too large".
 */
class BoundedBuffer {
  buffer: Buffer;
  length = 0;

  constructor(
    private readonly statSize: number,
    private readonly maxBytes: number,
    scratch?: Buffer,
  ) {
    const size = Math.min(Math.max(statSize, 4096), maxBytes) + 1;
    this.buffer = scratch && size <= scratch.length ? scratch.subarray(0, size) : Buffer.allocUnsafe(size);
  }

  /**
   * Whether all the bytes fstat announced are read: the file is taken as it was then, as readFileSync takes it,
   * without a second read to see the end (one system call per file of a 10k-file tree). A size of 0 (procfs)
   * announces nothing: such files are read to their end.
   */
  hasStatSize(): boolean {
    return this.statSize > 0 && this.length === this.statSize;
  }

  room(): number {
    return this.buffer.length - this.length;
  }

  /** Counts bytes read; true when the content is over the limit. */
  add(bytesRead: number): boolean {
    this.length += bytesRead;
    if (this.length > this.maxBytes) return true;
    if (this.length === this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.buffer.length * 2, this.maxBytes + 1));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    return false;
  }

  content(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function statVerdict(stat: Stats, maxBytes: number): ReadResult | undefined {
  if (!stat.isFile()) return { kind: 'unreadable', reason: `${describeFileType(stat)}, not a regular file` };
  if (stat.size > maxBytes) return { kind: 'too-large', bytes: stat.size };
  return undefined;
}

function classify(buffer: Buffer, rejectBinary: boolean): ReadResult {
  if (rejectBinary && buffer.subarray(0, 8192).includes(0)) return { kind: 'binary', bytes: buffer.length };
  return { kind: 'text', text: decoder.decode(buffer), bytes: buffer.length };
}

/** Missing is not a problem (the file went away); everything else is a verdict the caller reports. */
function openFailure(path: string, error: unknown): ReadResult {
  if (!isErrno(error)) throw error;
  if (isMissing(error))
    return isDanglingLink(path) ? { kind: 'unreadable', reason: 'a link to nothing' } : { kind: 'missing' };
  return { kind: 'unreadable', reason: describeErrno(error) };
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    // lstat failing as well means there is nothing at the path at all: plainly missing.
    return false;
  }
}

/** "a FIFO (named pipe)", "a folder", …: what the user finds when they look at the path. */
export function describeFileType(
  stat: Pick<Stats, 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>,
): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a file';
}

/** A reason for the unreadable-file message: the errno in words, never file content. */
export function describeErrno(error: unknown): string {
  if (!isErrno(error)) throw error;
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'a link loop';
    case 'EISDIR':
      return 'a folder, not a regular file';
    case 'ENAMETOOLONG':
      return 'a path too long';
    default:
      return `cannot be read (${error.code ?? 'unknown error'})`;
  }
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** The verdict on text already in memory (an editor buffer): the same size limit as a read from disk. */
export function textVerdict(text: string, maxBytes: number): ReadResult {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: short texts need no count, long ones are counted natively.
  const bytes = text.length * 3 <= maxBytes ? text.length : Buffer.byteLength(text, 'utf8');
  return bytes > maxBytes ? { kind: 'too-large', bytes } : { kind: 'text', text, bytes };
}

export function decodeText(buffer: Uint8Array): string {
  return decoder.decode(buffer);
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
