import { lstatSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { readTextFile, textVerdict, type ReadResult } from './readText';

/**
 * The one verdict on an env file, whoever reads it: the index (server and CLI), `check`, `status`, `sync` and
 * an editor's open buffer. One size limit (over it: 'too-large', reported as file-too-large, refused by sync)
 * and one link rule: a link that stays inside the project is followed; one that leaves it is 'unreadable' for
 * every reader, so no reader uploads a file that `check` calls missing.
 */
export async function readEnvFile(filePath: string, projectRoot: string, maxBytes: number): Promise<ReadResult> {
  return linkOutOfProject(filePath, projectRoot) ?? readTextFile(filePath, maxBytes, false);
}

/** The verdict on an open buffer of an env file: the same limit and link rule as on disk, without parsing it. */
export function envBufferVerdict(filePath: string, projectRoot: string, text: string, maxBytes: number): ReadResult {
  const outside = linkOutOfProject(filePath, projectRoot);
  if (outside) return outside;
  return textVerdict(text, maxBytes);
}

export const OUTSIDE_PROJECT_REASON = 'a link to a file outside the project, which no reader follows';

function linkOutOfProject(filePath: string, projectRoot: string): ReadResult | undefined {
  // A plain file right in the project folder (where env files belong) is inside it whatever links lead to the
  // folder: no realpath, which resolves every folder of the path (glibc readlinks each one), so a chain of nested
  // projects cost time quadratic in its depth per file.
  if (path.dirname(filePath) === path.resolve(projectRoot) && !isLink(filePath)) return undefined;
  let target: string;
  try {
    // The native call: one system call, where the JavaScript one lstats every folder of a deep path.
    target = realpathSync.native(filePath);
  } catch {
    // Missing or a link to nothing: the reader itself says which.
    return undefined;
  }
  let root: string;
  try {
    root = realpathSync.native(projectRoot);
  } catch {
    root = path.resolve(projectRoot);
  }
  if (target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) return undefined;
  return { kind: 'unreadable', reason: OUTSIDE_PROJECT_REASON };
}

function isLink(filePath: string): boolean {
  try {
    return lstatSync(filePath).isSymbolicLink();
  } catch {
    // Missing: the reader itself says so; realpath below finds nothing either.
    return false;
  }
}

/**
 * When the env file is itself a link that stays inside its project: the file it finally leads to, relative to the
 * project ('/'-separated). git commits what is written through the link into that file, so that file is the one
 * judged for not-gitignored. undefined for a plain file, a link to nothing, or one out of the project (which no
 * reader follows: unreadable-file already says so).
 */
export function envLinkTarget(filePath: string, projectRoot: string): string | undefined {
  if (!isLink(filePath)) return undefined;
  let target: string;
  let root: string;
  try {
    target = realpathSync.native(filePath);
    root = realpathSync.native(projectRoot);
  } catch {
    return undefined;
  }
  const relative = path.relative(root, target);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative))
    return undefined;
  return relative.split(path.sep).join('/');
}
