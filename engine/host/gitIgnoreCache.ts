import { statSync } from 'node:fs';
import * as path from 'node:path';
import { toPosix } from './discover';
import { GitIndexCache } from './gitIndex';
import { isIgnoredByPatterns, prepareGitignore, type PreparedGitignore, type PreparedGitignoreFile } from '../core';
import { GITIGNORE_MAX_BYTES } from './gitStatus';
import { isMissing, readTextFileSync } from './readText';

/**
 * Whether git would commit a file, for `leaked-value` and `hardcoded-secret`. The same decision as gitStatus.ts (a
 * file git's index holds is committed; otherwise the normalised .gitignore files from the repository root down
 * decide), but synchronous and cached per folder: it is asked only for files that have findings, from the
 * diagnostics pass, and a tree of 10k files must not pay for a .gitignore read per file. `clear()` when a
 * .gitignore or git's index changes.
 */
export class GitIgnoreCache {
  /** folder → repository root above it (null: none). */
  private readonly roots = new Map<string, string | null>();
  /** file → its prepared contents (null: absent). */
  private readonly contents = new Map<string, PreparedGitignore | null>();

  constructor(private readonly indexes: GitIndexCache = new GitIndexCache()) {}

  clear(): void {
    this.roots.clear();
    this.contents.clear();
  }

  /** undefined when no repository encloses the file. */
  isIgnored(filePath: string): boolean | undefined {
    const root = this.repositoryRoot(path.dirname(filePath));
    if (root === null) return undefined;
    const relative = toPosix(path.relative(root, filePath));
    const index = this.indexes.read(root);
    if (index.kind === 'paths' && index.paths.has(relative)) return false;
    const gitignores: PreparedGitignoreFile[] = [];
    const excludePath = path.join(root, '.git', 'info', 'exclude');
    const exclude = this.read(excludePath);
    if (exclude !== null) gitignores.push({ path: excludePath, dir: '', prepared: exclude });
    const folders = relative.split('/').slice(0, -1);
    for (let depth = 0; depth <= folders.length; depth++) {
      const dir = folders.slice(0, depth).join('/');
      const ignorePath = path.join(root, dir, '.gitignore');
      const prepared = this.read(ignorePath);
      if (prepared !== null) gitignores.push({ path: ignorePath, dir, prepared });
    }
    return isIgnoredByPatterns(relative, gitignores);
  }

  /**
   * Outside any repository a file counts as committed: it will be once someone runs `git init`, and a
   * pasted secret is the thing to catch early.
   */
  isCommitted(filePath: string): boolean {
    return this.isIgnored(filePath) !== true;
  }

  private repositoryRoot(dir: string): string | null {
    const cached = this.roots.get(dir);
    if (cached !== undefined) return cached;
    let root: string | null;
    const git = gitEntry(path.join(dir, '.git'));
    if (git === 'present') root = dir;
    // As in gitStatus.ts: a folder that cannot be looked into ends the search (no repository known).
    else if (git === 'unknown') root = null;
    else root = path.dirname(dir) === dir ? null : this.repositoryRoot(path.dirname(dir));
    this.roots.set(dir, root);
    return root;
  }

  /**
   * Under the same rules as gitStatus.ts: a regular file within the bound, else absent (a FIFO named .gitignore
   * must not block the diagnostics pass; gitStatus.ts reports it as unreadable).
   */
  private read(file: string): PreparedGitignore | null {
    const cached = this.contents.get(file);
    if (cached !== undefined) return cached;
    const result = readTextFileSync(file, GITIGNORE_MAX_BYTES, false);
    const content = result.kind === 'text' ? prepareGitignore(result.text) : null;
    this.contents.set(file, content);
    return content;
  }
}

function gitEntry(file: string): 'present' | 'missing' | 'unknown' {
  try {
    statSync(file);
    return 'present';
  } catch (error) {
    return isMissing(error) ? 'missing' : 'unknown';
  }
}
