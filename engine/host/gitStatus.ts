import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isIgnoredByGit, isTemplateEnvFile, type GitignoreFile } from '../core/gitignore';
import { isMissing, readTextFile } from './readText';
import { toPosix } from './discover';

/**
 * Whether git would ignore `filePath`: undefined when the question does not apply (no repository above it,
 * or a template such as .env.example that is meant to be committed). Reads .gitignore files from the
 * repository root down to the file's folder and .git/info/exclude; no git binary needed. A .gitignore that is
 * not a regular readable file counts as absent and is passed to `onUnreadable` to be reported.
 */
export async function isGitIgnored(
  filePath: string,
  onUnreadable: (path: string, reason: string) => void = () => undefined,
): Promise<boolean | undefined> {
  if (isTemplateEnvFile(path.basename(filePath))) return undefined;
  const repositoryRoot = await findRepositoryRoot(path.dirname(filePath));
  if (repositoryRoot === undefined) return undefined;
  const relative = toPosix(path.relative(repositoryRoot, filePath));
  const gitignores: GitignoreFile[] = [];
  const exclude = await readIfPresent(path.join(repositoryRoot, '.git', 'info', 'exclude'), onUnreadable);
  if (exclude !== undefined) gitignores.push({ dir: '', content: exclude });
  const folders = relative.split('/').slice(0, -1);
  for (let depth = 0; depth <= folders.length; depth++) {
    const dir = folders.slice(0, depth).join('/');
    const content = await readIfPresent(path.join(repositoryRoot, dir, '.gitignore'), onUnreadable);
    if (content !== undefined) gitignores.push({ dir, content });
  }
  return isIgnoredByGit(relative, gitignores);
}

async function findRepositoryRoot(start: string): Promise<string | undefined> {
  for (let dir = start; ; dir = path.dirname(dir)) {
    try {
      await fs.stat(path.join(dir, '.git'));
      return dir;
    } catch (error) {
      if (!isMissing(error)) return undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** git reads ignore files of any size; a megabyte of patterns is already far beyond any real one. */
const GITIGNORE_MAX_BYTES = 1024 * 1024;

async function readIfPresent(
  file: string,
  onUnreadable: (path: string, reason: string) => void,
): Promise<string | undefined> {
  const result = await readTextFile(file, GITIGNORE_MAX_BYTES, false);
  if (result.kind === 'text') return result.text;
  if (result.kind === 'unreadable') onUnreadable(file, result.reason);
  else if (result.kind === 'too-large') onUnreadable(file, `over ${GITIGNORE_MAX_BYTES / 1024} KB`);
  return undefined;
}
