import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { BaselineFormatError, parseBaseline, type BaselineEntry } from '../core';
import { readTextFile } from './readText';
import { RefusedWriteError, relativeWithin, writeProjectFile } from './safeWrite';

/**
 * The baseline file on disk (engine/core/baseline/baseline.ts has its format): read bounded, written through the
 * safe writer into one of the folders checked, never elsewhere. A baseline a team commits stays small (a line per
 * finding); a file over the bound is refused rather than read whole.
 */

/** Far above any real baseline (about 200 bytes a finding), far below what would strain memory. */
export const MAX_BASELINE_BYTES = 32 * 1024 * 1024;

/** A baseline file that cannot be used: it names the file and why; nothing was written. */
export class BaselineFileError extends Error {
  constructor(
    readonly filePath: string,
    readonly reason: string,
    /** Whether there is no file at all (which --update-baseline may create), rather than one that is not a baseline. */
    readonly missing = false,
  ) {
    super(`baseline ${filePath} ${reason}`);
    this.name = 'BaselineFileError';
  }
}

/** The entries of the baseline at `filePath`; throws BaselineFileError when it is missing, too large or malformed. */
export async function readBaselineFile(filePath: string, maxBytes = MAX_BASELINE_BYTES): Promise<BaselineEntry[]> {
  const result = await readTextFile(filePath, maxBytes, true);
  switch (result.kind) {
    case 'missing':
      throw new BaselineFileError(filePath, 'does not exist (write one with --update-baseline)', true);
    case 'too-large':
      throw new BaselineFileError(filePath, `is over the size limit (${maxBytes} bytes)`);
    case 'binary':
      throw new BaselineFileError(filePath, 'is not a text file');
    case 'unreadable':
      throw new BaselineFileError(filePath, `could not be read (${result.reason})`);
  }
  try {
    return parseBaseline(result.text);
  } catch (error) {
    if (error instanceof BaselineFormatError) throw new BaselineFileError(filePath, error.reason);
    throw error;
  }
}

/**
 * Writes the baseline text to `filePath`, which must lie inside one of `folders` (the folders checked): like every
 * other writer, nothing is written outside the workspace, and the safe writer's rules (no link, a regular file,
 * an atomic replace) hold inside it.
 */
export async function writeBaselineFile(folders: readonly string[], filePath: string, text: string): Promise<void> {
  const target = path.resolve(filePath);
  const folder = folders.map((candidate) => path.resolve(candidate)).find((candidate) => isInside(candidate, target));
  if (folder === undefined) throw new RefusedWriteError(filePath, 'it is outside the folders checked');
  await writeProjectFile(folder, target, text);
}

/** SHA-256 in hex: the digest of a baseline line's fingerprint text (which never holds a value). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Strictly below `folder` (the folder itself is not a file to write). */
function isInside(folder: string, target: string): boolean {
  return Boolean(relativeWithin(folder, target));
}
