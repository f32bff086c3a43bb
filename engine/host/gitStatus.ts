import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type GitignoreFile, isIgnoredByGit, isTemplateEnvFile } from '../core';
import { isMissing, readTextFile } from './readText';
import { toPosix } from './discover';

/**
 * Whether git would ignore a file: undefined when the question does not apply (no repository above it, or a
 * template such as .env.example that is meant to be committed). Reads .gitignore files from the repository
 * root down to the file's folder and .git/info/exclude; no git binary needed. A .gitignore that is not a
 * regular readable file counts as absent and is passed to `onUnreadable` to be reported.
 *
 * One reader serves one pass over many files: each folder's repository root and each ignore file are looked
 * up once, so a chain of nested projects costs file-system calls linear in its depth, not quadratic.
 */
export class GitStatusReader {
  private readonly roots = new Map<string, Promise<string | undefined>>();
  private readonly ignoreFiles = new Map<string, Promise<string | undefined>>();

  constructor(private readonly onUnreadable: (path: string, reason: string) => void = () => undefined) {}

  async isGitIgnored(filePath: string): Promise<boolean | undefined> {
    if (isTemplateEnvFile(path.basename(filePath))) return undefined;
    const repositoryRoot = await this.repositoryRootOf(path.dirname(filePath));
    if (repositoryRoot === undefined) return undefined;
    const relative = toPosix(path.relative(repositoryRoot, filePath));
    const gitignores: GitignoreFile[] = [];
    const exclude = await this.ignoreFile(path.join(repositoryRoot, '.git', 'info', 'exclude'));
    if (exclude !== undefined) gitignores.push({ dir: '', content: exclude });
    const folders = relative.split('/').slice(0, -1);
    let dir = '';
    for (let depth = 0; depth <= folders.length; depth++) {
      if (depth > 0) dir = dir === '' ? folders[depth - 1]! : `${dir}/${folders[depth - 1]!}`;
      const content = await this.ignoreFile(path.join(repositoryRoot, dir, '.gitignore'));
      if (content !== undefined) gitignores.push({ dir, content });
    }
    return isIgnoredByGit(relative, gitignores);
  }

  /** The nearest folder at or above `dir` holding .git: one stat per folder, shared by everything below it. */
  private repositoryRootOf(dir: string): Promise<string | undefined> {
    let root = this.roots.get(dir);
    if (root === undefined) {
      root = (async () => {
        try {
          await fs.stat(path.join(dir, '.git'));
          return dir;
        } catch (error) {
          if (!isMissing(error)) return undefined;
        }
        const parent = path.dirname(dir);
        return parent === dir ? undefined : this.repositoryRootOf(parent);
      })();
      this.roots.set(dir, root);
    }
    return root;
  }

  private ignoreFile(file: string): Promise<string | undefined> {
    let content = this.ignoreFiles.get(file);
    if (content === undefined) {
      content = readIfPresent(file, this.onUnreadable);
      this.ignoreFiles.set(file, content);
    }
    return content;
  }
}

/** One file's git status, with a reader of its own (a single refresh; passes over many files share one). */
export function isGitIgnored(
  filePath: string,
  onUnreadable: (path: string, reason: string) => void = () => undefined,
): Promise<boolean | undefined> {
  return new GitStatusReader(onUnreadable).isGitIgnored(filePath);
}

/** git reads ignore files of any size; a megabyte of patterns is already far beyond any real one. */
export const GITIGNORE_MAX_BYTES = 1024 * 1024;

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
